// Roster list page: “验收所选” and “标记补助已拨付” post the ticked rows, after a confirm().
(function () {
  "use strict";
  var boxes = function () {
    return Array.prototype.slice.call(document.querySelectorAll("#household-table input.row-select"));
  };
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
  }
  ["accept-form", "paid-form"].forEach(function (id) {
    var form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", function (event) {
      Array.prototype.slice.call(form.querySelectorAll("input.selected-id")).forEach(function (el) {
        el.parentNode.removeChild(el);
      });
      var ticked = boxes().filter(function (box) { return box.checked; });
      if (!ticked.length) {
        event.preventDefault();
        window.alert(gettext("请先在表中勾选改造户。"));
        return;
      }
      var message = interpolate(form.getAttribute("data-confirm-count"), { n: ticked.length }, true);
      if (!window.confirm(message)) {
        event.preventDefault();
        return;
      }
      ticked.forEach(function (box) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "households";
        input.value = box.value;
        input.className = "selected-id";
        form.appendChild(input);
      });
    });
  });
})();
