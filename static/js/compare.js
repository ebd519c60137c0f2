// The compare page: the changes drawn on one graph (removed steps ghosted) or on two graphs side
// by side with their pan and zoom kept together; a step's changes in plain words, the raw JSON
// one click away; what the saved test cases do on each version.
import { api } from "./api.js";
import { GraphView } from "./graphview.js";

const page = JSON.parse(document.getElementById("page-data").textContent);
const $ = (id) => document.getElementById(id);
const report = page.report;
const byNew = new Map(report.states.map((s) => [s.name, s]));
const byOld = new Map(report.states.filter((s) => s.oldName != null).map((s) => [s.oldName, s]));

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// --- the graphs ---
const views = {};
for (const side of ["union", "old", "new"]) {
  views[side] = new GraphView($(`graph-${side}`), { onSelect: (name) => select(name, side) });
}

// Side by side, the two drawings move together at the same scale: the step nearest the middle of
// the one being moved stays at the same place on the screen in the other (a step both versions
// have, renamed or not); with no such step, the same share of each drawing stays in view.
const renamedTo = new Map(report.states.filter((s) => s.kind === "renamed").map((s) => [s.oldName, s.name]));
const renamedFrom = new Map([...renamedTo].map(([a, b]) => [b, a]));
const counterpart = { old: (name) => renamedTo.get(name) ?? name, new: (name) => renamedFrom.get(name) ?? name };
const centres = new Map();
function centresOf(side) {
  if (!centres.has(side)) {
    const view = views[side];
    const out = new Map();
    const root = view.svg?.getScreenCTM();
    if (!root) return out; // not on screen yet: ask again later
    const inverse = root.inverse();
    for (const node of view.svg.querySelectorAll("g.state")) {
      const box = node.getBBox();
      const p = new DOMPoint(box.x + box.width / 2, box.y + box.height / 2).matrixTransform(inverse.multiply(node.getScreenCTM()));
      out.set(node.getAttribute("data-state"), p);
    }
    centres.set(side, out);
  }
  return centres.get(side);
}
let syncing = false;
function follow(fromSide, toSide) {
  const from = views[fromSide], to = views[toSide];
  if (syncing || !from.view || !to.full || $("side-view").hidden) return;
  syncing = true;
  const v = from.view;
  const mid = { x: v.x + v.w / 2, y: v.y + v.h / 2 };
  const theirs = centresOf(toSide);
  let best = null;
  for (const [name, p] of centresOf(fromSide)) {
    const q = theirs.get(counterpart[fromSide](name));
    if (!q) continue;
    const d = Math.hypot(p.x - mid.x, p.y - mid.y);
    if (!best || d < best.d) best = { d, p, q };
  }
  if (best) {
    to.view = { x: best.q.x - (best.p.x - v.x), y: best.q.y - (best.p.y - v.y), w: v.w, h: v.h };
  } else {
    const s = { x: (v.x - from.full.x) / from.full.w, y: (v.y - from.full.y) / from.full.h };
    to.view = { x: to.full.x + s.x * to.full.w, y: to.full.y + s.y * to.full.h, w: v.w, h: v.h };
  }
  to.userMoved = true;
  to.apply();
  syncing = false;
}
for (const [a, b] of [["old", "new"], ["new", "old"]]) {
  const view = views[a];
  const apply = view.apply.bind(view);
  view.apply = () => { apply(); follow(a, b); };
}

// The colours come drawn (the server's diff layer); say them to screen readers too.
function label() {
  for (const [side, view] of Object.entries(views)) {
    const marks = page.marks[side] || {};
    for (const node of view.svg?.querySelectorAll("g.state") || []) {
      const mark = marks[node.getAttribute("data-state")];
      // Added to what the step says, so its accessible name still holds its visible words.
      if (mark) node.setAttribute("aria-label", `${node.getAttribute("aria-label") || node.textContent.trim()} (${mark})`);
    }
  }
}

