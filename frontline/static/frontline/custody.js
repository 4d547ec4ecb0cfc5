// The custody scanning screen: a hardware scanner types a code into the focused field and presses Enter, so the
// field keeps the focus (after each answer, and after a tap anywhere that is not a control), and is emptied as
// soon as its code is sent, ready for the next one while the answer is on its way (requests queue in order).
(function () {
  "use strict";

  function field() {
    return document.querySelector("[data-scan]");
  }

  function focusScan() {
    var input = field();
    if (input && document.activeElement !== input) {
      input.focus({ preventScroll: true });
    }
  }

  document.addEventListener("DOMContentLoaded", focusScan);
  document.addEventListener("htmx:afterSettle", focusScan);
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
  // Enter in the count field hands the bag over by count (not a scan of an empty code).
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-count]")) {
      event.preventDefault();
      var button = document.querySelector("[data-count-button]");
      if (button) {
        button.click();
      }
    }
  });
})();
