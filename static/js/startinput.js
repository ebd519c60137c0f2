// The Simulate panel's starting input as a form: one field per value, labelled with the data
// glossary's plain name, typed (numbers, yes/no, times, lists), kept in sync with the JSON one
// click away. An input is proposed from the fields the workflow reads when there is none yet.
import { api } from "./api.js";

const box = document.getElementById("start-input");
const textarea = document.getElementById("simulate-input");
const fieldsBox = document.getElementById("start-fields");
const note = document.getElementById("start-note");
const proposeButton = document.getElementById("start-propose");
const select = document.getElementById("simulate-test-case");

let known = new Map();   // path -> {name, type, readBy} from the last proposal
let shapeKey = "";       // the paths the form shows, to redraw only when they change

function pathText(keys) {
  return "$" + keys.map(k => typeof k === "number" ? `[${k}]`
    : /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `['${k.replace(/'/g, "\\'")}']`).join("");
}

function leaves(value, keys = [], out = []) {
  if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) leaves(v, [...keys, k], out);
  } else if (keys.length) {
    out.push([keys, value]);
  }
  return out;
}

function setAt(data, keys, value) {
  let node = data;
  keys.slice(0, -1).forEach(k => { node = node[k]; });
  node[keys[keys.length - 1]] = value;
}

function typeOf(path, value) {
  const t = known.get(path)?.type;
  if (Array.isArray(value)) return "array";
  if (t && t !== "any" && t !== "object") return t;
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return "number";
  if (value !== null && typeof value === "object") return "object";
  return "string";
}

function words(keys) {
  return keys.filter(k => typeof k === "string").join(" ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function current() {
  const text = textarea.value.trim();
  if (!text) return {};
  return JSON.parse(text);
}

function write(data) {
  textarea.value = JSON.stringify(data, null, 2);
}

function control(keys, value, type) {
  const input = document.createElement("input");
  input.dataset.path = pathText(keys);
  if (type === "boolean") {
    input.type = "checkbox";
    input.checked = value === true;
  } else if (type === "number" || type === "integer") {
    input.type = "number";
    input.step = type === "integer" ? "1" : "any";
    input.value = typeof value === "number" ? String(value) : "";
  } else if (type === "array" || type === "object" || (value !== null && typeof value === "object")) {
    input.className = "code";
    input.value = JSON.stringify(value);
    input.title = type === "array" ? "a list, as JSON: [\"a\", \"b\"]" : "JSON";
  } else {
    input.type = "text";
    input.value = value == null ? "" : String(value);
    if (type === "timestamp") input.placeholder = "2026-01-01T09:00:00Z";
  }
  input.addEventListener("input", () => {
    let next;
    if (type === "boolean") next = input.checked;
    else if (type === "number" || type === "integer") {
      if (input.value === "" || Number.isNaN(Number(input.value))) { input.setAttribute("aria-invalid", "true"); return; }
      next = Number(input.value);
    } else if (input.className === "code") {
      try { next = JSON.parse(input.value); } catch { input.setAttribute("aria-invalid", "true"); return; }
    } else next = input.value;
    input.removeAttribute("aria-invalid");
    let data;
    try { data = current(); } catch { return; }
    setAt(data, keys, next);
    write(data);
  });
  return input;
}

function render() {
  let data;
  try {
    data = current();
  } catch (e) {
    note.textContent = `The JSON is not valid (${e.message}); the form shows the last valid input.`;
    return;
  }
  const items = data && typeof data === "object" && !Array.isArray(data) ? leaves(data) : [];
  const key = items.map(([keys, v]) => pathText(keys) + ":" + typeOf(pathText(keys), v)).join("|");
  if (key === shapeKey) {  // same fields: only the values change
    for (const [keys, value] of items) {
      const input = fieldsBox.querySelector(`input[data-path="${CSS.escape(pathText(keys))}"]`);
      if (!input || input === document.activeElement) continue;
      if (input.type === "checkbox") input.checked = value === true;
      else input.value = input.className === "code" ? JSON.stringify(value) : (value == null ? "" : String(value));
    }
    return;
  }
  shapeKey = key;
  fieldsBox.replaceChildren();
  for (const [keys, value] of items) {
    const path = pathText(keys);
    const type = typeOf(path, value);
    const label = document.createElement("label");
    label.className = type === "boolean" ? "check start-field" : "start-field";
    const name = document.createElement("span");
    name.textContent = known.get(path)?.name || words(keys) || path;
    const detail = document.createElement("code");
    detail.className = "small muted";
    detail.textContent = path;
    const input = control(keys, value, type);
    if (type === "boolean") label.append(input, " ", name, " ", detail);
    else label.append(name, " ", detail, input);
    fieldsBox.append(label);
  }
  if (!items.length && !Array.isArray(data) && (data === null || typeof data !== "object")) {
    fieldsBox.textContent = "The input is not an object: edit it as JSON.";
  }
  box.dataset.fields = String(items.length);
}

const ENDINGS = {
  succeeded: p => `With it the run reaches '${p.endState}' and succeeds.`,
  failed: p => `With it the run ends at the failure step '${p.endState}'.`,
  waiting: p => `With it the run gets to '${p.endState}', which waits for someone to answer.`,
  stuck: p => `With it the run may not reach an end: ${p.why}`,
};

async function propose() {
  const mode = document.querySelector("input[name=unmocked]:checked")?.value || "return_input";
  const url = box.dataset.proposalUrl + (box.dataset.proposalUrl.includes("?") ? "&" : "?") + "unmocked=" + mode;
  note.textContent = "Proposing an input…";
  proposeButton.disabled = true;
  try {
    const proposal = await api("GET", url);
    known = new Map(proposal.fields.map(f => [f.path, f]));
    write(proposal.input);
    shapeKey = "";
    render();
    const count = proposal.fields.length;
    note.textContent = (count ? `Proposed from the ${count} field${count === 1 ? "" : "s"} the workflow reads. `
      : "The workflow reads no field of its input. ") + (ENDINGS[proposal.ending] || (() => ""))(proposal)
      + (proposal.notes.length ? " " + proposal.notes.join(" ") : "");
    box.dataset.proposed = "true";
  } catch (e) {
    note.textContent = `No input could be proposed: ${e.message}`;
  } finally {
    proposeButton.disabled = false;
  }
}

if (box && textarea && fieldsBox) {
  textarea.addEventListener("input", render);
  proposeButton.addEventListener("click", propose);
  // simulate.js fills the JSON from the chosen test case: follow it
  select?.addEventListener("change", () => queueMicrotask(() => { shapeKey = ""; render(); }));
  if (textarea.value.trim()) render();
  else propose();
  box.dataset.ready = "true";
}
