// @-autocomplete for a comment box: typing "@" and the start of a name lists the workflow's
// members who match; Up and Down move through them, Enter or Tab writes the chosen one, Escape
// closes the list. The box stays a plain textarea (a combobox to assistive technology).
const TYPED = /(^|[^\w@.+-])@([\w.@+-]{0,150})$/;
const SHOWN = 8;
let lists = 0;

// Returns what to put in the page in the textarea's place: the textarea with its list.
export function withMentions(textarea, members) {
  const names = [...members].sort((a, b) => a.localeCompare(b));
  if (!names.length) return textarea;
  const id = `mention-list-${++lists}`;
  const list = document.createElement("ul");
  Object.assign(list, { id, className: "mention-list", hidden: true });
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Members to mention");
  const box = document.createElement("span");
  box.className = "mention-box";
  box.append(textarea, list);
  textarea.setAttribute("role", "combobox");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", id);
  textarea.setAttribute("aria-expanded", "false");
  let shown = [], active = 0, start = -1;

  function close() {
    list.hidden = true;
    shown = [];
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  }

  function draw() {
    list.replaceChildren(...shown.map((name, i) => {
      const li = document.createElement("li");
      li.id = `${id}-${i}`;
      li.className = "mention-option";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      li.textContent = `@${name}`;
      li.dataset.name = name;
      // mousedown, not click: the textarea keeps the focus and the caret.
      li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(name); });
      return li;
    }));
    list.hidden = false;
    textarea.setAttribute("aria-expanded", "true");
    textarea.setAttribute("aria-activedescendant", `${id}-${active}`);
  }

  function update() {
    const caret = textarea.selectionStart;
    const m = caret === textarea.selectionEnd ? TYPED.exec(textarea.value.slice(0, caret)) : null;
    if (!m) return close();
    const typed = m[2].toLowerCase();
    shown = names.filter((n) => n.toLowerCase().startsWith(typed) && n.toLowerCase() !== typed).slice(0, SHOWN);
    if (!shown.length) return close();
    start = caret - m[2].length;
    active = Math.min(active, shown.length - 1);
    draw();
  }

  function pick(name) {
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(caret);
    textarea.value = `${before}${name} ${after.replace(/^ /, "")}`;
    const at = before.length + name.length + 1;
    textarea.setSelectionRange(at, at);
    close();
    textarea.dispatchEvent(new Event("input", { bubbles: true })); // drafts kept as if typed
  }

  textarea.addEventListener("input", () => { if (list.hidden) active = 0; update(); });
  textarea.addEventListener("click", update);
  textarea.addEventListener("blur", close);
  textarea.addEventListener("keydown", (e) => {
    if (list.hidden || !shown.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      draw();
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pick(shown[active]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  return box;
}
