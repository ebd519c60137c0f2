// The editor's Tests panel: every test case with its expectations (in plain words, edited as a
// form or as JSON), one button to run them all, each result in words with a link to open the run
// in the simulator, the coverage drawn on the graph, and suggested test cases saved in one click.
import { api, ApiError } from "./api.js";
import { graph } from "./editor.js";
import { el } from "./inspector.js";

const page = JSON.parse(document.getElementById("page-data").textContent);
const base = `/api/workflows/${page.workflowId}`;
const panel = document.getElementById("tests-panel");
const canEdit = Boolean(page.permissions?.edit);
const canRun = Boolean(page.permissions?.control_runs);
let coverage = null;
let testCases = [];
const STATUS_WORDS = { SUCCEEDED: "succeed", FAILED: "fail", TIMED_OUT: "time out", ABORTED: "be stopped",
  WAITING_FOR_CALLBACK: "wait for an answer at" };

function currentDefinition() {
  try { return JSON.parse(document.getElementById("json-view").value); } catch { return page.definition; }
}

function stateNames(definition = currentDefinition()) {
  const out = [];
  const walk = (program) => {
    for (const [name, state] of Object.entries(program?.States || {})) {
      out.push(name);
      for (const branch of state?.Branches || []) walk(branch);
      if (state?.ItemProcessor || state?.Iterator) walk(state.ItemProcessor || state.Iterator);
    }
  };
  walk(definition);
  return out;
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function say(text, kind = "info") {
  const box = panel.querySelector("#tests-message");
  box.textContent = text;
  box.className = `small ${kind}`;
}

// --- coverage on the graph -------------------------------------------------------------------

function coverageBadge(text) {
  // The percentages over the graph itself, beside the drawing they describe.
  let badge = document.getElementById("coverage-badge");
  if (!badge) {
    badge = el("div", { id: "coverage-badge", class: "coverage-badge", role: "status" });
    document.getElementById("graph").parentElement.append(badge);
  }
  badge.textContent = text || "";
  badge.hidden = !text;
}

function drawCoverage() {
  // A style layer of the editor's graph: it is drawn again on every re-render.
  const show = panel.querySelector("#show-coverage");
  if (!coverage || (show && !show.checked)) {
    graph.clearLayer("coverage");
    coverageBadge(null);
    return;
  }
  coverageBadge(`Tests cover ${coverage.states.percent} % of the steps and ${coverage.edges.percent} % of the paths`);
  const states = {};
  for (const item of coverage.stateItems) states[item.name] = [item.count ? "cov-state-covered" : "cov-state-uncovered"];
  const edges = [];
  for (const item of coverage.edgeItems) {
    if (item.kind === "retry") {
      (states[item.from] ||= []).push(item.count ? "cov-retry-covered" : "cov-retry-uncovered");
    } else {
      edges.push({ from: item.from, kind: item.kind, index: item.index ?? 0, classes: [item.count ? "cov-covered" : "cov-uncovered"] });
    }
  }
  graph.setLayer("coverage", { states, edges });
}

function edgeWords(item) {
  const n = (item.index ?? 0) + 1;
  const what = { next: "then", default: "otherwise", choice: `rule ${n}`, catch: `on error (catch ${n})`,
    retry: `retry ${n}` }[item.kind];
  return item.kind === "retry" ? `“${item.from}”: ${what}` : `“${item.from}” → “${item.to}” (${what})`;
}

function showCoverage(cov) {
  coverage = cov;
  const box = panel.querySelector("#coverage");
  box.hidden = !cov;
  if (cov) {
    box.querySelector("#coverage-summary").textContent =
      `Coverage: steps ${cov.states.covered}/${cov.states.total} (${cov.states.percent} %), ` +
      `paths ${cov.edges.covered}/${cov.edges.total} (${cov.edges.percent} %)`;
    const missed = [
      ...cov.stateItems.filter((s) => !s.count).map((s) => `step “${s.name}” never entered`),
      ...cov.edgeItems.filter((e) => !e.count).map((e) => `${edgeWords(e)} never taken`)];
    box.querySelector("#uncovered").replaceChildren(...missed.map((text) => el("li", {}, text)));
  }
  drawCoverage();
}

// --- results ----------------------------------------------------------------------------------

function showResults(result) {
  panel.querySelector("#tests-summary").textContent = result ? result.summary : "not run yet";
  panel.querySelector("#tests-summary").className = `badge ${result ? (result.passed === result.total ? "good" : "bad") : ""}`;
  const byName = new Map((result?.cases || []).map((c) => [c.name, c]));
  for (const li of panel.querySelectorAll(".test-result")) {
    const outcome = byName.get(li.dataset.case);
    const box = li.querySelector(".outcome");
    if (!outcome) { box.replaceChildren(); li.classList.remove("pass", "fail"); continue; }
    li.classList.toggle("pass", outcome.passed);
    li.classList.toggle("fail", !outcome.passed);
    const parts = [el("span", { class: "verdict" }, outcome.passed ? "✓ passes" : "✗ fails")];
    if (!outcome.passed) parts.push(el("span", { class: "first-failure" }, `: ${outcome.message}`));
    if (outcome.path) {
      parts.push(el("div", { class: "path small" },
        `${outcome.status}, ${outcome.transitions} transition${outcome.transitions === 1 ? "" : "s"}: ${outcome.path.join(" → ")}` +
        (outcome.pathCut ? ` … (${outcome.pathCut} steps in all: open the run to see them)` : "")));
    }
    if (outcome.open && canRun) {
      parts.push(el("button", { type: "button", class: "open-run link", onclick: () => openRun(outcome) },
        outcome.execution ? "Open its run in the simulator" : "Open in the simulator"));
    } else if (result && result.version === null) {
      parts.push(el("div", { class: "muted small" }, "Save a version to open this run in the simulator."));
    }
    box.replaceChildren(...parts);
  }
  showCoverage(result?.coverage || null);
}

async function openRun(outcome) {
  try {
    const opened = await api("POST", outcome.open);
    window.location.href = opened.url;
  } catch (err) {
    say(err.message, "error");
  }
}

async function runTests() {
  const button = panel.querySelector("#run-tests");
  button.disabled = true;
  say("Running every test case…");
  try {
    // The version the editor shows, or the one just saved from it; else the unsaved changes.
    const versions = await api("GET", `${base}/versions/`);
    const latest = versions[0] ? await api("GET", `${base}/versions/${versions[0].number}/`) : null;
    const definition = currentDefinition();
    const same = (candidate) => candidate && canonical(candidate) === canonical(definition);
    const number = same(latest?.definition) ? latest.number : same(page.definition) ? page.versionNumber : null;
    const saved = number !== null;
    const result = await api("POST", `${base}/suite-runs/`, saved ? { version: number } : { definition });
    showResults(result);
    if (saved) {
      // The review bar shows the version's outcome (other pages hear it from the live feed).
      const { id: suiteRun, version, passed, total, summary, created } = result;
      window.dispatchEvent(new CustomEvent("suite:ran", { detail: { suiteRun, version, passed, total, summary, created } }));
    }
    say(saved ? `Version ${result.version}: ${result.summary} in ${(result.seconds * 1000).toFixed(0)} ms.`
      : `Your unsaved changes: ${result.summary} (not stored until you save a version).`, result.passed === result.total ? "good" : "bad");
  } catch (err) {
    say(err instanceof ApiError ? err.message : String(err), "error");
  } finally {
    button.disabled = false;
  }
}

// --- expectations ------------------------------------------------------------------------------

function parseLoose(text, field) {
  // JSON, or `key: value` pairs (one a line or comma-separated) with JSON values: `approved: true`.
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  try { return JSON.parse(trimmed); } catch { /* not JSON: pairs */ }
  const out = {};
  for (const part of trimmed.split(/\n|,(?=\s*[\w$.-]+\s*:)/)) {
    const m = part.match(/^\s*([\w$.-]+)\s*:\s*(.*?)\s*$/);
    if (!m) throw new Error(`${field}: write JSON, or pairs such as “approved: true”.`);
    let value;
    try { value = JSON.parse(m[2]); } catch { value = m[2]; }
    let node = out;
    const keys = m[1].split(".");
    keys.slice(0, -1).forEach((k) => { node = node[k] = node[k] || {}; });
    node[keys.at(-1)] = value;
  }
  return out;
}

function select(name, options, value, attrs = {}) {
  return el("select", { name, ...attrs }, ...options.map(([v, label]) => {
    const option = el("option", { value: v }, label);
    if (Array.isArray(value) ? value.includes(v) : v === value) option.selected = true;
    return option;
  }));
}

function callbackRow(names, callback = {}) {
  const answer = "success" in callback ? "success" : "failure" in callback ? "failure" : callback.timeout ? "timeout"
    : callback.stop ? "stop" : "success";
  const row = el("div", { class: "callback-row" },
    "When it waits at ", select("cbState", names.map((n) => [n, n]), callback.state, { "aria-label": "The step that waits" }),
    select("cbAnswer", [["success", "answer with"], ["failure", "answer with the error"], ["timeout", "nobody answers"],
      ["stop", "stop the run"]], answer, { "aria-label": "The answer" }),
    el("input", { name: "cbValue", class: "code", placeholder: "approved: true  (or the error)", "aria-label": "The result, or the error",
      value: answer === "success" ? JSON.stringify(callback.success ?? {}) : (callback.failure?.error || "") }),
    el("input", { name: "cbCause", placeholder: "cause", value: callback.failure?.cause || "", "aria-label": "The cause" }),
    el("button", { type: "button", class: "link", onclick: () => row.remove() }, "remove"));
  return row;
}

function expectationsForm(tc) {
  const names = stateNames();
  const options = names.map((n) => [n, n]);
  const e = tc.expectations?.expect || {};
  const status = e.waitingAt ? "WAITING_FOR_CALLBACK" : e.status || (e.error || e.cause ? "FAILED" : "SUCCEEDED");
  const outputMode = "output" in e ? "exact" : "outputContains" in e ? "contains" : "";
  const outputText = "output" in e ? JSON.stringify(e.output) : "outputContains" in e ? JSON.stringify(e.outputContains) : "";
  const callbacks = el("div", { class: "callbacks" }, ...(tc.expectations?.callbacks || []).map((c) => callbackRow(names, c)));
  const json = el("textarea", { class: "code expectations-json", rows: 6, spellcheck: "false", "aria-label": "Expectations as JSON" },
    JSON.stringify(tc.expectations || {}, null, 2));
  const form = el("form", { class: "expectations-form stack small" },
    el("div", {}, "The run should ",
      select("status", Object.entries(STATUS_WORDS), status, { "aria-label": "How the run should end" }),
      select("waitingAt", [["", "(step)"], ...options], e.waitingAt || "", { "aria-label": "The step it waits at" })),
    el("div", { class: "error-row" }, "with the error ", el("input", { name: "error", value: e.error || "", placeholder: "any", "aria-label": "The error" }),
      " and the cause ", el("input", { name: "cause", value: e.cause || "", placeholder: "any", "aria-label": "The cause" })),
    el("div", { class: "output-row" }, "The output should ",
      select("outputMode", [["", "be anything"], ["exact", "be exactly"], ["contains", "contain"]], outputMode,
        { "aria-label": "How the output is compared" }),
      el("input", { name: "output", class: "code", value: outputText, placeholder: "approved: true",
        "aria-label": "The expected output" })),
    el("label", {}, "It should pass through ", select("passesThrough", options, e.passesThrough || [], { multiple: true, size: 4 })),
    el("label", {}, "It should never enter ", select("neverEnters", options, e.neverEnters || [], { multiple: true, size: 4 })),
    el("label", {}, "At most ", el("input", { name: "maxTransitions", type: "number", min: 1, value: e.maxTransitions ?? "" }),
      " transitions"),
    el("div", {}, el("strong", {}, "Answers given in this test case"), callbacks,
      el("button", { type: "button", class: "link add-callback", onclick: () => callbacks.append(callbackRow(names)) },
        "+ answer a step that waits")),
    el("div", { class: "row" }, el("button", { type: "submit", class: "primary save-expectations" }, "Save expectations")),
    el("details", {}, el("summary", {}, "As JSON"), json,
      el("button", { type: "button", class: "save-json", onclick: () => {
        try { save(tc, JSON.parse(json.value), form); } catch (err) { showError(form, `Not JSON: ${err.message}`); }
      } }, "Save JSON")),
    el("div", { class: "form-error", role: "alert" }));
  // Only what the chosen status can have: the step it waits at, or an error and a cause.
  const shape = () => {
    const status = form.elements.status.value;
    form.elements.waitingAt.hidden = status !== "WAITING_FOR_CALLBACK";
    form.querySelector(".error-row").hidden = !["FAILED", "TIMED_OUT", "ABORTED"].includes(status);
    form.querySelector(".output-row").hidden = status !== "SUCCEEDED";
  };
  form.elements.status.addEventListener("change", shape);
  shape();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    try { save(tc, fromForm(form, tc), form); } catch (err) { showError(form, err.message); }
  });
  return form;
}

