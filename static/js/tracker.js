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
    // The list's filters and the recommendation's action panel: one tap away on a phone.
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (panel) {
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

  // --- Type to filter a long checkbox list (provinces, units). Without JavaScript the list is
  // a plain list of checkboxes. Matching ignores accents and case, like the site's search.
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase();
  }

  function addFilterBox(list) {
    if (list.previousElementSibling && list.previousElementSibling.matches(".choices__filter")) {
      return;
    }
    var box = document.createElement("input");
    box.type = "text";
    box.className = "choices__filter";
    box.autocomplete = "off";
    box.placeholder = list.getAttribute("data-filter-placeholder") || "";
    box.setAttribute("aria-label", list.getAttribute("data-filter-label") || box.placeholder);
    box.setAttribute("aria-controls", list.id);
    // Typing here filters the boxes only: it must not submit the filter form (htmx listens for
    // "input" and "change" on the form).
    ["input", "change", "keyup", "keydown"].forEach(function (type) {
      box.addEventListener(type, function (event) {
        event.stopPropagation();
        if (type === "keydown" && event.key === "Enter") {
          event.preventDefault();
        }
        if (type === "input") {
          var wanted = fold(box.value.trim());
          list.querySelectorAll(".choice").forEach(function (choice) {
            var match = !wanted || fold(choice.textContent).indexOf(wanted) !== -1;
            choice.classList.toggle("choice--filtered-out", !match);
          });
        }
      });
    });
    list.parentNode.insertBefore(box, list);
  }

  // --- The bulk bar: the selection is kept per list in sessionStorage, so it survives changing
  // page; ids ticked on other pages travel as hidden inputs. Only the moves that apply to a
  // ticked row are offered: the union of each row's possible moves (data-targets).
  var STORE = "tracker.bulk";

  function loadSelection() {
    try {
      return JSON.parse(window.sessionStorage.getItem(STORE) || "{}");
    } catch (error) {
      return {};
    }
  }

  function saveSelection(selection) {
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(selection));
    } catch (error) {
      // Storage full or refused: the selection then lasts for this page only.
    }
  }

  function syncBulkBar() {
    var bar = document.querySelector("[data-bulk-bar]");
    if (!bar) {
      return;
    }
    var selection = loadSelection();
    document.querySelectorAll("[data-select-row]").forEach(function (box) {
      if (Object.prototype.hasOwnProperty.call(selection, box.value)) {
        box.checked = true;
      } else if (box.checked) {
        selection[box.value] = box.getAttribute("data-targets") || "";
      }
    });
    saveSelection(selection);
    var ids = Object.keys(selection);
    var across = bar.querySelector("[data-select-across]");
    var count = bar.querySelector("[data-selected-count]");
    if (count) {
      count.textContent = across && across.checked ? bar.getAttribute("data-total") : ids.length;
    }
    var offered = {};
    ids.forEach(function (id) {
      selection[id].split(" ").forEach(function (status) {
        offered[status] = true;
      });
    });
    bar.querySelectorAll("option[data-status]").forEach(function (option) {
      var applies = !ids.length || (across && across.checked) || offered[option.getAttribute("data-status")];
      option.hidden = !applies;
      option.disabled = !applies;
    });
    var clear = bar.querySelector("[data-clear-selection]");
    if (clear) {
      clear.hidden = !ids.length;
    }
  }

  function followBulkSelection(event) {
    var target = event.target;
    if (!target.matches("[data-select-row], [data-select-page], [data-select-across]")) {
      return;
    }
    var selection = loadSelection();
    document.querySelectorAll("[data-select-row]").forEach(function (box) {
      if (box.checked) {
        selection[box.value] = box.getAttribute("data-targets") || "";
      } else {
        delete selection[box.value];
      }
    });
    saveSelection(selection);
    syncBulkBar();
  }

  function carrySelection(form) {
    var holder = form.querySelector("[data-carried-ids]");
    if (!holder) {
      return;
    }
    holder.textContent = "";
    var onPage = {};
    document.querySelectorAll("[data-select-row]").forEach(function (box) {
      onPage[box.value] = true;
    });
    Object.keys(loadSelection()).forEach(function (id) {
      if (!onPage[id]) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "ids";
        input.value = id;
        holder.appendChild(input);
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-bulk-bar]")) {
      carrySelection(form);
    } else if (form.matches("[data-bulk-done]")) {
      // Confirmed: the change is on its way, the selection has served.
      saveSelection({});
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.matches("[data-clear-selection]")) {
      saveSelection({});
      document.querySelectorAll("[data-select-row], [data-select-page]").forEach(function (box) {
        box.checked = false;
      });
      syncBulkBar();
    }
    // "Update" on a phone opens the folded action panel it leads to.
    var link = event.target.closest("a[href^='#']");
    if (link) {
      var panel = document.getElementById(link.getAttribute("href").slice(1));
      if (panel && panel.tagName === "DETAILS") {
        panel.open = true;
      }
    }
  });

  document.addEventListener("htmx:afterSwap", syncBulkBar);

  document.addEventListener("change", function (event) {
    followSelection(event);
    followBulkSelection(event);
    var form = event.target.form;
    if (form && form.hasAttribute("data-reveal-with")) {
      revealForChosenStatus(form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    foldFiltersOnSmallScreens();
    focusErrorSummary();
    document.querySelectorAll("form[data-reveal-with]").forEach(revealForChosenStatus);
    document.querySelectorAll("[data-filterable]").forEach(addFilterBox);
    syncBulkBar();
  });
})();
