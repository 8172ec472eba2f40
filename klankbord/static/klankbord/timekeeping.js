/* The header's timer: the elapsed time counts on while the page is open. The server keeps the
   start time, so a reload or another page shows the same timer; without this script the
   forms still start and stop it. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    document.querySelectorAll("time.timer-elapsed[data-started]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-started"));
      if (isNaN(started)) { return; }
      var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      var hours = Math.floor(seconds / 3600);
      el.textContent = hours + ":" + pad(Math.floor(seconds / 60) % 60) + ":" + pad(seconds % 60);
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
