{% load static %}// Plaza's service worker: pages come from the network; when it is down, a shared list
// opened before comes from the cache (its edits wait in the page until the network is
// back) and any other page is the offline page. The shell's static files are served from
// the cache and refreshed behind. Nothing else is touched: API calls, forms, WebSockets
// and media go to the network as they would without it. Logging out empties the cache.
"use strict";

var CACHE = "plaza-{{ version }}";
var OFFLINE = "{% url 'offline' %}";
var SHELL = [OFFLINE, "{% static 'web/plaza.css' %}", "{% static 'web/plaza.js' %}", "{% static 'django_htmx/htmx-2.min.js' %}", "{% static 'web/icons/plaza-192.png' %}"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("plaza-") === 0 && name !== CACHE; }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function pageFromNetwork(request, keep) {
  return fetch(request).then(function (response) {
    if (keep && response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (cached) { return cached || caches.match(OFFLINE); });
  });
}

function staticFile(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (cached) {
        fresh.catch(function () {});
        return cached;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && !url.pathname.startsWith("/admin/") && !url.pathname.startsWith("/api/")) {
    event.respondWith(pageFromNetwork(request, url.pathname.startsWith("/lists/")));
  } else if (url.pathname.startsWith("{% get_static_prefix %}")) {
    event.respondWith(staticFile(request));
  }
});
