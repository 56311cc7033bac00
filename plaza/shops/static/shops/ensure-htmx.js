// Loads htmx on merchant pages unless the base layout already did (scripts marked
// defer run in order, so the layout's copy, if any, has run by now).
(function () {
  if (window.htmx) return;
  var script = document.createElement("script");
  script.src = document.currentScript.dataset.htmx;
  document.head.appendChild(script);
})();