// --- mode: one graph, or side by side ---
function setMode(mode, push = true) {
  const side = mode === "side";
  $("union-view").hidden = side;
  $("side-view").hidden = !side;
  document.body.classList.toggle("mode-side", side);
  document.body.classList.toggle("mode-union", !side);
  $("mode-union").setAttribute("aria-pressed", String(!side));
  $("mode-side").setAttribute("aria-pressed", String(side));
  if (side) views.old.fit(); else views.union.fit();
  if (push) {
    const url = new URL(location.href);
    url.searchParams.set("mode", side ? "side" : "union");
    history.replaceState(null, "", url);
  }
}
function visibleViews() {
  return $("side-view").hidden ? [views.union] : [views.old, views.new];
}
$("mode-union").addEventListener("click", (e) => { e.preventDefault(); setMode("union"); });
$("mode-side").addEventListener("click", (e) => { e.preventDefault(); setMode("side"); });
$("zoom-in").addEventListener("click", () => visibleViews()[0].zoom(1 / 1.25));
$("zoom-out").addEventListener("click", () => visibleViews()[0].zoom(1.25));
$("zoom-fit").addEventListener("click", () => visibleViews()[0].fit());

// --- the inspector: one step's changes ---
function changeFor(name, side) {
  if (name == null) return null;
  return side === "old" ? (byOld.get(name) || null) : (byNew.get(name) || byOld.get(name) || null);
}

function select(name, side = "union") {
  const change = changeFor(name, side);
  const newName = change ? change.name : name;
  const oldName = change ? (change.oldName ?? change.name) : name;
  views.union.highlight(newName);
  views.new.highlight(change?.kind === "removed" ? null : newName);
  views.old.highlight(change?.kind === "added" ? null : oldName);
  for (const li of document.querySelectorAll("#changes > li.change")) {
    li.classList.toggle("selected", name != null && li.getAttribute("data-state") === newName);
  }
  inspect(name, change, side);
}

function inspect(name, change, side) {
  const box = $("inspector");
  if (name == null) {
    box.replaceChildren(el("h2", {}, "Step"), el("p", { class: "muted small" }, "Click a step on the graph to see what changed in it."));
    return;
  }
  const title = el("h2", {}, change ? el("span", { class: `badge diff-badge-${change.kind}` }, change.kind) : null, " ", change ? change.name : name);
  const parts = [title];
  if (!change) {
    parts.push(el("p", { class: "muted" }, "No changes to this step."));
  } else {
    parts.push(el("ul", { class: "change-words", id: "inspector-changes" }, change.changes.map((s) => el("li", {}, s))));
    if (change.fields.length) {
      parts.push(el("details", { class: "raw", id: "inspector-raw" }, el("summary", { class: "small" }, "JSON changes"),
        el("pre", { class: "code" }, JSON.stringify(change.fields, null, 1))));
    } else if (change.value !== undefined) {
      parts.push(el("details", { class: "raw", id: "inspector-raw" }, el("summary", { class: "small" }, "JSON of the step"),
        el("pre", { class: "code" }, JSON.stringify(change.value, null, 1))));
    }
  }
  const now = page.narrative.new[change ? change.name : name];
  const before = page.narrative.old[change ? (change.oldName ?? change.name) : name];
  if (now && change?.kind !== "removed") parts.push(el("h3", {}, `What it does in v${page.to}`), el("p", { class: "small" }, now));
  if (before && change && change.kind !== "added" && before !== now) {
    parts.push(el("h3", {}, `What it did in v${page.from}`), el("p", { class: "small muted" }, before));
  }
  box.replaceChildren(...parts);
}

// From the list, bring the step into view at a size where it can be read.
function focus(view, name) {
  const node = name != null ? view.nodeFor(name) : null;
  if (!node || !view.view) return;
  const b = view.bboxOf(node);
  const v = view.view;
  const w = Math.min(v.w, Math.max(b.width * 5, view.full.w / 20));
  const h = w * (v.h / v.w);
  view.view = { x: b.x + b.width / 2 - w / 2, y: b.y + b.height / 2 - h / 2, w, h };
  view.userMoved = true;
  view.apply();
}

for (const button of document.querySelectorAll("#changes .state-link")) {
  button.addEventListener("click", () => {
    const name = button.closest("li").getAttribute("data-state");
    select(name, "union");
    const change = byNew.get(name);
    if ($("side-view").hidden) focus(views.union, name);
    else if (change?.kind === "removed") focus(views.old, change.oldName ?? name);
    else focus(views.new, name);
  });
}

