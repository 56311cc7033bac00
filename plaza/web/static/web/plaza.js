// Behaviour every page shares, declared in the markup (the Content-Security-Policy allows
// no inline handlers): data-confirm on a form asks before it is sent, data-print on a
// button prints the page, data-select-on-focus selects a field's text when it is focused.
(function () {
  "use strict";

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
