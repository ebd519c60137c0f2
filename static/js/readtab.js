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