function fromForm(form, tc) {
  const f = form.elements;
  const expect = { ...(tc.expectations?.expect || {}) };
  for (const key of ["status", "waitingAt", "error", "cause", "output", "outputContains", "passesThrough",
    "neverEnters", "maxTransitions"]) delete expect[key];
  if (f.status.value === "WAITING_FOR_CALLBACK") {
    if (!f.waitingAt.value) throw new Error("Pick the step the run should wait at.");
    expect.waitingAt = f.waitingAt.value;
  } else expect.status = f.status.value;
  const failing = ["FAILED", "TIMED_OUT", "ABORTED"].includes(f.status.value);
  if (failing && f.error.value.trim()) expect.error = f.error.value.trim();
  if (failing && f.cause.value.trim()) expect.cause = f.cause.value;
  const output = f.status.value === "SUCCEEDED" ? parseLoose(f.output.value, "The output") : undefined;
  if (f.outputMode.value && output !== undefined) expect[f.outputMode.value === "exact" ? "output" : "outputContains"] = output;
  const chosen = (name) => [...f[name].selectedOptions].map((o) => o.value);
  if (chosen("passesThrough").length) expect.passesThrough = chosen("passesThrough");
  if (chosen("neverEnters").length) expect.neverEnters = chosen("neverEnters");
  if (f.maxTransitions.value) expect.maxTransitions = Number(f.maxTransitions.value);
  const callbacks = [...form.querySelectorAll(".callback-row")].map((row) => {
    const [state, answer, value, cause] = ["cbState", "cbAnswer", "cbValue", "cbCause"].map((n) => row.querySelector(`[name=${n}]`).value);
    if (answer === "success") return { state, success: parseLoose(value, "The answer") ?? {} };
    if (answer === "failure") return { state, failure: { ...(value ? { error: value } : {}), ...(cause ? { cause } : {}) } };
    return { state, [answer]: true };
  });
  return callbacks.length ? { callbacks, expect } : { expect };
}

