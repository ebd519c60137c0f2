// The workflow in plain words, drawn from the narrative API's JSON (interpreter/explain): numbered
// steps, nested parts indented. Clicking a step's name selects it on the graph.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function steps(list, onSelect) {
  return el("ol", { class: "narrative-steps" }, list.map((step) => el("li", {
    class: `narrative-step${step.reachable ? "" : " unreachable"}`, "data-state": step.state, "data-number": step.number },
    el("span", { class: "step-number" }, `${step.number}.`), " ",
    el("button", { type: "button", class: "link step-name", onclick: () => onSelect?.(step.state) }, step.state), ": ",
    el("span", { class: "step-text" }, step.text),
    step.groups.map((g) => el("div", { class: "narrative-group" },
      g.label ? el("div", { class: "group-label" }, `${g.label}:`) : null, steps(g.steps, onSelect))),
    step.after ? el("p", { class: "step-after" }, step.after) : null)));
}

export function renderNarrative(container, narrative, onSelect) {
  container.replaceChildren(
    narrative.intro.length ? el("p", { class: "narrative-intro" }, narrative.intro.join(" ")) : "",
    steps(narrative.steps, onSelect));
}

export function highlightStep(container, name) {
  for (const li of container.querySelectorAll("li.narrative-step")) {
    li.classList.toggle("selected", li.getAttribute("data-state") === name);
  }
}

// The editor's Read tab, beside the graph: the definition being edited (saved or not) in plain
// words, fetched from /api/explain/ when the tab is open and whenever the definition changes.
export function mountReadTab({ graphTab, readTab, graphBox, panel, api, getDefinition, getGlossary = () => ({}), onSelect }) {
  let open = false, seq = 0, timer = null, selected = null, shownFor = null;

  async function refresh() {
    const definition = getDefinition();
    // The workflow's names for its data, so the words match the graph's labels and the forms.
    const glossary = getGlossary();
    const text = JSON.stringify([definition, glossary]);
    if (text === shownFor) return;
    const mine = ++seq;
    try {
      const narrative = await api("POST", "/api/explain/", { definition, glossary });
      if (mine !== seq) return;
      shownFor = text;
      renderNarrative(panel, narrative, onSelect);
      highlightStep(panel, selected);
      panel.dataset.ready = "true";
    } catch (err) {
      if (mine === seq) panel.replaceChildren(el("p", { class: "error" }, `The words could not be made: ${err.message}`));
    }
  }

  function show(read) {
    open = read;
    panel.hidden = !read;
    graphBox.hidden = read;
    graphTab.setAttribute("aria-selected", String(!read));
    readTab.setAttribute("aria-selected", String(read));
    document.body.classList.toggle("reading", read);
    if (read) refresh();
  }

  graphTab.addEventListener("click", () => show(false));
  readTab.addEventListener("click", () => show(true));
  return {
    changed() {
      if (!open) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    },
    highlight(name) {
      selected = name;
      highlightStep(panel, name);
    },
  };
}
