// Background roster export page: polls the small JSON status every two seconds and updates the
// progress bar; shows the download link when the file is ready. (No inline script: CSP.)
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box) return;
  var bar = document.getElementById("export-bar");
  var percent = document.getElementById("export-percent");
  var status = document.getElementById("export-status");
  var rows = document.getElementById("export-rows");
  var download = document.getElementById("export-download");
  var url = box.getAttribute("data-status-url");

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    percent.textContent = state.percent + "%";
    status.textContent = state.status_label;
    if (state.rows_total !== null) {
      rows.textContent = box.getAttribute("data-label-rows")
        .replace("%(done)s", state.rows_done).replace("%(total)s", state.rows_total);
    }
    if (state.download_url) {
      download.href = state.download_url;
      download.hidden = false;
    }
    if (state.error && !document.getElementById("export-error")) {
      var p = document.createElement("p");
      p.id = "export-error";
      p.className = "error";
      p.textContent = state.error_message || box.getAttribute("data-label-failed");
      box.appendChild(p);
    }
    return state.status === "done" || state.status === "failed";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && show(state)) return;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (download.hidden && !document.getElementById("export-error")) poll();
})();