// --- the test cases on both versions ---
const PATH_CLASSES = ["path-before", "path-after", "path-before-only", "path-parts"];
const renamedNow = (name) => renamedTo.get(name) ?? name;
let cases = [];

function statusWords(side) {
  const words = { SUCCEEDED: "succeeded", FAILED: "failed", TIMED_OUT: "timed out", ABORTED: "stopped",
    WAITING_FOR_CALLBACK: "waits for an answer", STOPPED: "stopped by the runner", NOT_RUN: "did not run" };
  const text = words[side.status] || side.status;
  return side.error ? `${text}: ${side.error}` : text;
}

function drawPath(change) {
  for (const view of Object.values(views)) {
    view.svg?.querySelectorAll("g.state").forEach((g) => g.classList.remove(...PATH_CLASSES));
  }
  $("path-key").hidden = !change;
  if (!change) return;
  const before = change.before.path || [], after = change.after.path || [];
  const afterSet = new Set(after);
  const mark = (view, names, cls) => {
    for (const name of names) view.nodeFor(name)?.classList.add(cls);
  };
  mark(views.old, before, "path-before");
  mark(views.new, after, "path-after");
  mark(views.union, after, "path-after");
  mark(views.union, before.map(renamedNow).filter((n) => !afterSet.has(n)), "path-before-only");
  const parts = change.divergence?.afterState;
  if (parts) {
    mark(views.union, [renamedNow(parts)], "path-parts");
    mark(views.new, [renamedNow(parts)], "path-parts");
    mark(views.old, [parts], "path-parts");
  }
}

function chooseCase(index) {
  for (const row of document.querySelectorAll("#behaviour-table tbody tr")) {
    row.classList.toggle("selected", Number(row.dataset.index) === index);
    row.setAttribute("aria-selected", String(Number(row.dataset.index) === index));
  }
  drawPath(index == null ? null : cases[index]);
}

function renderBehaviour(body) {
  cases = body.cases;
  const box = $("behaviour-body");
  const summary = el("p", { id: "behaviour-summary", class: "small" }, body.summary,
);
  if (!cases.length) { box.replaceChildren(summary); return; }
  const rows = cases.map((c, i) => {
    const badges = [];
    if (c.outcomeChanged) badges.push(el("span", { class: "badge bad" }, "outcome changed"));
    if (c.pathChanged) badges.push(el("span", { class: "badge warn" }, "path changed"));
    if (c.expectation === "now fails") badges.push(el("span", { class: "badge bad" }, "now fails its expectations"));
    if (c.expectation === "now passes") badges.push(el("span", { class: "badge good" }, "now meets its expectations"));
    if (c.after.misfits?.length || c.before.misfits?.length) badges.push(el("span", { class: "badge warn" }, "mocks do not fit"));
    if (!badges.length) badges.push(el("span", { class: "badge good" }, "same"));
    return el("tr", { "data-index": i, "data-case": c.name, class: c.changed ? "case-changed" : "case-same",
      tabindex: "0", onclick: () => chooseCase(i), onkeydown: (e) => { if (e.key === "Enter") chooseCase(i); } },
      el("th", { scope: "row" }, c.name),
      el("td", { class: `status-cell status-${c.before.status.toLowerCase()}` }, statusWords(c.before)),
      el("td", { class: `status-cell status-${c.after.status.toLowerCase()}` }, statusWords(c.after)),
      el("td", {}, badges),
      el("td", { class: "small" }, el("ul", { class: "case-words" }, c.words.map((w) => el("li", {}, w)))));
  });
  box.replaceChildren(summary, el("table", { class: "list behaviour", id: "behaviour-table" },
    el("thead", {}, el("tr", {}, el("th", {}, "Test case"), el("th", {}, `v${page.from}`), el("th", {}, `v${page.to}`),
      el("th", {}, ""), el("th", {}, "What changed"))),
    el("tbody", {}, rows)));
  const first = cases.findIndex((c) => c.pathChanged);
  if (first >= 0) chooseCase(first);
}

async function loadBehaviour() {
  try {
    renderBehaviour(await api("GET", page.behaviourUrl));
  } catch (err) {
    $("behaviour-body").replaceChildren(el("p", { class: "error" }, `The test cases could not be run: ${err.message}`));
  }
}

label();
loadBehaviour();
setMode(document.body.classList.contains("mode-side") ? "side" : "union", false);
