/* Klankbord on every page: small behaviours that would otherwise be inline handlers,
   which the Content-Security-Policy forbids. */
(function () {
  "use strict";
  // A select that applies itself: the page reloads with the chosen value.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-submit-on-change]")) { event.target.form.submit(); }
  });
  // A read-only address to copy: one click selects all of it.
  document.addEventListener("click", function (event) {
    if (event.target.matches("input[data-select-on-click]")) { event.target.select(); }
  });
})();