function showError(form, text) {
  form.querySelector(".form-error").textContent = text;
}

async function save(tc, expectations, form) {
  try {
    const saved = await api("PUT", `${base}/test-cases/${tc.id}/expectations/`, { expectations });
    Object.assign(tc, saved);
    const li = panel.querySelector(`.test-result[data-case="${CSS.escape(tc.name)}"]`);
    li.querySelector(".words").textContent = saved.words;
    form.closest("details").open = false;
    say(`Saved the expectations of “${tc.name}”.`);
  } catch (err) {
    const where = err.body?.field ? ` (${err.body.field})` : "";
    showError(form, `${err.message}${where}`);
  }
}

function caseItem(tc) {
  const details = el("details", { class: "edit" }, el("summary", { class: "edit-expectations small" }, "Expectations…"));
  details.addEventListener("toggle", () => {
    if (details.open && !details.querySelector("form")) details.append(expectationsForm(tc));
  });
  return el("li", { class: "test-result", "data-case": tc.name },
    el("strong", { class: "name" }, tc.name), " ", el("span", { class: "words muted small" }, tc.words),
    el("div", { class: "outcome" }), canEdit ? details : "");
}

function showCases() {
  panel.querySelector("#test-results").replaceChildren(...testCases.map(caseItem));
}

