/* Handbill events: keep upcoming-date lists right between builds, and offer a "copy address"
   button. Each list ([data-events-list]) carries hidden dates beyond the ones it shows
   (plugins/handbill_events/upcoming.py); this hides the dates that have ended and shows the
   next ones, up to data-events-show of them. Without this script the page shows the list as
   the build knew it, with the build's date (in <noscript>). */
(function () {
  "use strict";

  function reveal(list, now) {
    var limit = parseInt(list.getAttribute("data-events-show"), 10) || Infinity;
    var shown = 0;
    list.querySelectorAll("[data-event-end]").forEach(function (item) {
      var end = Date.parse(item.getAttribute("data-event-end"));
      var over = !isNaN(end) && end <= now;
      item.hidden = over || shown >= limit;
      if (!item.hidden) {
        shown += 1;
      }
    });
    return shown;
  }

  function note(box, selector, show) {
    var found = box.querySelector(selector);
    if (found) {
      found.hidden = !show;
    }
  }

  function refreshLists() {
    var now = Date.now();
    document.querySelectorAll("[data-events-list]").forEach(function (list) {
      var box = list.parentNode;
      var shown = reveal(list, now);
      var more = list.hasAttribute("data-events-more");
      var limit = parseInt(list.getAttribute("data-events-show"), 10) || 0;
      list.hidden = shown === 0;
      // "No upcoming events" only when the calendar has none left, not when we ran out.
      note(box, "[data-events-empty]", shown === 0 && !more);
      // The dates carried ran out (a busy calendar, or long after the build), or the list
      // ends at a date (/events/) and later dates exist.
      note(box, "[data-events-later]", more && (shown === 0 || shown < limit));
    });
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field || !navigator.clipboard || button.dataset.ready) {
        return;
      }
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = "Copied";
        });
      });
    });
  }

  function start() {
    refreshLists();
    copyButtons();
    // A page left open (a tab, a screen in the office) moves on by itself too.
    window.setInterval(refreshLists, 60000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
