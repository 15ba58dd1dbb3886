// The error summary of a failed submit (templates/_macros/forms.html). Without this script
// the summary still takes the focus (autofocus) and its links still move to the fields; the
// script covers browsers that ignore autofocus on a summary and, like GOV.UK's, shows the
// field's label and error above the field a link moves to, not just the input.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  if (document.activeElement === document.body || document.activeElement === null) {
    summary.focus();
  }
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) return;
    event.preventDefault();
    const group = input.closest(".field, fieldset") || input;
    group.scrollIntoView();
    input.focus({ preventScroll: true });
    history.replaceState(null, "", link.getAttribute("href"));
  });
})();