// --- suggestions ---------------------------------------------------------------------------------

async function suggestCases() {
  const box = panel.querySelector("#suggestions");
  box.replaceChildren(el("p", { class: "muted small" }, "Looking for test cases that reach what no case reaches yet…"));
  try {
    const versions = await api("GET", `${base}/versions/`);
    const found = await api("GET", `${base}/versions/${versions[0].number}/suggestions/`);
    const items = found.suggestions.map((s) => el("li", { class: "suggestion", "data-target": s.target.id },
      el("strong", {}, s.name), el("div", { class: "small" }, `Reaches ${edgeWords(s.target)}: ${s.changes.join("; ")}.`),
      el("div", { class: "small muted" }, s.words),
      canEdit ? el("button", { type: "button", class: "save-suggestion", onclick: (event) => saveSuggestion(s, event.target) },
        "Save this test case") : ""));
    const missing = found.notFound.map((n) => el("li", { class: "not-found small" }, `${edgeWords(n.target)}: ${n.reason}.`));
    box.replaceChildren(
      el("p", { class: "small" }, found.suggestions.length ? `${found.suggestions.length} suggested test case(s), each run before it is offered:`
        : "Nothing left to suggest."), el("ul", { class: "suggestions" }, ...items),
      ...(missing.length ? [el("p", { class: "small" }, "Not found:"), el("ul", {}, ...missing)] : []));
  } catch (err) {
    box.replaceChildren(el("p", { class: "error small" }, err.message));
  }
}

