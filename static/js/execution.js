// The execution page: everything shown comes from the server's frames (the run's state and its
// events), so every viewer of the run sees the same graph, history and panels.
import { api } from "./api.js";
import { GraphView } from "./graphview.js";
import { el } from "./inspector.js";
import { LiveSocket } from "./livesocket.js";

const page = JSON.parse(document.getElementById("page-data").textContent);
const $ = (id) => document.getElementById(id);
const STATUSES = ["running", "waiting", "retrying", "succeeded", "caught", "failed", "aborted"];
const TABLE_LIMIT = page.tableLimit || 1000;
const STOP_WORDS = { "waiting for a callback": "waiting for someone to answer for a step", stepped: "moved one step",
  finished: "finished", aborted: "stopped" };

let state = page.execution;
let selected = null;
let eventCount = 0;
let inspectTimer = null;

function notice(text, kind = "error") {
  const box = $("notice");
  box.textContent = text;
  box.className = `notice ${kind}`;
  box.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

// --- graph ---
const graph = new GraphView($("graph"), { onSelect: (name) => select(name) });
$("server-colours")?.remove(); // the script colours the graph from here on

function paint() {
  const svg = graph.svg;
  if (!svg) return;
  const current = new Set(state.current || []);
  const breakpoints = new Set(state.breakpoints || []);
  for (const node of svg.querySelectorAll("g.state")) {
    const name = node.getAttribute("data-state");
    const status = state.states?.[name];
    for (const s of STATUSES) node.classList.toggle(`run-${s}`, status === s);
    node.classList.toggle("current", current.has(name));
    node.classList.toggle("breakpoint", breakpoints.has(name));
    const counts = state.counts?.[name];
    node.setAttribute("data-run-status", status || "");
    node.setAttribute("aria-label", GraphView.words(node, status ? `${status}${counts?.retries ? `, ${counts.retries} retries` : ""}` : ""));
  }
  // When the whole graph does not fit, the view follows the run (until the person moves it).
  if (state.current?.length) graph.reveal(state.current[0], { follow: true });
}

// --- run state ---
function applyState(next) {
  if (!next || (state && next.revision < state.revision)) return;
  state = next;
  const badge = $("run-status");
  badge.textContent = state.mode === "continuing" && state.status === "RUNNING" ? "RUNNING ▶" : state.status;
  badge.className = `badge run-badge status-${state.status.toLowerCase()}`;
  document.body.dataset.runStatus = state.status;
  document.body.dataset.runMode = state.mode;
  $("stop-reason").textContent = STOP_WORDS[state.stopReason] ?? state.stopReason ?? "";
  $("clock").textContent = state.virtualTime
    ? `simulated time: ${elapsedWords(Math.max(0, state.virtualTime - state.startedAt))} after the start` : "";
  const running = state.status === "RUNNING";
  const can = page.canControl;
  $("btn-step").disabled = !can || !running;
  $("btn-continue").disabled = !can || !running || state.mode === "continuing";
  $("btn-pause").disabled = !can || !running || state.mode !== "continuing";
  $("btn-abort").disabled = !can || !running;
  $("speed").disabled = !can || !running;
  const speed = $("speed");
  if (![...speed.options].some((o) => Number(o.value) === state.speed)) {
    speed.append(el("option", { value: String(state.speed), text: `${state.speed} steps/s` })); // set through the API
  }
  if (document.activeElement !== speed) speed.value = [...speed.options].find((o) => Number(o.value) === state.speed).value;
  paint();
  renderCallbacks();
  renderRedrive();
  renderResult();
  renderMapRuns();
  if (selected) renderBreakpointToggle();
}

// A Distributed Map's Map Runs: their children's counts, as of the latest write.
function renderMapRuns() {
  const runs = state.mapRuns || [];
  $("map-runs-panel").hidden = !runs.length;
  $("map-runs").replaceChildren(...runs.map((run) => {
    const c = run.executionCounts;
    const text = ` ${c.succeeded} of ${c.total} child executions succeeded, ${c.running} running, ${c.failed} failed`;
    return el("li", { "data-arn": run.mapRunArn }, el("strong", { text: run.stateName }), " ",
      el("span", { class: `badge status-${run.status.toLowerCase()}`, text: run.status }), text);
  }));
}

function renderResult() {
  const box = $("result");
  if (state.status === "SUCCEEDED") box.replaceChildren(el("pre", { class: "code", text: JSON.stringify(state.output, null, 2) }));
  else if (state.error) {
    // Why, in words; AWS's own error name and cause one click away.
    box.replaceChildren(el("p", { class: "error explanation", text: state.explanation || state.error }),
      el("details", { class: "aws-error" }, el("summary", { text: "AWS's error and cause" }),
        el("dl", {}, el("dt", { text: "Error" }), el("dd", {}, el("code", { text: state.error })),
          el("dt", { text: "Cause" }), el("dd", { class: "cause", text: state.cause || "" }))));
  }
  else box.replaceChildren(el("p", { class: "muted", text: state.status === "RUNNING" ? "Not finished." : state.status }));
}

// --- callback panel ---
function renderCallbacks() {
  const panel = $("callback-panel");
  const tokens = state.waiting?.reason === "callback" ? state.waiting.tokens : null;
  panel.hidden = !tokens;
  const box = $("callbacks");
  const shown = [...box.querySelectorAll(".callback-form")].map((f) => f.dataset.token).join(",");
  if (!tokens) { box.replaceChildren(); return; }
  if (shown === Object.keys(tokens).join(",") && box.dataset.enhanced) return; // keep what someone is typing
  box.dataset.enhanced = "1";
  box.replaceChildren(...Object.entries(tokens).map(([token, stateName]) => callbackForm(token, stateName)));
}

function callbackForm(token, stateName) {
  const output = el("textarea", { class: "code callback-output", rows: "3" });
  // What the workflow reads from this step's answer, when it reads anything (else a yes).
  const suggested = state.waiting?.answers?.[stateName];
  output.value = JSON.stringify(suggested ?? { approved: true });
  const error = el("input", { class: "callback-error", value: "Rejected" });
  const cause = el("input", { class: "callback-cause", value: "Rejected by the reviewer." });
  const disabled = !page.canControl;
  const approve = el("button", { type: "button", class: "primary callback-approve", disabled, onclick: async () => {
    let value;
    try { value = JSON.parse(output.value); } catch (e) { notice(`The answer is not JSON: ${e.message}`); return; }
    command({ command: "send_task_success", token, output: value });
  } }, "Approve");
  const reject = el("button", { type: "button", class: "danger callback-reject", disabled, onclick: () =>
    command({ command: "send_task_failure", token, error: error.value, cause: cause.value }) }, "Reject");
  return el("div", { class: "stack callback-form", "data-token": token, "data-state": stateName },
    el("p", {}, el("strong", { text: stateName }), " waits for an answer. Answer for this step:"),
    el("label", {}, "What it returns when you approve (JSON)", output), approve,
    el("label", {}, "Why not (an error name)", error), el("label", {}, "In words", cause), reject,
    el("details", { class: "small muted" }, el("summary", { text: "Technical details" }),
      el("p", { text: `Approve sends SendTaskSuccess, Reject SendTaskFailure, with the task token ${token}.` })));
}

// --- redrive: a run that failed, timed out or was aborted goes on from where it stopped ---
const ENDED = ["FAILED", "TIMED_OUT", "ABORTED"];
const redriveAnswers = new Map(); // step -> its mocked answer as the form showed it
let redriveLoadedAt = null; // the event the form's steps were read at
const redriveText = (response) => (response == null ? "" : JSON.stringify(response, null, 2));

function renderRedrive() {
  const ended = ENDED.includes(state.status);
  const redrives = state.redrives || [];
  $("redrive-panel").hidden = !ended && !redrives.length;
  $("redrive-form").hidden = !ended || !page.canControl;
  $("btn-redrive").disabled = !page.canControl || state.redriveStatus !== "REDRIVABLE";
  $("redrive-reason").textContent = ended && state.redriveStatus !== "REDRIVABLE" ? state.redriveStatusReason || "" : "";
  $("redrive-log").replaceChildren(...redrives.map((r) => el("li", { "data-count": String(r.count) },
    `${r.by || "Someone"} redrove the run${r.count > 1 ? ` (time ${r.count})` : ""}`,
    ...(r.state ? [`, after changing what ‘${r.state}’ answers to `, el("code", { text: JSON.stringify(r.response) })] : []),
    ".")));
  if (ended && page.canControl && redriveLoadedAt !== state.lastSeq) loadRedriveSteps();
}

async function loadRedriveSteps() {
  redriveLoadedAt = state.lastSeq;
  let options;
  try {
    options = await api("GET", `/api/executions/${page.executionId}/redrive/`);
  } catch (err) {
    notice(err.message);
    return;
  }
  const select = $("redrive-state"), box = $("redrive-response");
  const typed = box.value !== redriveText(redriveAnswers.get(select.value)) && box.dataset.enhanced;
  redriveAnswers.clear();
  for (const step of options.steps) redriveAnswers.set(step.state, step.response);
  select.replaceChildren(...options.steps.map((step) => el("option", { value: step.state, text: step.state })));
  $("redrive-change").hidden = !options.steps.length;
  if (!typed) box.value = redriveText(redriveAnswers.get(select.value)); // keep what someone is typing
  box.dataset.enhanced = "1";
}

$("redrive-state").addEventListener("change", () => {
  $("redrive-response").value = redriveText(redriveAnswers.get($("redrive-state").value));
});
$("redrive-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const body = { command: "redrive" };
  const step = $("redrive-state").value, text = $("redrive-response").value.trim();
  if (step && text && text !== redriveText(redriveAnswers.get(step)).trim()) {
    try { body.mock_override = { state: step, response: JSON.parse(text) }; } catch (err) {
      notice(`The mocked answer is not JSON: ${err.message}`);
      return;
    }
  }
  command(body);
});

