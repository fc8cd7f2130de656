// Roster import page: dry run (preview) first, then confirm. Talks to the JSON API with the session.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form) return;
  var statusBox = document.getElementById("import-status");
  var resultBox = document.getElementById("import-result");
  var title = document.getElementById("result-title");
  var table = document.getElementById("result-table");
  var confirmButton = document.getElementById("confirm-button");
  var previewButton = document.getElementById("preview-button");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // gettext/interpolate come from Django's JavaScript catalogue (/jsi18n/, loaded by base.html).
  var ACTIONS = { create: gettext("新增"), update: gettext("更新") };
  var CLASSES = { urban: gettext("中心城区及县城"), rural: gettext("农村") };

  // The `hidden` attribute loses to app.css's display rules for buttons: set display as well.
  function show(el, visible) {
    el.hidden = !visible;
    el.style.display = visible ? "" : "none";
  }

  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text == null ? "" : String(text);
    return el;
  }

  function fill(headers, rows) {
    var thead = table.tHead, tbody = table.tBodies[0];
    thead.innerHTML = "";
    tbody.innerHTML = "";
    var tr = document.createElement("tr");
    headers.forEach(function (h) { tr.appendChild(cell("th", h)); });
    thead.appendChild(tr);
    rows.forEach(function (values) {
      var row = document.createElement("tr");
      values.forEach(function (v) { row.appendChild(cell("td", v)); });
      tbody.appendChild(row);
    });
  }

  function send(dryRun) {
    var file = document.getElementById("import-file").files[0];
    if (!file) { statusBox.textContent = gettext("请选择文件。"); return; }
    var data = new FormData();
    data.append("file", file);
    data.append("mode", document.getElementById("import-mode").value);
    data.append("dry_run", dryRun ? "true" : "false");
    var county = document.getElementById("import-county");
    if (county && county.value) data.append("county", county.value);
    // A preview the server rendered for an earlier, script-less submit is out of date now.
    ["server-preview", "server-problems", "import-mismatch"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) show(el, false);
    });
    statusBox.textContent = dryRun ? gettext("正在检查，请稍候……") : gettext("正在导入，请稍候……");
    previewButton.disabled = true;
    confirmButton.disabled = true;
    fetch(form.dataset.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { detail: interpolate(gettext("服务器返回了无法识别的内容（HTTP %s）。"), [response.status]) }; })
        .then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (r) {
      previewButton.disabled = false;
      confirmButton.disabled = false;
      show(resultBox, true);
      var body = r.body;
      if (!r.ok) {
        show(confirmButton, false);
        statusBox.textContent = body.detail || gettext("导入失败。");
        statusBox.className = "error";
        if (body.problems) {
          title.textContent = interpolate(gettext("发现 %s 处问题（未导入任何数据）"), [body.problems.length]);
          fill([gettext("行"), gettext("列"), gettext("问题")], body.problems.slice(0, 1000).map(function (p) { return [p.row, p.column, p.message]; }));
        } else {
          title.textContent = "";
          fill([], []);
        }
        return;
      }
      statusBox.className = "";
      if (body.dry_run) {
        statusBox.textContent = interpolate(
          gettext("检查通过：共 %(rows)s 行，将新增 %(created)s 户、更新 %(updated)s 户。请核对下方预览后点击“确认导入”。"),
          { rows: body.rows, created: body.created, updated: body.updated }, true);
        if (body.skipped_title_rows) {
          statusBox.textContent += interpolate(gettext("已跳过表头上方的 %s 行标题。"), [body.skipped_title_rows]);
        }
        title.textContent = interpolate(gettext("预览（前 %s 行）"), [body.preview.length]);
        lastPreview = interpolate(gettext("将新增 %(created)s 户、更新 %(updated)s 户。"),
          { created: body.created, updated: body.updated }, true);
        show(confirmButton, true);
      } else {
        statusBox.textContent = interpolate(gettext("导入成功：新增 %(created)s 户，更新 %(updated)s 户。"),
          { created: body.created, updated: body.updated }, true);
        title.textContent = gettext("已导入");
        show(confirmButton, false);
      }
      fill([gettext("行"), gettext("操作"), gettext("乡镇"), gettext("村"), gettext("户主姓名"), gettext("身份证号"),
        gettext("改造类型"), gettext("城乡"), gettext("面积（㎡）"), gettext("完工日期")],
        body.preview.map(function (p) {
          return [p.row, ACTIONS[p.action], p.township, p.village, p.head_name, p.id_number, p.retrofit_type,
            CLASSES[p.area_class] || p.area_class, p.area_m2 || "", p.completed_on || ""];
        }));
    }).catch(function () {
      previewButton.disabled = false;
      confirmButton.disabled = false;
      statusBox.className = "error";
      statusBox.textContent = gettext("网络错误，请稍后重试。");
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); send(true); });
  // 确认导入 asks in the page (no window.confirm: the same step the monthly report takes), saying
  // what the preview found; only 确定导入 sends the file for real.
  var ask = document.getElementById("import-confirm");
  var lastPreview = "";
  confirmButton.addEventListener("click", function () {
    document.getElementById("import-confirm-text").textContent = lastPreview;
    show(confirmButton, false);
    show(ask, true);
    document.getElementById("import-confirm-yes").focus();
  });
  document.getElementById("import-confirm-yes").addEventListener("click", function () {
    show(ask, false);
    send(false);
  });
  document.getElementById("import-confirm-no").addEventListener("click", function () {
    show(ask, false);
    show(confirmButton, true);
    confirmButton.focus();
  });
  document.getElementById("import-file").addEventListener("change", function () {
    show(ask, false);
    show(confirmButton, false);
    show(resultBox, false);
    statusBox.textContent = "";
  });
})();
