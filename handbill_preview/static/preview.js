/* Handbill preview only (handbill_preview adds this to pages as it serves them; it is never
   in the built files). Reloads the page when a new build has finished, and shows the
   problems of the current build in a banner at the top of every page. */
(function () {
  "use strict";
  var BASE = "/.handbill-preview/";
  var served = document.querySelector('meta[name="handbill-preview-build"]');
  var current = served ? served.getAttribute("content") : null;

  function where(problem) {
    return problem.file + (problem.line ? ":" + problem.line : "");
  }

  function sourceLink(problem) {
    var link = document.createElement("a");
    link.href = BASE + "source?file=" + encodeURIComponent(problem.file) +
      (problem.line ? "#L" + problem.line : "");
    link.textContent = where(problem);
    return link;
  }

  /* "events/a.yaml:2: start: …" becomes a link to the file, then the rest of the message. */
  function item(problem) {
    var li = document.createElement("li");
    li.className = "handbill-preview__" + problem.level;
    if (!problem.file) {
      li.textContent = problem.text;
      return li;
    }
    var named = where(problem);
    var rest = problem.text.indexOf(named) === 0 ? problem.text.slice(named.length) : " " + problem.text;
    li.appendChild(sourceLink(problem));
    li.appendChild(document.createTextNode(rest));
    return li;
  }

  function heading(problems) {
    var errors = problems.filter(function (p) { return p.level === "error"; }).length;
    var warnings = problems.length - errors;
    var parts = [];
    if (errors) { parts.push(errors + (errors === 1 ? " mistake" : " mistakes")); }
    if (warnings) { parts.push(warnings + (warnings === 1 ? " warning" : " warnings")); }
    return "Preview: " + parts.join(" and ") + " in the site." +
      (errors ? " A publish stops on mistakes: fix " + (errors === 1 ? "it" : "them") + " first." : "");
  }

  function draw(state) {
    var old = document.getElementById("handbill-preview");
    if (old) { old.remove(); }
    if (!state.problems.length) { return; }
    var box = document.createElement("section");
    box.id = "handbill-preview";
    box.className = "handbill-preview";
    box.setAttribute("aria-label", "Problems in the preview");
    var title = document.createElement("p");
    title.className = "handbill-preview__title";
    title.textContent = heading(state.problems);
    var list = document.createElement("ul");
    state.problems.forEach(function (p) { list.appendChild(item(p)); });
    box.appendChild(title);
    box.appendChild(list);
    document.body.insertBefore(box, document.body.firstChild);
  }

  /* "Rebuilding…" in a corner while a build runs, so a save visibly did something. */
  function busy(building) {
    var badge = document.getElementById("handbill-preview-building");
    if (!badge) {
      badge = document.createElement("p");
      badge.id = "handbill-preview-building";
      badge.className = "handbill-preview-building";
      badge.setAttribute("role", "status");
      document.body.appendChild(badge);
    }
    badge.textContent = building ? "Rebuilding…" : "";
    badge.hidden = !building;
  }

  function check() {
    fetch(BASE + "state.json", { cache: "no-store" })
      .then(function (answer) { return answer.json(); })
      .then(function (state) {
        busy(state.building);
        if (current !== null && state.build !== current && !state.building) {
          window.location.reload();
          return;
        }
        if (current === null || state.build === current) {
          current = state.build;
          draw(state);
        }
      })
      .catch(function () { /* the preview is restarting: try again */ })
      .then(function () { window.setTimeout(check, document.hidden ? 2000 : 400); });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { check(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
