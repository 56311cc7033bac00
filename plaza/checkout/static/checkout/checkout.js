// Checkout form: show the fields of the chosen method and payment, keep pay-at-pick-up to
// pick-up orders, fill the position from the browser, and block double submission.
(function () {
  function setUp(form) {
    function sync() {
      var method = form.querySelector("input[name=fulfilment_method]:checked");
      var methodValue = method ? method.value : "";
      form.querySelectorAll("[data-method]").forEach(function (section) {
        section.hidden = method && section.dataset.method.split(" ").indexOf(methodValue) === -1;
      });
      form.querySelectorAll("input[data-pickup-only='1']").forEach(function (radio) {
        radio.disabled = method && methodValue !== "pickup";
        if (radio.disabled) radio.checked = false;
      });
      var provider = form.querySelector("input[name=payment_provider]:checked");
      form.querySelectorAll("[data-needs-card]").forEach(function (section) {
        section.hidden = !provider || provider.dataset.card !== "1";
      });
    }
    form.addEventListener("change", sync);
    sync();

    var locate = form.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
          form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
        });
      });
    }

    var submit = form.querySelector("button[type=submit]");
    var label = submit.textContent;
    form.addEventListener("submit", function () {
      submit.disabled = true;
      submit.textContent = submit.dataset.busyLabel || label;
    });
    // Coming back with the browser's back button must not leave the button dead.
    window.addEventListener("pageshow", function () {
      submit.disabled = false;
      submit.textContent = label;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-checkout-form]").forEach(setUp);
  });
})();
