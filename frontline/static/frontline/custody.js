// The custody scanning screen: a hardware scanner types a code into the focused field and presses Enter, so the
// field keeps the focus (after each answer, and after a tap anywhere that is not a control) and is emptied as
// soon as its code is sent. A code scanned while the previous answer is still on its way waits in order and is
// sent after it (so two codes never run together in the field).
(function () {
  "use strict";

  var waiting = [];

  function field() {
    return document.querySelector("[data-scan]");
  }

  function busy(input) {
    return input.form && input.form.classList.contains("htmx-request");
  }

  function focusScan() {
    var input = field();
    if (input && document.activeElement !== input) {
      input.focus({ preventScroll: true });
    }
  }

  function sendNext() {
    var input = field();
    if (!input || !waiting.length || busy(input)) {
      return;
    }
    input.value = waiting.shift();
    var button = input.form.querySelector("[data-scan-button]");
    if (button) {
      button.click();
    }
  }

  document.addEventListener("DOMContentLoaded", focusScan);
  document.addEventListener("htmx:afterSettle", function () {
    focusScan();
    sendNext();
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var input = field();
    if (input && event.detail.elt && event.detail.elt.contains(input)) {
      input.value = "";
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("input, select, textarea, button, a, label, summary")) {
      focusScan();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") {
      return;
    }
    if (event.target.matches("[data-scan]") && busy(event.target)) {
      event.preventDefault(); // the previous code is still on its way: this one waits its turn
      if (event.target.value.trim()) {
        waiting.push(event.target.value);
      }
      event.target.value = "";
    } else if (event.target.matches("[data-count]")) {
      event.preventDefault(); // Enter in the count field hands the bag over by count, not a scan
      var button = document.querySelector("[data-count-button]");
      if (button) {
        button.click();
      }
    }
  });
})();
