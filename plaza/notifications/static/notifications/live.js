// The live bell: keeps the unread count in the top bar current and, on the first page
// of /notifications/, adds each new notification at the top.
//
// A WebSocket on /ws/notifications/ brings each new notification with the new unread
// count. When the socket drops it reconnects with backoff, and while it cannot connect
// the count is polled from the API every 30 s.
(function () {
  "use strict";

  var SOCKET_PATH = "/ws/notifications/";
  var COUNT_URL = "/api/v1/notifications/unread-count";
  var POLL_MS = 30000;
  var MAX_BACKOFF_MS = 30000;
  var GIVE_UP_CODES = [4403];

  function showCount(bell, count) {
    var badge = bell.querySelector("[data-unread-badge]");
    bell.querySelector("[data-unread-number]").textContent = count;
    badge.hidden = count === 0;
    bell.setAttribute("aria-label", count === 0 ? "Notifications" : "Notifications, " + count + " unread");
  }

  function fetchCount(bell) {
    return fetch(COUNT_URL, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("unread count: " + response.status);
        return response.json();
      })
      .then(function (body) { showCount(bell, body.unread); })
      .catch(function (error) { console.warn(error); });
  }

  // Built with textContent only: the text is the person's own, but never treated as HTML.
  function prependItem(list, notification) {
    if (list.querySelector('[data-notification-id="' + notification.id + '"]')) return;
    var item = document.createElement("li");
    item.className = "notification unread";
    item.dataset.notificationId = notification.id;
    var link = document.createElement("a");
    link.className = "notification-link";
    link.href = "/notifications/" + notification.id + "/open/";
    link.textContent = notification.text;
    var mark = document.createElement("span");
    mark.className = "badge unread-mark";
    mark.textContent = "New";
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = ", unread";
    mark.appendChild(hint);
    var time = document.createElement("time");
    time.className = "muted";
    time.dateTime = notification.created_at;
    time.textContent = "just now";
    item.append(link, " ", mark, " ", time);
    list.insertBefore(item, list.firstChild);
    list.hidden = false;
    var empty = document.getElementById("notifications-empty");
    if (empty) empty.remove();
    var markAll = document.getElementById("mark-all-read");
    if (markAll) markAll.hidden = false;
  }

  function onNotification(bell, notification) {
    showCount(bell, notification.unread_count);
    var list = document.querySelector("#notification-list[data-live-prepend]");
    if (list) prependItem(list, notification);
  }

  function connect(bell) {
    var attempts = 0;
    var pollTimer = null;

    function startPolling() {
      if (pollTimer) return;
      pollTimer = setInterval(function () { fetchCount(bell); }, POLL_MS);
    }

    function stopPolling() {
      clearInterval(pollTimer);
      pollTimer = null;
    }

    function open() {
      if (!("WebSocket" in window)) {
        startPolling();
        return;
      }
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + window.location.host + SOCKET_PATH);
      socket.addEventListener("open", function () {
        // Catch up on what arrived while the socket was down.
        if (attempts > 0) fetchCount(bell);
        attempts = 0;
        stopPolling();
        bell.dataset.live = "on";
      });
      socket.addEventListener("message", function (event) {
        var message = JSON.parse(event.data);
        if (message.type === "notification.created") onNotification(bell, message);
      });
      socket.addEventListener("close", function (event) {
        bell.dataset.live = "off";
        if (GIVE_UP_CODES.indexOf(event.code) !== -1) return;
        attempts += 1;
        startPolling();
        setTimeout(open, Math.min(1000 * Math.pow(2, attempts - 1), MAX_BACKOFF_MS));
      });
    }

    open();
  }

  function start() {
    var bell = document.getElementById("notification-bell");
    if (bell) connect(bell);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
