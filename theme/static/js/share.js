/* Handbill sharing (plugins/handbill_share): "Copy link" and the browser's own share sheet
   (Web Share API) under posts and events, where the browser has them; and the Mastodon page,
   which sends the visitor to their own server's share page. The share links themselves are
   plain links and work without this script. Nothing is loaded from another host. */
(function () {
  "use strict";

  function shareTools(box) {
    var url = box.getAttribute("data-share-url");
    var title = box.getAttribute("data-share-title");
    var said = box.querySelector("[data-share-said]");
    var native = box.querySelector("[data-share-native]");
    var copy = box.querySelector("[data-share-copy]");
    if (navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: title, url: url }).catch(function () {});
      });
    }
    if (navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          said.textContent = copy.getAttribute("data-done");
        });
      });
    }
    box.hidden = native.hidden && copy.hidden;
  }

  /* "mastodon.social", "https://mastodon.social/", "@you@mastodon.social" -> the host. */
  function serverOf(text) {
    var host = text.trim().replace(/^[a-z]+:\/\//i, "").split("/")[0];
    host = host.split("@").pop().toLowerCase();
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?$/.test(host) ? host : "";
  }

  function mastodonForm(form) {
    var text = form.querySelector("textarea");
    var server = form.querySelector("input[name=server]");
    var error = form.querySelector("[data-mastodon-error]");
    var asked = new URLSearchParams(window.location.search).get("text");
    if (asked) {
      text.value = asked;
    }
    form.hidden = false;
    document.querySelector("[data-mastodon-fallback]").hidden = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var host = serverOf(server.value);
      if (!host) {
        error.textContent = form.getAttribute("data-bad");
        server.focus();
        return;
      }
      window.location.assign("https://" + host + "/share?text=" + encodeURIComponent(text.value));
    });
  }

  function start() {
    document.querySelectorAll("[data-share]").forEach(shareTools);
    var form = document.querySelector("form[data-mastodon]");
    if (form) {
      mastodonForm(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
