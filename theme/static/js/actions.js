/* Handbill actions: refresh a pledge's, petition's or poll's public counter from the sign-up
   server's count.json (same origin, so the site's Content-Security-Policy allows it;
   fetched without credentials, nothing is stored). Without this script the page shows the numbers as they were at
   the last build. No words here: the page has them all, translated. */
(function () {
  "use strict";

  var box = document.querySelector("[data-count-url]");
  if (!box || !window.fetch) {
    return;
  }
  var lang = document.documentElement.lang || undefined;
  var numbers = new Intl.NumberFormat(lang);

  function setCount(count) {
    var shown = box.querySelector("[data-count]");
    if (shown) {
      shown.textContent = numbers.format(count);
      shown.setAttribute("data-count", String(count));
    }
    var bar = box.querySelector("progress");
    if (bar) {
      bar.value = Math.min(count, Number(bar.max));
    }
  }

  function setLastSigned(iso) {
    var cell = box.querySelector("[data-last-signed]");
    var when = new Date(iso);
    if (!cell || isNaN(when.getTime())) {
      return;
    }
    var zone = box.getAttribute("data-timezone") || undefined;
    var day = new Intl.DateTimeFormat(lang, {
      day: "numeric", month: "long", year: "numeric", timeZone: zone
    }).format(when);
    var hour = new Intl.DateTimeFormat(lang, {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone
    }).format(when);
    var time = document.createElement("time");
    time.setAttribute("datetime", iso);
    time.textContent = day + ", " + hour;
    cell.replaceChildren(time);
  }

  function setResults(results) {
    document.querySelectorAll("[data-option]").forEach(function (cell) {
      var number = cell.getAttribute("data-option");
      var name = cell.parentNode.querySelector("th").textContent;
      var votes = results[number] !== undefined ? results[number] : results[name];
      if (typeof votes === "number") {
        cell.textContent = numbers.format(votes);
      }
    });
  }

  fetch(box.getAttribute("data-count-url"), { credentials: "omit" })
    .then(function (answer) {
      return answer.ok ? answer.json() : null;
    })
    .then(function (data) {
      if (!data || typeof data.count !== "number") {
        return;
      }
      setCount(data.count);
      if (data.last_signed) {
        setLastSigned(data.last_signed);
      }
      if (data.results) {
        setResults(data.results);
      }
    })
    .catch(function () {
      /* Offline or no server: the built numbers stay. */
    });
})();
