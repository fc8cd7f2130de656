/* Service worker of the field page (/inspections/). Own code, no library.
 * - The page tells it which URLs make up the page (its HTML, scripts, styles, the task list) and it
 *   caches them, so the page opens without a network.
 * - Pages and the task list: network first (fresh when online), the cached copy when offline.
 * - Static files: cache first (their names are hashed in production).
 * - Everything else, and every POST (visit uploads), goes to the network untouched. */
"use strict";
var CACHE = "yc-inspections-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  var port = event.ports && event.ports[0];
  var done = caches.open(CACHE).then(function (cache) {
    return Promise.all(data.urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
        return null;
      });
    }));
  }).then(function () {
    if (port) port.postMessage({ ok: true });
  }, function (error) {
    if (port) port.postMessage({ ok: false, error: String(error) });
  });
  event.waitUntil(done);
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    // A redirect (to the login page, when the session has ended) must not replace the cached page.
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && url.pathname.indexOf("/inspections/") === 0) {
    event.respondWith(networkFirst(request));
  } else if (/\/inspections\/tasks\/$/.test(url.pathname) || url.pathname.indexOf("/jsi18n/") === 0) {
    event.respondWith(networkFirst(request));
  }
});
