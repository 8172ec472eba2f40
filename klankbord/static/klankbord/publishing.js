/* Klankbord publishing: small helpers for the composer and the calendar's drag and drop. */
(function () {
  "use strict";

  function insertAtCursor(field, text) {
    var start = field.selectionStart || field.value.length;
    var end = field.selectionEnd || field.value.length;
    var before = field.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    field.value = before + spacer + text + " " + field.value.slice(end);
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUpComposer(form) {
    var main = form.querySelector("#id_text");
    form.addEventListener("click", function (event) {
      var chip = event.target.closest("[data-insert]");
      if (chip) { insertAtCursor(main, chip.dataset.insert); }
      var remove = event.target.closest(".remove-image");
      if (remove) {
        remove.closest(".image-row").remove();
        document.body.dispatchEvent(new Event("images-changed"));
      }
    });
    // A variant starts from the main text the first time it is opened.
    form.querySelectorAll("details.variant").forEach(function (details) {
      details.addEventListener("toggle", function () {
        var area = details.querySelector("textarea");
        if (details.open && !area.value) { area.value = main.value; }
      });
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id === "images") {
        form.querySelector("#upload").value = "";
        document.body.dispatchEvent(new Event("images-changed"));
      }
    });
  }

  function reloadCalendar() {
    return htmx.ajax("GET", window.location.href, { target: "#calendar", swap: "innerHTML" });
  }

  function setUpCalendar(calendar) {
    var message = document.getElementById("calendar-message");
    var csrf = calendar.dataset.csrf;
    function bind() {
      if (!calendar.dataset.mayMove) { return; }
      calendar.querySelectorAll("ul.drop").forEach(function (list) {
        Sortable.create(list, {
          group: "calendar",
          draggable: "li[data-move]",
          forceFallback: true,
          fallbackTolerance: 3,
          onAdd: function (event) {
            var values = { date: event.to.dataset.date };
            if (event.to.dataset.hour) { values.hour = event.to.dataset.hour; }
            message.textContent = "";
            htmx.ajax("POST", event.item.dataset.move, {
              values: values, swap: "none", headers: { "X-CSRFToken": csrf }
            }).then(reloadCalendar);
          }
        });
      });
    }
    document.body.addEventListener("htmx:responseError", function (event) {
      message.textContent = event.detail.xhr.responseText;
      message.className = "error";
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === calendar) { bind(); }
    });
    bind();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var composer = document.getElementById("composer");
    if (composer) { setUpComposer(composer); }
    var calendar = document.getElementById("calendar");
    if (calendar && window.Sortable) { setUpCalendar(calendar); }
  });
})();
