// The live shopping list: server-ordered operations with versions.
//
// `confirmed` holds the items as of `version`, built only from the server's operations,
// applied in version order (from the socket, or fetched from /operations when a version
// is missing). Local edits are operations with a fresh client_op_id, kept in `pending`
// (and in localStorage, so an edit made offline survives a reload) and drawn on top of
// `confirmed` at once; each leaves `pending` when the server's copy of it arrives. Pending
// operations are POSTed in order; a resend after a lost answer is applied once by the
// server. The rules in `applyOperation` are those of plaza/lists/reducer.py.
(function () {
  "use strict";

  var root = document.getElementById("list-app");
  if (!root) return;
  var initial = JSON.parse(document.getElementById("list-data").textContent);
  var listId = Number(root.dataset.listId);
  var me = { id: Number(root.dataset.userId), name: root.dataset.userName };
  var api = "/api/v1/lists/" + listId + "/operations";
  var queueKey = "plaza-list-" + listId + "-pending";
  var POLL_MS = 5000;
  var MAX_BACKOFF_MS = 30000;
  var EDITABLE = ["text", "quantity", "note"];

  var role = initial.my_role;
  var version = initial.version;
  var names = {};
  var confirmed = {};
  initial.items.forEach(function (item) {
    confirmed[item.id] = {
      text: item.text, product_id: item.product_id, product_url: item.product_url, shop_id: item.shop_id,
      shop_name: item.shop_name, quantity: item.quantity, note: item.note, checked: item.checked,
      assignee_id: item.assignee ? item.assignee.id : null, position: item.position, removed: false,
    };
    if (item.assignee) names[item.assignee.id] = item.assignee.name;
  });
  names[me.id] = me.name;

  var clientId = localStorage.getItem("plaza-list-client") || newId().replace(/-/g, "");
  localStorage.setItem("plaza-list-client", clientId);
  var pending = JSON.parse(localStorage.getItem(queueKey) || "[]");
  var sending = false;
  var revoked = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- the rules (plaza/lists/reducer.py) ----------------------------------------------

  function liveOrder(items) {
    return Object.keys(items).filter(function (id) { return !items[id].removed; }).sort(function (a, b) {
      return items[a].position - items[b].position || (a < b ? -1 : a > b ? 1 : 0);
    });
  }

  function applyOperation(items, kind, payload, userId) {
    var item = items[payload.item_id];
    if (kind === "add_item") {
      if (item || payload.known) return;
      var order = liveOrder(items);
      items[payload.item_id] = {
        text: payload.text, product_id: payload.product_id || null, product_url: payload.product_url || null,
        shop_id: payload.shop_id || null, shop_name: payload.shop_name || null, quantity: payload.quantity || 1,
        note: payload.note || "", checked: false, assignee_id: null,
        position: order.length ? items[order[order.length - 1]].position + 1 : 0, removed: false,
      };
      return;
    }
    if (!item || item.removed) return;
    if (kind === "move_item") {
      var ids = liveOrder(items);
      var before = payload.before_item_id;
      if (before === payload.item_id || (before && ids.indexOf(before) < 0)) return;
      ids.splice(ids.indexOf(payload.item_id), 1);
      ids.splice(before ? ids.indexOf(before) : ids.length, 0, payload.item_id);
      ids.forEach(function (id, position) { items[id].position = position; });
    } else if (kind === "set_fields") {
      EDITABLE.forEach(function (field) { if (field in payload.fields) item[field] = payload.fields[field]; });
    } else if (kind === "check" || kind === "uncheck") {
      item.checked = kind === "check";
    } else if (kind === "assign" || kind === "unassign") {
      item.assignee_id = kind === "assign" ? userId : null;
    } else if (kind === "remove_item") {
      item.removed = true;
      item.assignee_id = null;
    }
  }

  function shown() {
    var items = JSON.parse(JSON.stringify(confirmed));
    pending.forEach(function (op) { applyOperation(items, op.kind, op.payload, me.id); });
    return items;
  }

  // --- server operations ---------------------------------------------------------------

  function receive(op) {
    if (op.version <= version) return true;
    if (op.version !== version + 1) return false;
    if (op.user) names[op.user.id] = op.user.name;
    applyOperation(confirmed, op.kind, op.payload, op.user ? op.user.id : null);
    version = op.version;
    var mine = op.client_id === clientId;
    pending = pending.filter(function (p) { return !(mine && p.client_op_id === op.client_op_id); });
    saveQueue();
    if (!mine) announce(op);
    return true;
  }

  function receiveAndDraw(op) {
    if (receive(op)) draw();
    else catchUp();
  }

  var catchingUp = null;

  function catchUp() {
    if (catchingUp) return catchingUp;
    catchingUp = fetch(api + "?after_version=" + version, { credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404) throw lostAccess();
        if (!response.ok) throw new Error("operations: " + response.status);
        return response.json();
      })
      .then(function (page) {
        page.operations.forEach(receive);
        draw();
        catchingUp = null;
        if (version < page.version) return catchUp();
        flush();
      })
      .catch(function () {
        catchingUp = null;
        setState(revoked ? "You no longer have access to this list." : "Offline: your changes are kept and sent when you are back.");
      });
    return catchingUp;
  }

  // --- local edits ---------------------------------------------------------------------

  function saveQueue() {
    localStorage.setItem(queueKey, JSON.stringify(pending));
  }

  function edit(kind, payload) {
    if (revoked) return;
    pending.push({ client_op_id: newId(), kind: kind, payload: payload });
    saveQueue();
    draw();
    flush();
  }

  function flush() {
    if (sending || revoked || !pending.length) return;
    var op = pending[0];
    sending = true;
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify({ client_id: clientId, client_op_id: op.client_op_id, kind: op.kind, payload: op.payload }),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (result) {
        sending = false;
        if (result.status === 200) {
          receiveAndDraw(result.body);
        } else {
          // Refused (not valid, no longer allowed): it will never apply, so drop it.
          pending = pending.filter(function (p) { return p !== op; });
          saveQueue();
          showError(result.body.error ? result.body.error.message : "That change was refused.");
          if (result.status === 404 || result.status === 403) catchUp();
          draw();
        }
        flush();
      })
      .catch(function () {
        sending = false;
        setState("Offline: your changes are kept and sent when you are back.");
      });
  }

  // --- drawing -------------------------------------------------------------------------

  var list = document.getElementById("items");
  var empty = document.getElementById("no-items");
  var announcer = document.getElementById("remote-changes");

  function mayEdit() {
    return !revoked && (role === "owner" || role === "editor");
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function itemRow(id) {
    var row = element("li", { class: "item card", "data-item-id": id });
    var check = element("input", { type: "checkbox", class: "item-check" });
    check.addEventListener("change", function () { edit(check.checked ? "check" : "uncheck", { item_id: id }); });
    var main = element("div", { class: "item-main" });
    var text = element("input", { class: "item-text", maxlength: "200" });
    text.addEventListener("change", function () {
      if (text.value.trim()) edit("set_fields", { item_id: id, fields: { text: text.value.trim() } });
    });
    var link = element("a", { class: "item-link" }, "View product");
    var meta = element("div", { class: "item-meta" });
    var quantity = element("input", { type: "number", min: "1", max: root.dataset.maxQuantity, class: "item-quantity", inputmode: "numeric" });
    quantity.addEventListener("change", function () {
      var value = parseInt(quantity.value, 10);
      if (value >= 1 && value <= Number(root.dataset.maxQuantity)) edit("set_fields", { item_id: id, fields: { quantity: value } });
    });
    var note = element("input", { class: "item-note", maxlength: "500", placeholder: "Note" });
    note.addEventListener("change", function () { edit("set_fields", { item_id: id, fields: { note: note.value.trim() } }); });
    var who = element("span", { class: "item-assignee" });
    var claim = element("button", { type: "button", class: "secondary small item-claim" });
    claim.addEventListener("click", function () {
      var item = shown()[id];
      edit(item && item.assignee_id === me.id ? "unassign" : "assign", { item_id: id });
    });
    var up = element("button", { type: "button", class: "secondary small item-up" }, "↑");
    up.addEventListener("click", function () { move(id, -1); });
    var down = element("button", { type: "button", class: "secondary small item-down" }, "↓");
    down.addEventListener("click", function () { move(id, 1); });
    var remove = element("button", { type: "button", class: "secondary small item-remove" }, "Remove");
    remove.addEventListener("click", function () { edit("remove_item", { item_id: id }); });
    meta.append(quantity, note);
    main.append(text, link, meta, who);
    var actions = element("div", { class: "item-actions" });
    actions.append(claim, up, down, remove);
    row.append(check, main, actions);
    return row;
  }

  function setValue(input, value) {
    if (document.activeElement !== input && input.value !== String(value)) input.value = value;
  }

  function fillRow(row, item) {
    var editable = mayEdit();
    var label = item.text;
    var check = row.querySelector(".item-check");
    check.checked = item.checked;
    check.disabled = !editable;
    check.setAttribute("aria-label", "Got " + label);
    row.classList.toggle("checked", item.checked);
    var text = row.querySelector(".item-text");
    setValue(text, item.text);
    text.readOnly = !editable;
    text.setAttribute("aria-label", "Item");
    var link = row.querySelector(".item-link");
    link.hidden = !item.product_url;
    if (item.product_url) {
      link.href = item.product_url;
      link.textContent = item.shop_name ? "At " + item.shop_name : "View product";
    }
    var quantity = row.querySelector(".item-quantity");
    setValue(quantity, item.quantity);
    quantity.readOnly = !editable;
    quantity.setAttribute("aria-label", "Quantity of " + label);
    var note = row.querySelector(".item-note");
    setValue(note, item.note);
    note.readOnly = !editable;
    note.setAttribute("aria-label", "Note for " + label);
    row.querySelector(".item-assignee").textContent =
      item.assignee_id === me.id ? "You will get it" : item.assignee_id ? (names[item.assignee_id] || "Someone") + " will get it" : "";
    var claim = row.querySelector(".item-claim");
    claim.textContent = item.assignee_id === me.id ? "Unassign me" : "I'll get it";
    claim.setAttribute("aria-label", claim.textContent + ": " + label);
    row.querySelector(".item-remove").setAttribute("aria-label", "Remove " + label);
    row.querySelector(".item-up").setAttribute("aria-label", "Move " + label + " up");
    row.querySelector(".item-down").setAttribute("aria-label", "Move " + label + " down");
    row.querySelector(".item-actions").hidden = !editable;
    row.classList.toggle("pending", pending.some(function (op) { return op.payload.item_id === row.dataset.itemId; }));
  }

  function draw() {
    var items = shown();
    var order = liveOrder(items);
    var rows = {};
    Array.prototype.forEach.call(list.children, function (row) { rows[row.dataset.itemId] = row; });
    order.forEach(function (id, index) {
      var row = rows[id] || itemRow(id);
      delete rows[id];
      fillRow(row, items[id]);
      if (list.children[index] !== row) list.insertBefore(row, list.children[index] || null);
    });
    Object.keys(rows).forEach(function (id) { rows[id].remove(); });
    empty.hidden = order.length > 0;
    document.getElementById("add-item").hidden = !mayEdit();
  }

  function move(id, step) {
    var order = liveOrder(shown());
    var index = order.indexOf(id) + step;
    if (index < 0 || index >= order.length) return;
    // Before the item above, or before the one after the item below (none: last).
    edit("move_item", { item_id: id, before_item_id: step < 0 ? order[index] : order[index + 1] || null });
  }

  var SAID = {
    add_item: "added", set_fields: "changed", check: "checked", uncheck: "unchecked", assign: "will get",
    unassign: "unassigned", remove_item: "removed", move_item: "moved",
  };

  function announce(op) {
    var item = confirmed[op.payload.item_id];
    var who = op.user ? op.user.name : "Someone";
    announcer.textContent = who + " " + (SAID[op.kind] || "changed") + (item ? " " + item.text : "");
  }

  function setState(text) {
    document.getElementById("live-state").textContent = text;
  }

  function showError(text) {
    document.getElementById("add-error").textContent = text;
  }

  function lostAccess() {
    revoked = true;
    pending = [];
    saveQueue();
    setState("You no longer have access to this list.");
    draw();
    return new Error("no access");
  }

  // --- adding, with an optional product from the search API -----------------------------

  var form = document.getElementById("add-item");
  var search = document.getElementById("product-search");
  var results = document.getElementById("product-results");
  var picked = document.getElementById("picked-product");
  var product = null;
  var searchTimer = null;

  function pick(hit) {
    product = hit;
    results.textContent = "";
    search.value = "";
    picked.hidden = !hit;
    picked.textContent = "";
    if (!hit) return;
    picked.append("Linked: " + hit.title + " (" + hit.shop.name + ") ");
    var clear = element("button", { type: "button", class: "linklike" }, "Unlink");
    clear.addEventListener("click", function () { pick(null); });
    picked.append(clear);
  }

  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var words = search.value.trim();
    if (words.length < 2) { results.textContent = ""; return; }
    searchTimer = setTimeout(function () {
      fetch("/api/v1/search/products?limit=5&q=" + encodeURIComponent(words), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (found) {
          results.textContent = "";
          found.items.forEach(function (hit) {
            var choice = element("button", { type: "button", class: "linklike" }, hit.title + " · " + hit.shop.name);
            choice.addEventListener("click", function () { pick(hit); });
            var entry = element("li");
            entry.append(choice);
            results.append(entry);
          });
        });
    }, 250);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = form.elements.text.value.trim();
    var quantity = parseInt(form.elements.quantity.value, 10) || 1;
    if (!text && !product) { showError("Say what to buy, or pick a product."); return; }
    if (quantity < 1 || quantity > Number(root.dataset.maxQuantity)) { showError("Quantity: 1 to " + root.dataset.maxQuantity + "."); return; }
    showError("");
    var payload = { item_id: newId(), text: text, quantity: quantity };
    if (product) payload.product_id = product.id;
    edit("add_item", payload);
    form.reset();
    pick(null);
    form.elements.text.focus();
  });

  // --- the socket ----------------------------------------------------------------------

  var backoff = 1000;
  var pollTimer = null;

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/lists/" + listId + "/");
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "hello") {
        backoff = 1000;
        clearInterval(pollTimer);
        pollTimer = null;
        role = message.role;
        setState("Live: changes by others appear by themselves.");
        if (message.version > version) catchUp();
        else flush();
        draw();
      } else if (message.type === "operation") {
        receiveAndDraw(message.operation);
      } else if (message.type === "role") {
        role = message.role;
        draw();
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4403 || event.code === 4404) {
        lostAccess();
        return;
      }
      setState("Reconnecting… changes are checked every few seconds meanwhile.");
      if (!pollTimer) pollTimer = setInterval(function () { catchUp(); }, POLL_MS);
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  }

  window.addEventListener("online", function () { flush(); catchUp(); });
  draw();
  if ("WebSocket" in window) connect();
  else {
    setState("Checking for changes every few seconds.");
    pollTimer = setInterval(function () { catchUp(); }, POLL_MS);
  }
  flush();
})();