// --- history: a drawer, closed unless this person opened it last time ---
const historyPane = $("history-pane");
try { if (localStorage.getItem("statewise.history") === "open") historyPane.open = true; } catch { /* private mode */ }
historyPane.addEventListener("toggle", () => {
  try { localStorage.setItem("statewise.history", historyPane.open ? "open" : "closed"); } catch { /* private mode */ }
  if (historyPane.open) { const scroller = $("history-scroll"); scroller.scrollTop = scroller.scrollHeight; }
});
const tbody = $("history-body");
tbody.replaceChildren();
$("history-note").textContent = "";

// Elapsed time on the simulated clock in human units (as interpreter/wording/events.py says it).
function elapsedWords(ms) {
  if (!(ms >= 0)) return "";
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number.isInteger(seconds) ? seconds : Number(seconds.toPrecision(3))} s`;
  const minutes = Math.floor(seconds / 60), s = Math.floor(seconds) % 60;
  if (minutes < 60) return `${minutes} min${s ? ` ${s} s` : ""}`;
  const hours = Math.floor(minutes / 60), m = minutes % 60;
  if (hours < 24) return `${hours} h${m ? ` ${m} min` : ""}`;
  const days = Math.floor(hours / 24), h = hours % 24;
  return `${days} day${days !== 1 ? "s" : ""}${h ? ` ${h} h` : ""}`;
}

// What an event means, from the server's words (interpreter/wording/events.py).
const recentEvents = new Map(); // id -> event, for the step a Choice went to
function said(e) {
  const quoted = e.step ? `‘${e.step}’` : "the step";
  const previous = recentEvents.get(e.previousEventId);
  if (previous?.type === "ChoiceStateExited" && e.type.endsWith("StateEntered")) {
    const why = page.choiceWords?.[previous.step]?.[e.step];
    if (why) return `Went to ${quoted} because ${why}`;
  }
  const words = page.eventWords?.[e.type];
  if (words) return words.replaceAll("{step}", quoted);
  for (const [suffix, verb] of [["StateEntered", "Started"], ["StateExited", "Finished"], ["StateAborted", "Stopped"]]) {
    if (e.type.endsWith(suffix)) return `${verb} ${quoted}`;
  }
  return e.type;
}

function addEvents(events) {
  if (!events.length) return;
  const frag = document.createDocumentFragment();
  for (const e of events.slice(-TABLE_LIMIT)) {
    recentEvents.set(e.id, e);
    const row = el("tr", { class: `event type-${e.type}`, "data-id": String(e.id), tabindex: "0" },
      el("td", { text: String(e.id) }), el("td", { text: e.type }), el("td", { text: e.step || "" }),
      el("td", { class: "said", text: said(e) }), el("td", { text: e.resource || "" }),
      el("td", { text: elapsedWords(Math.max(0, e.timestamp - state.startedAt)) }),
      el("td", { text: new Date(e.timestamp).toISOString() }));
    row.details = e.details;
    frag.append(row);
  }
  tbody.append(frag);
  eventCount = events[events.length - 1].id;
  while (tbody.rows.length > TABLE_LIMIT) tbody.deleteRow(0);
  while (recentEvents.size > 4 * TABLE_LIMIT) recentEvents.delete(recentEvents.keys().next().value);
  $("event-count").textContent = String(events[events.length - 1].id);
  $("history-note").textContent = eventCount > TABLE_LIMIT ? `showing the latest ${TABLE_LIMIT}; export for all` : "";
  const scroller = $("history-scroll");
  scroller.scrollTop = scroller.scrollHeight;
  if (selected && events.some((e) => e.step === selected)) scheduleInspect();
}

tbody.addEventListener("click", (e) => toggleDetails(e.target.closest("tr.event")));
tbody.addEventListener("keydown", (e) => { if (e.key === "Enter") toggleDetails(e.target.closest("tr.event")); });

function toggleDetails(row) {
  if (!row) return;
  const next = row.nextElementSibling;
  if (next?.classList.contains("event-details")) { next.remove(); row.classList.remove("open"); return; }
  row.classList.add("open");
  row.after(el("tr", { class: "event-details", "data-for": row.dataset.id },
    el("td", { colspan: "7" }, el("pre", { class: "code", text: JSON.stringify(row.details ?? null, null, 2) }))));
}

// Shift-click (or Shift+Enter) on a step toggles its breakpoint at once.
function toggleBreakpoint(name) {
  if (!page.canControl || !name) return;
  const bps = new Set(state.breakpoints || []);
  if (bps.has(name)) bps.delete(name); else bps.add(name);
  command({ command: "set_breakpoints", breakpoints: [...bps] });
}
$("graph").addEventListener("click", (e) => {
  if (e.shiftKey) toggleBreakpoint(e.target.closest?.("g.state")?.getAttribute("data-state"));
});
$("graph").addEventListener("keydown", (e) => {
  if (e.shiftKey && e.key === "Enter") toggleBreakpoint(e.target.closest?.("g.state")?.getAttribute("data-state"));
});

// --- inspector ---
function select(name) {
  selected = name;
  graph.highlight(name);
  if (!name) {
    $("inspector").replaceChildren(el("h2", { text: "Data flow" }),
      el("p", { class: "muted small", text: "Click a step on the graph to see its data at each stage, and to set a breakpoint before it (or Shift-click it)." }));
    return;
  }
  inspect();
}

function renderBreakpointToggle() {
  const button = $("breakpoint-toggle");
  if (!button) return;
  const on = (state.breakpoints || []).includes(selected);
  button.textContent = on ? "● Breakpoint set: remove" : "○ Pause before this step";
  button.setAttribute("aria-pressed", on ? "true" : "false");
}

function scheduleInspect() {
  clearTimeout(inspectTimer);
  inspectTimer = setTimeout(inspect, 150);
}

async function inspect() {
  const name = selected;
  if (!name) return;
  let data;
  try {
    data = await api("GET", `/api/executions/${page.executionId}/dataflow/?state=${encodeURIComponent(name)}`);
  } catch (err) {
    notice(err.message);
    return;
  }
  if (name !== selected) return;
  const toggle = el("button", { type: "button", id: "breakpoint-toggle", disabled: !page.canControl,
    title: "Shift-click a step on the graph to do the same", onclick: () => toggleBreakpoint(name) });
  const visits = data.visits;
  const body = visits.length ? [] : [el("p", { class: "muted small", text: "The run has not entered this step yet." })];
  visits.slice(-3).forEach((visit, i, shown) => {
    const n = visits.length - shown.length + i + 1;
    body.push(el("h3", { class: "visit", text: `Visit ${n} of ${visits.length}${visit.retries ? ` · ${visit.retries} retries` : ""}${visit.complete ? "" : " · in progress"}` }));
    const table = el("dl", { class: "stages", "data-visit": String(n) });
    for (const stage of visit.stages) {
      table.append(el("dt", { class: `stage stage-${stage.key}`, text: stage.label }),
        el("dd", {}, el("pre", { class: "code", "data-stage": stage.key, text: JSON.stringify(stage.value, null, 2) })));
    }
    body.push(table);
    for (const note of visit.notes) body.push(el("p", { class: "small error", text: note }));
  });
  $("inspector").replaceChildren(el("h2", { text: `Data flow: ${name}` }), toggle, ...body);
  renderBreakpointToggle();
}

// --- controls ---
async function command(body) {
  try {
    await socket.send(body);
  } catch (err) {
    notice(err.detail || "The command failed.");
  }
}

$("controls").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = e.submitter?.value;
  if (name === "abort" && !confirm("Abort this run? You can redrive it afterwards, from where it stopped.")) return;
  if (name) command({ command: name });
});
$("speed").addEventListener("change", () => command({ command: "set_speed", speed: Number($("speed").value) }));

// --- the stream ---
// The table shows the latest TABLE_LIMIT events, so only those are asked for; colours and the
// rest come with the run's state.
const socket = new LiveSocket(page.websocket, {
  after: Math.max(0, (state.lastSeq || 0) - TABLE_LIMIT),
  onFrame(frame) {
    if (frame.type === "hello") { page.canControl = frame.canControl; applyState(frame.execution); return; }
    if (frame.type === "access") { // the owner changed this person's role while they watch
      page.canControl = frame.canControl;
      delete $("callbacks").dataset.enhanced;
      applyState(state);
      return;
    }
    if (frame.type === "events") {
      addEvents(frame.events);
      if (frame.execution) applyState(frame.execution);
      document.body.dataset.lastSeq = String(socket.lastSeq);
      return;
    }
    if (frame.type === "error") notice(frame.detail || "Error");
  },
  onStatus(status, reason) {
    $("connection").textContent = status === "closed" ? `closed: ${reason || ""}` : status;
    document.body.dataset.connection = status;
  },
});
applyState(state);
document.body.dataset.runReady = "true";
