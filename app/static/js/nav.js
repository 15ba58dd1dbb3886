// The staff menu on narrow screens: the button shows and hides the navigation (a disclosure).
// Without this script the button stays hidden and the navigation is always shown.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  var header = button.closest(".site-header");
  var nav = document.getElementById(button.getAttribute("aria-controls"));
  if (!header || !nav) return;

  function setOpen(open) {
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  }

  header.classList.add("menu-ready");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();
