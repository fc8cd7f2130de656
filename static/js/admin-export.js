// The admin export page's "select all" box: django-import-export binds it with an inline onchange
// attribute, which the Content-Security-Policy refuses; its own script defines the handler.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("#select-all-toggle");
  if (toggle && typeof onSelectToggleChange === "function") {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
