/* A copy button: <button data-copy="id-of-the-field" data-copied="Copied" hidden>.
   Shown only where the browser lets a page write to the clipboard; without it, the field
   still selects itself on a click (klankbord.js). */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      if (!field) { return; }
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copied || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
