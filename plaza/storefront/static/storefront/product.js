// Variant picker and live stock for the product page. Reads the JSON embedded as
// #product-data; listens on a WebSocket for stock changes and falls back to polling.
(function () {
  "use strict";
  var dataNode = document.getElementById("product-data");
  var page = document.querySelector("[data-product-page]");
  if (!dataNode || !page) return;
  var data = JSON.parse(dataNode.textContent);
  var variantSelect = page.querySelector("#variant-select");
  var optionSelects = Array.prototype.slice.call(page.querySelectorAll("[data-option-index]"));
  var priceNode = page.querySelector("[data-price]");
  var compareNode = page.querySelector("[data-compare]");
  var availabilityNode = page.querySelector("[data-availability]");
  var stockList = page.querySelector("[data-stock-list]");
  var addButton = page.querySelector("[data-add]");
  var liveNote = page.querySelector("[data-live-note]");
  var POLL_MS = 10000;

  function selectedVariant() {
    var id = variantSelect ? Number(variantSelect.value) : null;
    return data.variants.find(function (v) { return v.id === id; }) || data.variants[0];
  }

  function unitsOf(variant, locationId) {
    var perLocation = data.stock[String(variant.id)] || {};
    return perLocation[String(locationId)] || 0;
  }

  function render() {
    var variant = selectedVariant();
    if (!variant) return;
    // The server wrote these strings with the format every page uses; nothing is formatted here.
    priceNode.textContent = variant.priceText;
    if (variant.compareAtPriceText) {
      compareNode.textContent = variant.compareAtPriceText;
      compareNode.hidden = false;
    } else {
      compareNode.hidden = true;
    }
    var total = 0;
    stockList.innerHTML = "";
    data.locations.forEach(function (location) {
      var units = unitsOf(variant, location.id);
      total += units;
      var item = document.createElement("li");
      item.className = units ? "in" : "out";
      var where = "at " + location.name + " · " + location.distance + " · " + location.status.toLowerCase();
      item.textContent = (units ? units + " left " : "Out of stock ") + where;
      stockList.appendChild(item);
    });
    availabilityNode.textContent = total ? total + " available in the shops" : "Out of stock everywhere";
    availabilityNode.className = "availability " + (total ? "in" : "out");
    if (addButton) addButton.disabled = total === 0;
  }

  // Option selects: each lists the values seen on variants; picking one picks the variant
  // matching every chosen value (or the first that matches the value just changed).
  function fillOptions(variant) {
    optionSelects.forEach(function (select, index) {
      var seen = [];
      data.variants.forEach(function (v) { if (seen.indexOf(v.options[index]) === -1) seen.push(v.options[index]); });
      select.innerHTML = "";
      seen.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      });
      select.value = variant.options[index];
    });
  }

  function onOptionChange(event) {
    var changed = Number(event.target.getAttribute("data-option-index"));
    var wanted = optionSelects.map(function (select) { return select.value; });
    var match = data.variants.find(function (v) {
      return v.options.every(function (value, i) { return value === wanted[i]; });
    }) || data.variants.find(function (v) { return v.options[changed] === wanted[changed]; });
    variantSelect.value = String(match.id);
    optionSelects.forEach(function (select, i) { select.value = match.options[i]; });
    render();
  }

  if (optionSelects.length && data.variants.length > 1) {
    fillOptions(selectedVariant());
    page.querySelector("[data-options]").hidden = false;
    page.querySelector("[data-variant-row]").hidden = true;
    optionSelects.forEach(function (select) { select.addEventListener("change", onOptionChange); });
  }
  if (variantSelect) variantSelect.addEventListener("change", render);
  render();

  function applyChange(change) {
    var key = String(change.variant_id);
    if (!data.stock[key]) return;
    data.stock[key][String(change.location_id)] = change.available;
    render();
  }

  function poll() {
    fetch(data.pollUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        Object.keys(data.stock).forEach(function (variantId) {
          var fresh = body.stock[variantId] || {};
          Object.keys(data.stock[variantId]).forEach(function (locationId) {
            data.stock[variantId][locationId] = fresh[locationId] || 0;
          });
        });
        render();
      })
      .catch(function () {});
  }

  var pollTimer = null;
  function startPolling() {
    if (pollTimer) return;
    if (liveNote) liveNote.textContent = "Stock refreshes every 10 seconds.";
    pollTimer = window.setInterval(poll, POLL_MS);
  }

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + data.socketPath);
    } catch (error) {
      startPolling();
      return;
    }
    socket.addEventListener("open", function () {
      if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
      if (liveNote) liveNote.textContent = "Stock updates live.";
      page.setAttribute("data-live", "socket");
      poll();
    });
    socket.addEventListener("message", function (event) { applyChange(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      page.removeAttribute("data-live");
      startPolling();
      window.setTimeout(connect, POLL_MS);
    });
  }
  connect();
})();
