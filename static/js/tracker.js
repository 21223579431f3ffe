// Small enhancements; every page works without them. Loaded as a static file (no inline
// script), so a strict Content-Security-Policy can allow 'self' only.
(function () {
  "use strict";

  // On a phone the filter panel starts folded so the results come first; without
  // JavaScript it simply stays open.
  function foldFiltersOnSmallScreens() {
    if (!window.matchMedia("(max-width: 59.99rem)").matches) {
      return;
    }
    document.querySelectorAll("details.filters[data-fold-on-phone]").forEach(function (panel) {
      panel.open = false;
    });
  }

  document.addEventListener("DOMContentLoaded", foldFiltersOnSmallScreens);
})();
