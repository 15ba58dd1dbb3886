// "Add another person" and "Remove" on the household section, in the page itself. Without
// this script the same buttons ask the server for the rows (nothing is saved either way).
(function () {
  const list = document.querySelector("[data-members]");
  if (!list) return;
  const addButton = list.querySelector("button[name=add_member]");
  const most = Number(list.dataset.max || 12);
  const rows = () => Array.from(list.querySelectorAll(".member-row"));
  // "Person 1" in the page's language, with the place of the number.
  const template = rows()[0].querySelector("legend").textContent.replace(/\d+/, "%(n)d");
  const status = list.querySelector("[data-rows-status]");

  function renumber() {
    rows().forEach((row, index) => {
      const person = template.replace("%(n)d", String(index + 1));
      row.querySelector("legend").textContent = person;
      const button = row.querySelector("button[name=remove_member]");
      button.value = String(index);
      button.querySelector(".visually-hidden").textContent = " " + person;
    });
    if (addButton) addButton.hidden = rows().length >= most;
  }

  function nextIndex() {
    const used = rows().map((row) => Number(row.id.split("-")[1]) || 0);
    return Math.max(-1, ...used) + 1;
  }

  function add() {
    const last = rows()[rows().length - 1];
    if (!last) return;
    const index = nextIndex();
    const row = last.cloneNode(true);
    const rename = (value) => value.replace(/^members-\d+/, "members-" + index);
    row.id = rename(row.id);
    row.querySelectorAll("[id]").forEach((el) => (el.id = rename(el.id)));
    row.querySelectorAll("[for]").forEach((el) => el.setAttribute("for", rename(el.getAttribute("for"))));
    row.querySelectorAll("[name]").forEach((el) => {
      if (el.name.startsWith("members-")) el.name = rename(el.name);
    });
    row.querySelectorAll("[aria-describedby]").forEach((el) => {
      const ids = el.getAttribute("aria-describedby").split(" ").map(rename);
      el.setAttribute("aria-describedby", ids.filter((id) => !id.endsWith("-error")).join(" "));
      if (!el.getAttribute("aria-describedby")) el.removeAttribute("aria-describedby");
    });
    row.querySelectorAll(".field-error").forEach((el) => el.remove());
    row.querySelectorAll("input").forEach((input) => {
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("autofocus");
    });
    last.after(row);
    renumber();
    if (status) status.textContent = status.dataset.added;
    row.querySelector("input").focus();
  }

  function remove(row) {
    const all = rows();
    const position = all.indexOf(row);
    if (all.length === 1) {
      row.querySelectorAll("input").forEach((input) => (input.value = ""));
      row.querySelector("input").focus();
      return;
    }
    row.remove();
    renumber();
    if (status) status.textContent = status.dataset.removed;
    const stay = rows()[Math.max(0, position - 1)];
    (addButton && position >= rows().length ? addButton : stay.querySelector("input")).focus();
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.name === "add_member") {
      event.preventDefault();
      add();
    } else if (button.name === "remove_member") {
      event.preventDefault();
      remove(button.closest(".member-row"));
    }
  });
})();
