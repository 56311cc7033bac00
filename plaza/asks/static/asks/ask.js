// The live page of one ask. The socket says what changed (ids and counts); the page then
// fetches the re-rendered poll or the new answers over HTTP, where access is checked again.
// Without a socket it polls the ask's version. Votes post with htmx and swap the poll.
(function () {
  "use strict";
  var page = document.querySelector("[data-ask-id]");
  if (!page) return;
  var state = document.getElementById("live-state");
  var answers = document.getElementById("answers");
  var polling = null;
  var gone = false;

  function say(text) { state.textContent = text; }

  function currentVersion() {
    var poll = document.getElementById("ask-poll");
    return poll ? parseInt(poll.dataset.version, 10) : 0;
  }

  function refreshPoll() {
    return fetch(page.dataset.pollUrl, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return;
      return response.text().then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        var old = document.getElementById("ask-poll");
        if (!fresh || !old || parseInt(fresh.dataset.version, 10) < currentVersion()) return;
        old.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        if (!fresh.querySelector("[data-countdown]")) {
          document.querySelectorAll(".answer-form, .ask-owner form[action$='/close/']").forEach(function (form) { form.remove(); });
        }
      });
    });
  }

  function fetchAnswers() {
    var after = answers.dataset.lastAnswerId || "0";
    return fetch(page.dataset.answersUrl + "?after_id=" + encodeURIComponent(after), { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return;
      return response.text().then(function (html) {
        var holder = document.createElement("ul");
        holder.innerHTML = html;
        Array.prototype.forEach.call(holder.querySelectorAll("[data-answer-id]"), function (item) {
          var id = parseInt(item.dataset.answerId, 10);
          if (document.getElementById("answer-" + id)) return;
          answers.appendChild(item);
          if (id > parseInt(answers.dataset.lastAnswerId || "0", 10)) answers.dataset.lastAnswerId = String(id);
        });
        document.getElementById("no-answers").hidden = answers.children.length > 0;
      });
    });
  }

  function onChange(message) {
    if (message.type === "ask.answered") fetchAnswers();
    if (message.version > currentVersion()) refreshPoll();
  }

  function pollForChanges() {
    if (polling || gone) return;
    say("Checking for new votes and answers every 15 seconds.");
    polling = setInterval(function () {
      fetch(page.dataset.stateUrl, { credentials: "same-origin" }).then(function (response) {
        if (response.status === 404) { gone = true; clearInterval(polling); say("This ask is no longer available to you."); return; }
        if (!response.ok) return;
        return response.json().then(function (ask) {
          if (ask.version > currentVersion()) { fetchAnswers(); refreshPoll(); }
        });
      });
    }, 15000);
  }

  function connect() {
    if (!("WebSocket" in window)) { pollForChanges(); return; }
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + page.dataset.liveUrl);
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "hello") { say("Live: votes and answers appear by themselves."); fetchAnswers(); refreshPoll(); return; }
      onChange(message);
    };
    socket.onclose = function (event) {
      if (event.code === 4403 || event.code === 4404) { gone = true; say("This ask is no longer available to you."); return; }
      pollForChanges();
    };
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function countDown() {
    var clock = document.querySelector("[data-countdown]");
    if (!clock) return;
    var left = Math.floor((new Date(clock.getAttribute("datetime")) - new Date()) / 60000);
    if (left < 0) { refreshPoll(); return; }
    var days = Math.floor(left / 1440), hours = Math.floor((left % 1440) / 60), minutes = left % 60;
    clock.textContent = days ? plural(days, "day") + (hours ? ", " + plural(hours, "hour") : "")
      : hours ? plural(hours, "hour") + (minutes ? ", " + plural(minutes, "minute") : "")
      : minutes ? plural(minutes, "minute") : "less than a minute";
  }

  connect();
  setInterval(countDown, 30000);
})();
