// Live order pages: the shopper's order status and the merchant's board.
//
// The element with data-live-socket names a WebSocket that says "order N changed"; the
// page then fetches the re-rendered fragment (data-live-refresh: the whole region; on the
// board, data-live-cards + "<id>/card/": one card, which moves to its column). When the
// socket drops, it reconnects with backoff and polls the fragment every 5 s meanwhile.
(function () {
  "use strict";

  var POLL_MS = 5000;
  var MAX_BACKOFF_MS = 30000;
  var GIVE_UP_CODES = [4403, 4404];

  function fetchFragment(url) {
    return fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
  }

  function toElement(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function activate(root) {
    if (window.htmx) window.htmx.process(root);
    root.querySelectorAll("dialog[data-show-on-load]").forEach(function (dialog) {
      dialog.removeAttribute("data-show-on-load");
      if (!dialog.open) dialog.showModal();
    });
  }

  // --- the board: cards live in the column their data-column names ---------------------

  function updateCounts(board) {
    board.querySelectorAll("[data-count-for]").forEach(function (count) {
      var column = board.querySelector('.cards[data-column="' + count.dataset.countFor + '"]');
      count.textContent = column ? column.querySelectorAll(".order-card").length : 0;
    });
  }

  function placeCard(board, card) {
    // An htmx action and a live push can both bring back the same card: keep only this one.
    board.querySelectorAll('[id="' + card.id + '"]').forEach(function (twin) {
      if (twin !== card) twin.remove();
    });
    var column = board.querySelector('.cards[data-column="' + card.dataset.column + '"]');
    if (!column) {
      card.remove();
    } else if (card.parentElement !== column) {
      var placeholder = column.querySelector(".empty-column");
      column.insertBefore(card, placeholder ? placeholder.nextSibling : column.firstChild);
    }
    updateCounts(board);
  }

  var latestRequest = {};

  function refreshCard(board, orderId) {
    var ticket = (latestRequest[orderId] || 0) + 1;
    latestRequest[orderId] = ticket;
    return fetchFragment(board.dataset.liveCards + orderId + "/card/").then(function (response) {
      if (ticket !== latestRequest[orderId]) return;
      if (response.status === 404) {
        var gone = document.getElementById("order-card-" + orderId);
        if (gone) gone.remove();
        updateCounts(board);
        return;
      }
      if (!response.ok) throw new Error("card " + orderId + ": " + response.status);
      return response.text().then(function (html) {
        if (ticket !== latestRequest[orderId]) return;
        var card = toElement(html);
        // Look again: an htmx swap may have replaced the card while the body was read.
        var current = document.getElementById("order-card-" + orderId);
        if (current && current.contains(document.activeElement) && current.querySelector("dialog[open]")) return;
        if (current) current.replaceWith(card);
        placeCard(board, card);
        activate(card);
      });
    });
  }

  // --- any live region -------------------------------------------------------------------

  function refreshAll(region) {
    return fetchFragment(region.dataset.liveRefresh).then(function (response) {
      if (!response.ok) throw new Error("refresh: " + response.status);
      return response.text().then(function (html) {
        if (region.querySelector("dialog[open]")) return;
        region.innerHTML = html;
        activate(region);
      });
    });
  }

  function onMessage(region, message) {
    var isBoard = "liveCards" in region.dataset && !("liveFiltered" in region.dataset);
    var done = isBoard ? refreshCard(region, message.order_id) : refreshAll(region);
    done.catch(function (error) { console.warn(error); });
  }

  function say(text) {
    var state = document.getElementById("live-state");
    if (state) state.textContent = text;
  }

  function connect(region) {
    var attempts = 0;
    var pollTimer = null;

    function startPolling() {
      if (pollTimer) return;
      pollTimer = setInterval(function () {
        refreshAll(region).catch(function (error) { console.warn(error); });
      }, POLL_MS);
    }

    function stopPolling() {
      clearInterval(pollTimer);
      pollTimer = null;
    }

    function open() {
      if (!("WebSocket" in window)) {
        say("Updates every 5 seconds.");
        startPolling();
        return;
      }
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + window.location.host + region.dataset.liveSocket);
      socket.addEventListener("open", function () {
        // Catch up on anything that changed while the socket was down.
        if (attempts > 0 || pollTimer) refreshAll(region).catch(function (error) { console.warn(error); });
        attempts = 0;
        stopPolling();
        say("Live: updates appear by themselves.");
      });
      socket.addEventListener("message", function (event) {
        onMessage(region, JSON.parse(event.data));
      });
      socket.addEventListener("close", function (event) {
        if (GIVE_UP_CODES.indexOf(event.code) !== -1) {
          say("Live updates are not available here.");
          return;
        }
        attempts += 1;
        startPolling();
        say("Reconnecting… meanwhile updates every 5 seconds.");
        setTimeout(open, Math.min(1000 * Math.pow(2, attempts - 1), MAX_BACKOFF_MS));
      });
    }

    open();
  }

  // --- dialogs and htmx responses --------------------------------------------------------

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-opens]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.opens);
      if (dialog) dialog.showModal();
      return;
    }
    var closer = event.target.closest("[data-closes]");
    if (closer) closer.closest("dialog").close();
  });

  // A refused action comes back as the card with the reason (and the form's errors):
  // show it, rather than htmx's default of ignoring error responses.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500 && event.detail.target.closest(".order-card")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After an action the card comes back in its new state: move it to its new column.
  document.addEventListener("htmx:afterSettle", function () {
    var board = document.querySelector("[data-live-cards]");
    if (board) board.querySelectorAll(".order-card").forEach(function (card) { placeCard(board, card); });
    activate(document.body);
  });

  function start() {
    document.querySelectorAll("[data-live-socket]").forEach(connect);
    activate(document.body);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
