/* Handbill events: hide events that have ended since the page was built, and offer a
   "copy address" button. The build-time list is already right without this script. */
(function () {
  "use strict";

  function hideEnded() {
    var now = Date.now();
    document.querySelectorAll("[data-event-end]").forEach(function (item) {
      var end = Date.parse(item.getAttribute("data-event-end"));
      if (!isNaN(end) && end <= now) {
        item.hidden = true;
      }
    });
    document.querySelectorAll("[data-events-list]").forEach(function (list) {
      var empty = list.parentNode.querySelector("[data-events-empty]");
      if (empty && !list.querySelector("[data-event-end]:not([hidden])")) {
        list.hidden = true;
        empty.hidden = false;
      }
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
    hideEnded();
    copyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
