// Behaviour every page shares, declared in the markup (the Content-Security-Policy allows
// no inline handlers): data-confirm on a form asks before it is sent, data-print on a
// button prints the page, data-select-on-focus selects a field's text when it is focused.
// It also installs the service worker (/sw.js) that makes Plaza an installable app.
(function () {
  "use strict";

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(function (error) { console.warn("service worker:", error); });
  }

  document.addEventListener("submit", function (event) {
    // Pages kept for offline use are the signed-in person's: they go when they log out.
    if (event.target.matches("[data-logout]") && window.caches) {
      caches.keys().then(function (names) {
        names.forEach(function (name) { if (name.indexOf("plaza-") === 0) caches.delete(name); });
      });
    }
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.hasAttribute("data-select-on-focus")) {
      event.target.select();
    }
  });
})();
