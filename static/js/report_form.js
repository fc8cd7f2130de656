// Live totals on the monthly report form: cumulative after this month and completion rate per
// retrofit type, recomputed as the clerk types. Decimal-safe enough for display: the server
// recomputes every figure with Decimal when the form is saved.
(function () {
  "use strict";
  var sheet = document.getElementById("report-sheet");
  if (!sheet) { return; }

  function parse(value) {
    var text = String(value || "").trim();
    if (text === "") { return 0; }
    if (!/^\d+(\.\d{1,2})?$/.test(text)) { return NaN; }
    return Number(text);
  }

  function recompute(typeCode) {
    var rows = sheet.querySelectorAll('tr[data-type="' + typeCode + '"]');
    var rateCell = sheet.querySelector('[data-rate-for="' + typeCode + '"]');
    var afterCell = sheet.querySelector('[data-after-for="' + typeCode + '"]');
    var targetCell = rows[0].querySelector("[data-target]");
    var isArea = rateCell.getAttribute("data-is-area") === "1";
    var m2 = Number(rateCell.getAttribute("data-m2")) || 100;
    var total = 0;
    var invalid = false;
    rows.forEach(function (row) {
      total += Number(row.querySelector("[data-before]").getAttribute("data-before")) || 0;
      var input = row.querySelector("input.line-input");
      var value = input ? parse(input.value) : 0;
      if (isNaN(value) || (!isArea && value % 1 !== 0)) {
        invalid = true;
        if (input) { input.setAttribute("aria-invalid", "true"); }
      } else {
        if (input) { input.removeAttribute("aria-invalid"); }
        total += value;
      }
    });
    var households = isArea ? total / m2 : total;
    var target = Number(targetCell.getAttribute("data-target")) || 0;
    afterCell.querySelector(".after-value").textContent = invalid ? "?" : String(Math.round(households * 100) / 100);
    var rateText = target > 0 && !invalid ? (households / target * 100).toFixed(1) + "%" : "—";
    rateCell.querySelector(".rate-value").textContent = rateText;
    rateCell.classList.toggle("warn", target >= 0 && households > target && households <= target * 1.5);
    rateCell.classList.toggle("bad", households > target * 1.5);
  }

  sheet.addEventListener("input", function (event) {
    var type = event.target.getAttribute("data-type");
    if (type) { recompute(type); }
  });
  var seen = {};
  sheet.querySelectorAll("input.line-input").forEach(function (input) {
    var type = input.getAttribute("data-type");
    if (!seen[type]) { seen[type] = true; recompute(type); }
  });
})();
