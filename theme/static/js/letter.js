/* Handbill letters: fill in the letter as the person types, then print it, copy it or open
   an email draft (mailto:). Nothing is sent anywhere: no fetch, no form submission, no
   storage. Without this script the page shows the letter with blanks to fill by hand. */
(function () {
  "use strict";

  var form = document.querySelector("[data-letter-form]");
  var letter = document.querySelector("[data-letter]");
  var tools = document.querySelector("[data-letter-tools]");
  if (!form || !letter || !tools) {
    return;
  }
  var lang = document.documentElement.lang || undefined;
  var mailto = tools.querySelector("[data-letter-mailto]");
  var status = tools.querySelector("[data-letter-status]");
  var today = new Intl.DateTimeFormat(lang, {
    day: "numeric", month: "long", year: "numeric"
  }).format(new Date());

  function fill(name, value) {
    letter.querySelectorAll('[data-blank="' + name + '"]').forEach(function (blank) {
      var text = value.trim();
      blank.textContent = text || blank.getAttribute("data-empty");
      blank.classList.toggle("hb-filled", Boolean(text));
    });
  }

  /* The letter as plain text: paragraphs apart by an empty line, <br> as a line break,
     a multi-line answer (an address) kept on its lines. */
  function plainText() {
    var paragraphs = [];
    letter.querySelectorAll(".hb-letter-body p").forEach(function (p) {
      var text = "";
      p.childNodes.forEach(function (node) {
        text += node.nodeName === "BR" ? "\n" : node.textContent;
      });
      paragraphs.push(text);
    });
    return paragraphs.join("\n\n") + "\n";
  }

  function updateMailto() {
    var to = mailto.getAttribute("data-to") || "";
    var body = plainText().replace(/\n/g, "\r\n");
    mailto.href = "mailto:" + encodeURIComponent(to).replace(/%40/g, "@") +
      "?subject=" + encodeURIComponent(mailto.getAttribute("data-subject") || "") +
      "&body=" + encodeURIComponent(body);
  }

  function say(message) {
    status.textContent = message;
  }

  form.querySelectorAll("[data-fills]").forEach(function (field) {
    field.addEventListener("input", function () {
      fill(field.getAttribute("data-fills"), field.value);
      updateMailto();
    });
    if (field.value) {
      fill(field.getAttribute("data-fills"), field.value);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });

  tools.querySelector("[data-letter-print]").addEventListener("click", function () {
    window.print();
  });
  var copy = tools.querySelector("[data-letter-copy]");
  copy.addEventListener("click", function () {
    if (!navigator.clipboard) {
      say(copy.getAttribute("data-not-copied"));
      return;
    }
    navigator.clipboard.writeText(plainText()).then(
      function () { say(copy.getAttribute("data-copied")); },
      function () { say(copy.getAttribute("data-not-copied")); }
    );
  });

  fill(letter.getAttribute("data-date-blank"), today);
  updateMailto();
  form.hidden = false;
  tools.hidden = false;
  document.querySelectorAll("[data-letter-nojs]").forEach(function (note) {
    note.hidden = true;
  });
})();
