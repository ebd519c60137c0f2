// The editor's Simulate form: picking a saved test case shows its input, ready to change, and
// says before the run what in its mocks no longer fits the version about to run, each with a
// one-click fix (editors). Nothing here blocks the run.
import { api } from "./api.js";

const select = document.getElementById("simulate-test-case");
const input = document.getElementById("simulate-input");
const form = document.getElementById("simulate-form");
const box = document.getElementById("simulate-fit");
const manual = document.getElementById("simulate-manual");
const page = JSON.parse(document.getElementById("page-data")?.textContent || "{}");

if (select && input) {
  const fill = () => {
    const option = select.selectedOptions[0];
    const text = option?.dataset.input;
    if (text == null) return;
    try { input.value = JSON.stringify(JSON.parse(text), null, 2); } catch { input.value = text; }
  };
  select.addEventListener("change", fill);
  if (select.options.length > 1 && !input.value) { select.selectedIndex = 1; fill(); }
}

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

let shown = null;  // the last fit answer, redrawn when "answer callbacks by hand" changes
let asked = 0;     // answers to earlier questions are dropped

function version() {
  return form?.querySelector("input[name=version]")?.value || "";
}

function fitUrl(testCase, what) {
  return `/api/workflows/${page.workflowId}/versions/${version()}/test-cases/${testCase}/${what}/`;
}

async function check() {
  if (!box || !select) return;
  const testCase = select.value;
  const question = ++asked;
  if (!testCase || !version()) { shown = null; draw(); return; }
  try {
    const fit = await api("GET", fitUrl(testCase, "fit"));
    if (question === asked) { shown = fit; draw(); }
  } catch (err) {
    if (question === asked) { shown = null; draw(`Could not check this test case: ${err.message}`); }
  }
}

function draw(error) {
  box.replaceChildren();
  if (error) box.append(h("p", { class: "error small", text: error }));
  // With callbacks answered by hand, a callback without a mock is what the person is there for;
  // with a default answer chosen for unmocked tasks, a task without a mock gets that answer.
  const unmocked = form?.elements.namedItem("unmocked")?.value;
  const problems = (shown?.problems || []).filter((p) =>
    p.code === "TASK_WITHOUT_MOCK" ? !unmocked || unmocked === "fail" : p.severity === "warning" || !manual?.checked);
  box.hidden = !error && problems.length === 0;
  box.dataset.count = String(problems.length);
  box.dataset.testCase = String(shown?.testCase ?? "");
  if (!problems.length) return;
  box.append(h("p", { class: "small fit-head",
    text: `Before you run: this test case does not quite fit version ${shown.version}. The run can still start.` }));
  const list = h("ul", { class: "fit-problems" });
  for (const problem of problems) {
    const item = h("li", { class: `fit-problem ${problem.severity}`, "data-code": problem.code,
      "data-state": problem.state || "" }, h("span", { class: "fit-words", text: problem.words }));
    if (problem.fix && page.canEdit) {
      const button = h("button", { type: "button", class: "small fit-fix", text: problem.fix.label });
      button.addEventListener("click", () => fix(problem.fix, button));
      item.append(" ", button);
    }
    const where = problem.pointer ? ` at ${problem.pointer}` : "";
    item.append(h("details", { class: "small" }, h("summary", { text: "Technical details" }),
      h("code", { text: problem.code }), `${where}: ${problem.message}`));
    list.append(item);
  }
  box.append(list);
}

async function fix(proposal, button) {
  button.disabled = true;
  const body = { action: proposal.action, state: proposal.state };
  if (proposal.to) body.to = proposal.to;
  const question = ++asked;
  try {
    const fit = await api("POST", fitUrl(select.value, "fix"), body);
    if (question === asked) { shown = fit; draw(); }
  } catch (err) {
    button.disabled = false;
    draw(`Not fixed: ${err.message}`);
  }
}

if (box && select) {
  select.addEventListener("change", check);
  form?.addEventListener("change", (event) => {
    if (["manual_callbacks", "unmocked"].includes(event.target.name)) draw();
  });
  // A version saved in the editor is the one the form now runs: check against it.
  window.addEventListener("statewise:version-saved", check);
  check();
}
