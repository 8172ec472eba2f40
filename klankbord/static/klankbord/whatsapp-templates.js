// WhatsApp message templates in the answer box: the preview shows the text with the variables
// as they are typed. Text only (textContent), so nothing typed can become markup.
(function () {
  "use strict";
  var VARIABLE = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;
  function fill(text, form, part) {
    return text.replace(VARIABLE, function (whole, name) {
      var input = form.querySelector("input[data-part='" + part + "'][data-variable='" + name + "']");
      return input && input.value.trim() ? input.value.trim() : whole;
    });
  }
  function preview(form) {
    var shown = form.querySelector(".template-preview");
    if (!shown) return;
    var header = fill(form.dataset.header || "", form, "header");
    var body = fill(form.dataset.body || "", form, "body");
    shown.textContent = header ? header + "\n\n" + body : body;
  }
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.wa-template-form");
    if (form) preview(form);
  });
})();
