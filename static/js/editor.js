// The editor page: one definition in memory, shown as graph, inspector and JSON, kept in sync.
// Every change goes through `commit`, which records undo history, re-renders and autosaves.
import { api, ApiError } from "./api.js";
import { GraphView } from "./graphview.js";
import { History } from "./history.js";
import { el, Inspector } from "./inspector.js";
import { addState, connect, deleteState, findState, renameState } from "./model.js";
import { mountReadTab } from "./readtab.js";

const page = JSON.parse(document.getElementById("page-data").textContent);
const $ = (id) => document.getElementById(id);
const canEdit = page.canEdit && page.versionNumber === page.latestVersion;
const base = `/api/workflows/${page.workflowId}`;

let baseVersion = page.latestVersion;
let selected = null;
let connectFrom = null;
let renderSeq = 0;
let draftTimer = null;
let renderTimer = null;

function notice(text, kind = "info") {
  const box = $("notice");
  box.replaceChildren(text instanceof Node ? text : document.createTextNode(text));
  box.className = `notice ${kind}`;
  box.hidden = false;
  clearTimeout(notice.timer);
  if (kind !== "error" && kind !== "sticky") notice.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

let initial = page.definition;
if (page.draft && canEdit && JSON.stringify(page.draft.definition) !== JSON.stringify(page.definition)) {
  initial = page.draft.definition;
  const discard = el("button", { type: "button", id: "discard-draft", onclick: async () => {
    await api("DELETE", `${base}/draft/`).catch(() => null);
    history.push(page.definition);
    refresh({ from: "history" });
    notice("Draft discarded: showing the saved version.");
  } }, "Discard it");
  notice(el("span", {}, `Restored your unsaved changes from ${new Date(page.draft.updated).toLocaleString()}. `, discard), "sticky");
}
const history = new History(initial);
const current = () => history.present;

const graph = new GraphView($("graph"), { onSelect: (name) => onGraphClick(name) });
export { graph };  // other panels of the page (tests, comments) draw their layers on it
const inspector = new Inspector($("inspector"), {
  vocab: page.vocabulary,
  onChange: (def) => commit(def),
  onRename: (oldName, newName) => {
    try {
      commit(renameState(current(), oldName, newName));
      select(newName.trim());
    } catch (err) {
      notice(err.message, "error");
      select(oldName);
    }
  },
  onDelete: (name) => {
    commit(deleteState(current(), name));
    select(null);
    notice(`Deleted “${name}”. Steps that went to it are now marked as problems.`);
  },
  onConnect: (name) => startConnect(name),
  onError: (msg) => notice(msg, "error"),
  glossary: {
    names: () => page.glossary || {},
    load: async () => (await api("GET", `${base}/glossary/`)).terms,
    save: async (terms) => {
      const answer = await api("PUT", `${base}/glossary/`, { terms });
      page.glossaryStored = Object.fromEntries(answer.terms.filter((t) => !t.proposed).map((t) => [t.path, t.name]));
      page.glossary = Object.fromEntries(answer.terms.map((t) => [t.path, t.name]));
      scheduleRender(); // the Choice arrows say the new names
      read.changed(); // and so does the Read tab
      return answer.terms;
    },
  },
});

const read = mountReadTab({ graphTab: $("tab-graph"), readTab: $("tab-read"), graphBox: $("graph"),
  panel: $("read-panel"), api, getDefinition: () => current(), getGlossary: () => page.glossaryStored || {},
  onSelect: (name) => select(name) });

// --- the one way the definition changes ---
function commit(def, { from = "ui" } = {}) {
  if (!canEdit) return;
  history.push(def);
  refresh({ from });
  scheduleDraft();
}

function refresh({ from }) {
  const def = current();
  if (from !== "json" && from !== "load-big") writeJson(def);
  if (selected != null && !findState(def, selected)) selected = null;
  inspector.show(def, selected, canEdit);
  $("undo").disabled = !canEdit || !history.canUndo;
  $("redo").disabled = !canEdit || !history.canRedo;
  $("connect").disabled = !canEdit || selected == null;
  if (from.startsWith("load") && def === page.definition && graph.svg) {
    // The server drew this very definition into the page: nothing to draw again.
    document.body.dataset.readyAt = String(Math.round(performance.now()));
    document.body.dataset.editorReady = "true";
    return;
  }
  scheduleRender();
  read.changed();
}

function writeJson(def) {
  $("json-view").value = JSON.stringify(def, null, 2);
  $("json-status").textContent = "";
  $("json-view").classList.remove("invalid");
}

// --- rendering through the server, newest request wins ---
function scheduleRender() {
  clearTimeout(renderTimer);
  renderTimer = setTimeout(render, 60);
}

async function render() {
  const seq = ++renderSeq;
  document.body.classList.add("rendering");
  try {
    const result = await api("POST", "/api/render/", { definition: current(), glossary: page.glossaryStored || {} });
    if (seq !== renderSeq) return;
    graph.replace(result.svg);
    graph.highlight(selected);
    showProblems(result.problems);
  } catch (err) {
    if (seq === renderSeq) notice(err.message, "error");
  } finally {
    if (seq === renderSeq) {
      document.body.classList.remove("rendering");
      // Tests and later scripts wait on this rather than guessing when the first drawing landed.
      if (!document.body.dataset.readyAt) document.body.dataset.readyAt = String(Math.round(performance.now()));
      document.body.dataset.editorReady = "true";
    }
  }
}

function showProblems(problems) {
  const list = $("problems");
  $("problem-count").textContent = problems.length;
  $("problem-count").classList.toggle("bad", problems.length > 0);
  if (!problems.length) {
    list.replaceChildren(el("li", { class: "none", text: "No problems found." }));
    return;
  }
  list.replaceChildren(...problems.map((p) => {
    const item = el("li", { class: `${p.severity} clickable`, tabindex: 0, "data-state": p.state ?? "", title: p.pointer },
      el("strong", { text: p.state ?? "Workflow" }), `: ${p.message}`);
    const go = () => { if (p.state) select(p.state, { scroll: true }); };
    item.addEventListener("click", go);
    item.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
    return item;
  }));
}

// --- selection and connecting ---
function select(name, { scroll = false } = {}) {
  selected = name;
  const node = graph.highlight(name);
  if (scroll && node) graph.reveal(name);
  inspector.show(current(), name, canEdit);
  $("connect").disabled = !canEdit || name == null;
  read.highlight(name);
}

function startConnect(name) {
  connectFrom = name;
  $("graph").classList.add("connecting");
  notice(`Click the step that “${name}” should go to. (Esc cancels.)`, "sticky");
}

function onGraphClick(name) {
  if (connectFrom != null) {
    const from = connectFrom;
    connectFrom = null;
    $("graph").classList.remove("connecting");
    $("notice").hidden = true;
    if (name == null) return;
    try {
      commit(connect(current(), from, name));
      notice(`“${from}” now goes to “${name}”.`);
      select(from);
    } catch (err) {
      notice(err.message, "error");
    }
    return;
  }
  select(name);
}

// --- autosave ---
function scheduleDraft() {
  clearTimeout(draftTimer);
  $("draft-status").textContent = "Unsaved changes…";
  draftTimer = setTimeout(saveDraft, 700);
}

async function saveDraft() {
  try {
    await api("PUT", `${base}/draft/`, { definition: current(), base_version: baseVersion });
    $("draft-status").textContent = `Draft saved ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    $("draft-status").textContent = `Draft not saved: ${err.message}`;
  }
}

// --- saving a version ---
async function saveVersion(event) {
  event.preventDefault();
  clearTimeout(draftTimer);
  const message = $("save-message").value.trim();
  try {
    const version = await api("POST", `${base}/versions/`, { definition: current(), message, base_version: baseVersion });
    baseVersion = version.number;
    page.versionNumber = page.latestVersion = version.number;
    // Simulate runs what was just saved, not the version the page was opened with.
    const simulateVersion = document.querySelector("#simulate-form input[name=version]");
    if (simulateVersion) simulateVersion.value = String(version.number);
    else $("simulate-form")?.prepend(el("input", { type: "hidden", name: "version", value: String(version.number) }));
    if ($("simulate-start")) $("simulate-start").textContent = `Start run of version ${version.number}`;
    window.dispatchEvent(new CustomEvent("statewise:version-saved", { detail: { number: version.number } }));
    $("save-message").value = "";
    $("version-badge").textContent = `version ${version.number}`;
    $("draft-status").textContent = `Saved as version ${version.number}`;
    for (const fmt of ["asl", "svg", "png"]) {
      let link = $(`export-${fmt}`);
      if (!link) {
        link = el("a", { id: `export-${fmt}`, download: true, text: fmt === "asl" ? "ASL JSON" : fmt.toUpperCase() });
        $("exports").append(" ", link);
      }
      link.href = `${base}/versions/${version.number}/export/${fmt}/`;
    }
    const problems = version.problems.length;
    notice(`Saved version ${version.number}${problems ? ` with ${problems} problem${problems > 1 ? "s" : ""} to fix` : ""}.`,
      problems ? "warning" : "info");
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      await saveDraft();
      notice(`${err.message} (latest is version ${err.body?.latest_version}).`, "error");
    } else {
      notice(`Not saved: ${err.message}`, "error");
    }
  }
}

// --- JSON view: edits there flow back into everything else ---
let jsonTimer = null;
$("json-view").addEventListener("input", () => {
  clearTimeout(jsonTimer);
  jsonTimer = setTimeout(() => {
    const text = $("json-view").value;
    let def;
    try {
      def = JSON.parse(text);
    } catch (err) {
      $("json-status").textContent = `Not valid JSON yet: ${err.message}`;
      $("json-view").classList.add("invalid");
      return;
    }
    if (!def || typeof def !== "object" || Array.isArray(def)) {
      $("json-status").textContent = "The definition must be a JSON object.";
      $("json-view").classList.add("invalid");
      return;
    }
    $("json-status").textContent = "";
    $("json-view").classList.remove("invalid");
    if (JSON.stringify(def) !== JSON.stringify(current())) commit(def, { from: "json" });
  }, 350);
});

// --- the drawer under the graph: problems and JSON, closed unless asked for ---
function openDrawer(open) {
  $("drawer-toggle").setAttribute("aria-expanded", String(open));
  $("drawer-body").hidden = !open;
  try { localStorage.setItem("statewise.drawer", open ? "open" : "closed"); } catch { /* private mode */ }
}
$("drawer-toggle").addEventListener("click", () => openDrawer($("drawer-body").hidden));
try { if (localStorage.getItem("statewise.drawer") === "open") openDrawer(true); } catch { /* private mode */ }

// --- toolbar, palette, keys ---
$("undo").addEventListener("click", () => { if (history.undo()) { refresh({ from: "history" }); scheduleDraft(); } });
$("redo").addEventListener("click", () => { if (history.redo()) { refresh({ from: "history" }); scheduleDraft(); } });
$("connect").addEventListener("click", () => { if (selected != null) startConnect(selected); });
$("zoom-in").addEventListener("click", () => graph.zoom(1 / 1.25));
$("zoom-out").addEventListener("click", () => graph.zoom(1.25));
$("zoom-fit").addEventListener("click", () => graph.fit());
$("save-form").addEventListener("submit", saveVersion);
document.querySelectorAll("[data-add]").forEach((button) => {
  button.addEventListener("click", () => {
    const { def, name } = addState(current(), button.dataset.add, button.textContent.trim(), selected);
    commit(def);
    select(name);
    notice(`Added “${name}”. Connect it with “Connect…” or its “Then go to” field.`);
  });
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && connectFrom != null) { connectFrom = null; $("graph").classList.remove("connecting"); $("notice").hidden = true; }
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName);
  if (typing || !(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
  e.preventDefault();
  $(e.shiftKey ? "redo" : "undo").click();
});

if (!canEdit) {
  document.body.classList.add("read-only");
  $("json-view").readOnly = true;
  document.querySelectorAll(".palette button, #save-form input, #save-form button").forEach((b) => { b.disabled = true; });
  if (page.canEdit) notice(`You are looking at version ${page.versionNumber}; the latest is ${page.latestVersion}. Open the latest to edit.`, "sticky");
}
// A big definition's JSON is written just after the page is up, not before.
const big = Object.keys(current()?.States || {}).length > 200;
if (big) setTimeout(() => writeJson(current()), 0); else writeJson(current());
showProblems(page.problems);
refresh({ from: big ? "load-big" : "load" });
