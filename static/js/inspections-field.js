/* Field page (/inspections/): task list, visit form, offline queue in IndexedDB, upload when online.
 * No library. Visits get a UUID made here, so an upload retried after a lost answer is one visit. */
(function () {
  "use strict";
  var app = document.getElementById("field-app");
  if (!app) return;
  var kind = app.getAttribute("data-kind");
  var tasksUrl = app.getAttribute("data-tasks-url");
  var visitsUrl = app.getAttribute("data-visits-url");
  var DB_NAME = "yc-inspections-" + app.getAttribute("data-user");
  var STORE = "queue";
  var MAX_PHOTOS = 5;
  var tasks = [];
  var queued = [];
  var current = null;
  var uploading = false;

  var el = function (id) { return document.getElementById(id); };
  // gettext/interpolate come from Django's JavaScript catalogue (/jsi18n/, cached for offline use).

  // --- IndexedDB -------------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "uuid" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  var loadQueue = function () { return withStore("readonly", function (s) { return s.getAll(); }); };
  var putItem = function (item) { return withStore("readwrite", function (s) { return s.put(item); }); };
  var removeItem = function (uuid) { return withStore("readwrite", function (s) { return s.delete(uuid); }); };

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- rendering ----------------------------------------------------------------------------------
  function showQueue() {
    el("queue-count").textContent = interpolate(gettext("%(n)s 条待上传"), { n: queued.length }, true);
    var list = el("queue-errors");
    list.textContent = "";
    queued.forEach(function (item) {
      if (!item.error) return;
      var li = document.createElement("li");
      li.textContent = item.label + "：" + item.error;
      list.appendChild(li);
    });
    el("upload-now").disabled = !queued.length;
  }

  function showNet() {
    el("net-status").textContent = navigator.onLine ? gettext("在线") : gettext("离线：检查记录保存在本机，联网后自动上传");
  }

  function stateOf(task) {
    if (queued.some(function (q) { return q.household === task.id; })) return ["queued", gettext("待上传")];
    // An acceptor accepts (验收); an inspector checks (检查): each list speaks of its own work.
    if (kind === "acceptance") return task.visited ? ["done", gettext("已验收")] : ["", gettext("未验收")];
    if (task.visited) return ["done", gettext("已检查")];
    return ["", gettext("未检查")];
  }

  function renderTasks() {
    var query = (el("task-search").value || "").trim();
    var box = el("task-list");
    box.textContent = "";
    var shown = tasks.filter(function (task) {
      return !query || [task.head_name, task.township, task.village].some(function (v) { return v.indexOf(query) >= 0; });
    });
    el("task-empty").hidden = shown.length > 0;
    var lastTownship = null, lastVillage = null, ul = null;
    shown.forEach(function (task) {
      var township = task.county_name + " " + task.township;
      if (township !== lastTownship) {
        var h2 = document.createElement("h2");
        h2.textContent = township;
        box.appendChild(h2);
        lastTownship = township; lastVillage = null;
      }
      if (task.village !== lastVillage) {
        var h3 = document.createElement("h3");
        h3.textContent = task.village;
        box.appendChild(h3);
        ul = document.createElement("ul");
        box.appendChild(ul);
        lastVillage = task.village;
      }
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "task-button";
      button.setAttribute("data-household", task.id);
      var who = document.createElement("span");
      var name = document.createElement("span");
      name.className = "who";
      name.textContent = task.head_name;
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + task.id_number + " · " + task.retrofit_type_name;
      who.appendChild(name); who.appendChild(meta);
      var state = stateOf(task);
      var badge = document.createElement("span");
      badge.className = "state " + state[0];
      badge.textContent = state[1];
      button.appendChild(who); button.appendChild(badge);
      button.addEventListener("click", function () { openForm(task); });
      li.appendChild(button);
      ul.appendChild(li);
    });
  }

  function loadTasks() {
    return fetch(tasksUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (body) { tasks = body.households || []; renderTasks(); })
      .catch(function () {
        el("task-empty").hidden = false;
        el("task-empty").textContent = gettext("任务清单暂时无法载入，请联网后重试。");
      });
  }

  // --- the visit form -------------------------------------------------------------------------
  function askPosition() {
    current.position = null;
    if (!navigator.geolocation) {
      el("position-status").textContent = gettext("无法定位（仍可保存）");
      return;
    }
    el("position-status").textContent = gettext("正在定位…");
    var form = current;
    navigator.geolocation.getCurrentPosition(function (pos) {
      if (current !== form) return;
      form.position = { latitude: pos.coords.latitude.toFixed(6), longitude: pos.coords.longitude.toFixed(6) };
      el("position-status").textContent = gettext("已定位");
    }, function () {
      if (current !== form) return;
      el("position-status").textContent = gettext("未定位（仍可保存，记录将标注无位置）");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  function openForm(task) {
    current = { task: task, position: null };
    el("visit-form").reset();
    el("visit-title").textContent = task.head_name;
    el("visit-sub").textContent = task.county_name + " " + task.township + " " + task.village + " · " + task.id_number;
    el("form-error").textContent = "";
    el("photo-count").textContent = "";
    el("visit-panel").hidden = false;
    askPosition();
    var first = el("visit-form").querySelector("input[type=radio]");
    if (first) first.focus();
  }

  function closeForm() {
    current = null;
    el("visit-panel").hidden = true;
  }

  el("visit-photos").addEventListener("change", function () {
    var n = el("visit-photos").files.length;
    el("photo-count").textContent = n ? interpolate(gettext("已选 %(n)s 张照片"), { n: n }, true) : "";
  });
  el("visit-cancel").addEventListener("click", closeForm);

  el("visit-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    var form = el("visit-form");
    var checked = form.querySelector("input[type=radio]:checked");
    var files = Array.prototype.slice.call(el("visit-photos").files);
    var error = "";
    if (!checked) error = kind === "acceptance" ? gettext("请选择验收结果。") : gettext("请选择检查结果。");
    else if (!files.length) error = gettext("请至少拍一张照片。");
    else if (files.length > MAX_PHOTOS) error = interpolate(gettext("每次最多 %(n)s 张照片。"), { n: MAX_PHOTOS }, true);
    if (error) {
      el("form-error").textContent = error;
      return;
    }
    var task = current.task;
    var item = {
      uuid: newUuid(),
      household: task.id,
      label: task.village + " " + task.head_name,
      finding: kind === "acceptance" ? "" : checked.value,
      acceptance_result: kind === "acceptance" ? checked.value : "",
      note: el("visit-note").value,
      visited_at: new Date().toISOString(),
      latitude: current.position ? current.position.latitude : "",
      longitude: current.position ? current.position.longitude : "",
      photos: files.map(function (f) { return { name: f.name || "photo.jpg", type: f.type, blob: f }; }),
      error: ""
    };
    putItem(item).then(function () {
      queued.push(item);
      closeForm();
      showQueue();
      renderTasks();
      uploadAll();
    }, function () {
      el("form-error").textContent = gettext("本机存储失败，请检查手机存储空间。");
    });
  });

  el("task-search").addEventListener("input", renderTasks);

  // --- upload ---------------------------------------------------------------------------------
  function uploadOne(item) {
    var body = new FormData();
    ["uuid", "household", "finding", "acceptance_result", "note", "visited_at", "latitude", "longitude"].forEach(function (key) {
      if (item[key] !== "" && item[key] !== null && item[key] !== undefined) body.append(key, item[key]);
    });
    item.photos.forEach(function (p) { body.append("photos", p.blob, p.name); });
    return fetch(visitsUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return removeItem(item.uuid).then(function () {
          queued = queued.filter(function (q) { return q.uuid !== item.uuid; });
          tasks.forEach(function (task) { if (task.id === item.household) task.visited = true; });
          return "done";
        });
      }
      if (response.status === 401 || response.status === 403 || response.status >= 500 || response.status === 429) {
        // Signed out, or the server is busy: keep the visit as it is and try later.
        el("net-status").textContent = response.status >= 500 || response.status === 429 ? gettext("服务器暂时不可用，稍后自动重试。") : gettext("登录已过期，请重新登录后上传。");
        return "stop";
      }
      return response.json().catch(function () { return {}; }).then(function (json) {
        var messages = [];
        var errors = json.errors || {};
        Object.keys(errors).forEach(function (k) { messages = messages.concat(errors[k]); });
        item.error = messages.join(" ") || json.detail || String(response.status);
        return putItem(item).then(function () { return "kept"; });
      });
    });
  }

  function uploadAll() {
    if (uploading || !navigator.onLine || !queued.length) return Promise.resolve();
    uploading = true;
    var pending = queued.filter(function (q) { return !q.error; });
    var chain = Promise.resolve("next");
    pending.forEach(function (item) {
      chain = chain.then(function (state) { return state === "stop" ? state : uploadOne(item); });
    });
    return chain.catch(function () { /* the network dropped: try again later */ }).then(function () {
      uploading = false;
      showQueue();
      renderTasks();
    });
  }

  el("upload-now").addEventListener("click", function () {
    queued.forEach(function (q) { q.error = ""; });
    uploadAll();
  });
  window.addEventListener("online", function () { showNet(); uploadAll(); });
  window.addEventListener("offline", showNet);
  window.setInterval(uploadAll, 20000);

  // --- offline: the service worker ------------------------------------------------------------
  function cacheForOffline() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(app.getAttribute("data-sw-url"), { scope: app.getAttribute("data-scope") })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [window.location.pathname, tasksUrl];
        document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (node) {
          urls.push(node.getAttribute("href") || node.getAttribute("src"));
        });
        return new Promise(function (resolve) {
          var channel = new MessageChannel();
          channel.port1.onmessage = function (event) { resolve(event.data && event.data.ok); };
          registration.active.postMessage({ type: "cache", urls: urls }, [channel.port2]);
        });
      })
      .then(function (ok) {
        if (ok) {
          app.setAttribute("data-offline-ready", "1");
          el("offline-ready").textContent = gettext("已可离线使用");
        }
      })
      .catch(function () { /* no offline support in this browser: the page still works online */ });
  }

  showNet();
  loadQueue().then(function (items) {
    queued = items || [];
    showQueue();
    return loadTasks();
  }).then(function () {
    app.setAttribute("data-loaded", "1");
    uploadAll();
  });
  if (navigator.onLine) cacheForOffline();
  else app.setAttribute("data-offline-ready", "1");
})();
