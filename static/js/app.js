// Behaviour every page shares, declared in templates by data attributes because the
// Content-Security-Policy forbids inline scripts and on...= handlers:
//   data-print           a button that prints the page
//   data-confirm="…"     on a form or on one of its submit buttons: ask before submitting
//   data-autosubmit      a select that submits its form when changed (language, as-of month)
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
})();
