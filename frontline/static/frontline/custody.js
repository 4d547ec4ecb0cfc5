// The custody scanning screen. A hardware scanner types a code into the focused field and presses Enter. Each
// code is taken out of the field at once (the field is free for the next one while the answer is on its way)
// and sent in order, one request at a time: a code scanned before the previous answer came waits its turn, and
// nothing ever clears the field while someone types into it. The field keeps the focus (after each answer, and
// after a tap anywhere that is not a control). Without this script the form still posts each code by itself.
(function () {
  "use strict";

  var waiting = [];
  var busy = false;
  var pumping = false;

  function field() {
    return document.querySelector("[data-scan]");
  }

  function sent() {
    // The code being sent travels in a hidden field of its own; the visible one keeps only what is typed.
    var input = field();
    if (!input) {
      return null;
    }
    var hidden = input.form.querySelector("input[data-scan-code]");
    if (!hidden) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "code";
      hidden.setAttribute("data-scan-code", "");
      input.form.appendChild(hidden);
      input.removeAttribute("name");
    }
    return hidden;
  }

  function focusScan() {
    var input = field();
    if (input && document.activeElement !== input) {
      input.focus({ preventScroll: true });
    }
  }

  function pump() {
    var input = field();
    var hidden = sent();
    if (!input || busy || !waiting.length) {
      return;
    }
    hidden.value = waiting.shift();
    var button = input.form.querySelector("[data-scan-button]");
    pumping = true;
    try {
      button.click();
    } finally {
      pumping = false;
    }
  }

  function take(input) {
    var code = input.value.trim();
    input.value = "";
    if (code) {
      waiting.push(code);
    }
    pump();
  }

  document.addEventListener("DOMContentLoaded", function () {
    sent();
    focusScan();
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var input = field();
    if (input && event.detail.elt === input.form) {
      busy = true;
      sent().value = ""; // its value is in the request already
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var input = field();
    if (input && event.detail.elt === input.form) {
      busy = false;
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    focusScan();
    pump();
  });
  document.addEventListener("click", function (event) {
    var scanButton = event.target.closest("[data-scan-button]");
    if (scanButton && !pumping) {
      event.preventDefault(); // a tap on OK: the typed code joins the queue like an Enter
      take(field());
    } else if (!event.target.closest("input, select, textarea, button, a, label, summary")) {
      focusScan();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") {
      return;
    }
    if (event.target.matches("[data-scan]")) {
      event.preventDefault();
      take(event.target);
    } else if (event.target.matches("[data-count]")) {
      event.preventDefault(); // Enter in the count field hands the bag over by count, not a scan
      var button = document.querySelector("[data-count-button]");
      if (button) {
        button.click();
      }
    }
  });
})();
