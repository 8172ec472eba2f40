/* A client report's or report address's dates: shown only when "chosen dates" is the period.
   Without this script every field stays visible and the server checks the dates anyway. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-report-period]").forEach(function (form) {
    var period = form.querySelector("select[name=period]");
    var dates = form.querySelectorAll(".field-starts_on, .field-ends_on");
    if (!period) { return; }
    function show() {
      dates.forEach(function (field) { field.hidden = period.value !== "custom"; });
    }
    period.addEventListener("change", show);
    show();
  });
})();
