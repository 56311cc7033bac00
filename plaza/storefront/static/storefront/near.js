// "Use my location": asks the browser for a position and reloads the page near it.
(function () {
  "use strict";
  var button = document.querySelector("[data-geolocate]");
  var errorNode = document.querySelector("[data-geolocate-error]");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    button.textContent = "Locating…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var url = new URL(window.location.href);
        url.searchParams.delete("place");
        url.searchParams.set("lat", position.coords.latitude.toFixed(5));
        url.searchParams.set("lng", position.coords.longitude.toFixed(5));
        url.searchParams.set("near", "your location");
        window.location.assign(url.toString());
      },
      function () {
        button.disabled = false;
        button.textContent = "Use my location";
        errorNode.textContent = "We could not get your location. Type a postcode or neighbourhood instead.";
        errorNode.hidden = false;
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
    );
  });
})();
