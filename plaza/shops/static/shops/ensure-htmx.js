// Loads htmx on merchant pages unless the base layout already did (scripts marked
// defer run in order, so the layout's copy, if any, has run by now).
(function () {
  if (window.htmx) return;
  var script = document.createElement("script");
  script.src = document.currentScript.dataset.htmx;
  // A script added this late may run after DOMContentLoaded, when htmx no longer
  // scans the page by itself; processing twice is harmless.
  script.onload = function () { window.htmx.process(document.body); };
  document.head.appendChild(script);
})();