async function saveSuggestion(s, button) {
  button.disabled = true;
  try {
    await api("POST", `${base}/suite/test-cases/`, { name: s.name, input: s.input, mock_config: s.mockConfig,
      mock_test_case: s.mockTestCase, expectations: s.expectations });
    button.replaceWith(el("span", { class: "badge good" }, "saved"));
    await load();
    say(`Saved “${s.name}”. Run the tests to see the coverage rise.`);
  } catch (err) {
    button.disabled = false;
    say(err.message, "error");
  }
}

// --- the panel ------------------------------------------------------------------------------------

async function load() {
  const data = await api("GET", `${base}/suite/${page.versionNumber ? `?version=${page.versionNumber}` : ""}`);
  testCases = data.testCases;
  showCases();
  showResults(data.latest);
}

if (panel) {
  panel.replaceChildren(
    el("div", { class: "row" },
      canRun ? el("button", { type: "button", class: "primary", id: "run-tests", onclick: runTests }, "Run tests") : "",
      el("span", { id: "tests-summary", class: "badge" }, "…"),
      el("button", { type: "button", id: "suggest-tests", onclick: suggestCases }, "Suggest test cases")),
    el("div", { id: "tests-message", class: "small", "aria-live": "polite" }),
    el("ol", { id: "test-results", class: "test-results" }),
    el("div", { id: "coverage", hidden: true },
      el("div", { id: "coverage-summary", class: "small" }),
      el("label", { class: "check small" }, el("input", { type: "checkbox", id: "show-coverage", checked: true, onchange: drawCoverage }),
        " Show on the graph (taken: solid; never taken: dashed red)"),
      el("details", { class: "small" }, el("summary", {}, "Not covered"), el("ul", { id: "uncovered" }))),
    el("div", { id: "suggestions" }));
  load().catch((err) => say(err.message, "error"));
}
