/* SLA countdowns: the server says how many (business) seconds are left and for how many wall
   seconds the clock keeps running from now (until the calendar closes). This ticks the
   number down once a second while it runs, and reloads the page every 5 minutes (not while
   someone is typing in a form) so the figures never drift from the server's. */
(function () {
  "use strict";
  function format(seconds) {
    var overdue = seconds < 0, s = Math.abs(seconds);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var text = d ? d + "d " + h + "h" : h ? h + "h " + (m < 10 ? "0" : "") + m + "m" : m + "m";
    return text + (overdue ? " overdue" : " left");
  }
  var clocks = Array.prototype.slice.call(document.querySelectorAll(".countdown[data-seconds-left]"));
  clocks.forEach(function (el) {
    el._left = parseInt(el.getAttribute("data-seconds-left"), 10);
    el._live = parseInt(el.getAttribute("data-live-for"), 10);
  });
  setInterval(function () {
    clocks.forEach(function (el) {
      if (el._live <= 0) { return; }
      el._left -= 1; el._live -= 1;
      el.querySelector(".left").textContent = format(el._left);
      if (el._left <= 0) { el.classList.add("due-late"); }
      else if (el._left < 3600) { el.classList.add("due-soon"); }
    });
  }, 1000);
  setTimeout(function reload() {
    var typing = document.activeElement && /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName);
    if (typing) { setTimeout(reload, 30000); } else { window.location.reload(); }
  }, 300000);
})();
