// Small enhancements; every page works without them. Loaded as a static file (no inline
// script), so a strict Content-Security-Policy can allow 'self' only.
(function () {
  "use strict";

  // On a phone the filter panel starts folded so the results come first; without
  // JavaScript it simply stays open. It stays open too when a filter has an error to fix.
  function foldFiltersOnSmallScreens() {
    if (!window.matchMedia("(max-width: 59.99rem)").matches) {
      return;
    }
    if (document.querySelector(".error-summary")) {
      return;
    }
    document.querySelectorAll("details.filters[data-fold-on-phone]").forEach(function (panel) {
      panel.open = false;
    });
  }

  // GOV.UK pattern: after a failed submit, move focus to the error summary so screen readers
  // announce it and its links lead to the fields. Only on a full page load: after an htmx
  // update the focus stays in the field being typed in.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // The status form: fields that matter only for some statuses (the resolution when closing,
  // the unit when assigning) appear once such a status is chosen. Without JavaScript they are
  // all shown, each with a hint saying when it is needed. A block holding an error stays
  // visible, so its message is seen.
  function revealForChosenStatus(form) {
    var name = form.getAttribute("data-reveal-with");
    var chosen = Array.prototype.find.call(form.elements, function (element) {
      return element.name === name && element.checked;
    });
    var value = chosen ? chosen.value : "";
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      var statuses = block.getAttribute("data-show-for").split(" ");
      block.hidden = statuses.indexOf(value) === -1 && !block.querySelector(".field--error");
    });
  }

  // The list's selection column: the box in the heading ticks every row of the page (without
  // JavaScript the server reads it as "every row of this page"); unticking a row unticks it.
  // Listened to on the document, so rows that htmx swaps in work too.
  function followSelection(event) {
    var target = event.target;
    if (target.matches("[data-select-page]")) {
      document.querySelectorAll("[data-select-row]").forEach(function (box) {
        box.checked = target.checked;
      });
    } else if (target.matches("[data-select-row]") && !target.checked) {
      document.querySelectorAll("[data-select-page]").forEach(function (box) {
        box.checked = false;
      });
    }
  }

  document.addEventListener("change", function (event) {
    followSelection(event);
    var form = event.target.form;
    if (form && form.hasAttribute("data-reveal-with")) {
      revealForChosenStatus(form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    foldFiltersOnSmallScreens();
    focusErrorSummary();
    document.querySelectorAll("form[data-reveal-with]").forEach(revealForChosenStatus);
  });
})();
