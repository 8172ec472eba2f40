// Inbox keys: j/k move through the list, o or Enter opens, a takes the item, e closes it,
// r jumps to the reply. Saved replies fill the reply box.
(function () {
  "use strict";
  function typing(event) {
    var tag = (event.target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".inbox-item")); }
  function current() { return document.querySelector(".inbox-item.selected"); }
  function select(row) {
    rows().forEach(function (r) { r.classList.remove("selected"); });
    if (row) { row.classList.add("selected"); row.focus(); }
  }
  function move(step) {
    var all = rows(); if (!all.length) return;
    var index = all.indexOf(current());
    select(all[Math.min(all.length - 1, Math.max(0, index + step))]);
  }
  function submit(id) { var form = document.getElementById(id); if (form) form.submit(); }
  // On the list: the chosen row's action, then back to the same list.
  function act(row, fields) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!token) return;
    var form = document.createElement("form");
    form.method = "post";
    form.action = row.dataset.url + "actie/";
    fields.csrfmiddlewaretoken = token.value;
    fields.next = window.location.pathname + window.location.search;
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }
  document.addEventListener("keydown", function (event) {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    var row = current();
    if (event.key === "j") { move(1); }
    else if (event.key === "k") { move(-1); }
    else if ((event.key === "o" || event.key === "Enter") && row) { window.location = row.dataset.url; }
    else if (event.key === "a") { row ? act(row, {action: "assign", assignee: "me"}) : submit("assign-me"); }
    else if (event.key === "e") { row ? act(row, {action: "status", status: "closed"}) : submit("close-item"); }
    else if (event.key === "r") {
      var box = document.getElementById("id_text"); if (box) { box.focus(); event.preventDefault(); }
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "saved-reply") return;
    var option = event.target.selectedOptions[0];
    var box = document.getElementById("id_text");
    if (option && option.dataset.text && box) {
      // Keep the @handle the reply starts with: on Mastodon it is what tells the author.
      var handles = (box.value.match(/^(@\S+\s+)+/) || [""])[0];
      box.value = handles + option.dataset.text;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
  // The list refreshes itself; the tab title shows how many items are open.
  document.addEventListener("htmx:afterSwap", function () {
    var list = document.getElementById("inbox-list");
    if (list && list.dataset.open !== undefined) {
      var base = document.title.replace(/^\(\d+\)\s*/, "");
      document.title = (list.dataset.open !== "0" ? "(" + list.dataset.open + ") " : "") + base;
    }
  });
})();
