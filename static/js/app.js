// Behaviour every page shares, declared in templates by data attributes because the
// Content-Security-Policy forbids inline scripts and on...= handlers:
//   data-print           a button that prints the page
//   data-confirm="…"     on a form or on one of its submit buttons: ask before submitting
//   data-autosubmit      a select that submits its form when changed (language, as-of month)
//   data-scroll-into-view  a cell a scrolling .table-wrap opens on (the status grid's current month)
// and every .table-wrap that scrolls sideways becomes a keyboard stop with a name (role=region).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // Listening to "submit" rather than "click" asks only after the browser's own validation
  // passed, and event.submitter tells which button was pressed when a form has several.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.submit();
    }
  });

  // A table wider than its box scrolls inside .table-wrap; keyboard users reach the box with Tab
  // and scroll it with the arrow keys, screen readers announce it by the table's name. Boxes that
  // fit get no extra Tab stop, so this is recomputed when the window changes size.
  function tableName(box) {
    var table = box.querySelector("table");
    if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    if (table && table.caption) return table.caption.textContent.trim();
    var node = box;
    while (node) {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-4]$/.test(previous.tagName)) return previous.textContent.trim();
        var inner = previous.querySelectorAll ? previous.querySelectorAll("h1, h2, h3, h4") : [];
        if (inner.length) return inner[inner.length - 1].textContent.trim();
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }
  function markScrollBoxes() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", tableName(box));
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  function scrollToMarked() {
    document.querySelectorAll("[data-scroll-into-view]").forEach(function (cell) {
      var box = cell.closest(".table-wrap");
      if (box && box.scrollWidth > box.clientWidth) {
        box.scrollLeft = Math.max(0, cell.offsetLeft + cell.offsetWidth - box.clientWidth);
      }
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollBoxes(); scrollToMarked(); }, 100);
  });
  function ready() { markScrollBoxes(); scrollToMarked(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
