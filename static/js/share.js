// A share link's page: the graph, each step in plain words, the comments (read-only, live) and,
// for a run, its colours and history replayed live. It reads only through the link
// (/api/share/<token>/..., /ws/share/<token>/...): a revoked or expired link closes it.
import { api } from "./api.js";
import { CommentLayer } from "./comments.js";
import { GraphView } from "./graphview.js";
import { el, Inspector } from "./inspector.js";
import { LiveSocket } from "./livesocket.js";
import { ReviewFeed, showPresence } from "./reviewfeed.js";

const page = JSON.parse(document.getElementById("page-data").textContent);
const $ = (id) => document.getElementById(id);
const apiBase = `/api/share/${encodeURIComponent(page.shareToken)}`;
const STATUSES = ["running", "waiting", "retrying", "succeeded", "caught", "failed", "aborted"];

const inspector = new Inspector($("inspector"), { vocab: page.vocabulary, onChange() {}, onRename() {}, onDelete() {},
  onConnect() {}, onError() {} });
let selected = null;
const graph = new GraphView($("graph"), { onSelect: (name) => select(name) });
$("zoom-in").addEventListener("click", () => graph.zoom(1 / 1.25));
$("zoom-out").addEventListener("click", () => graph.zoom(1.25));
$("zoom-fit").addEventListener("click", () => graph.fit());

const layer = new CommentLayer({ graph: $("graph"), base: null, onOpenState: (name) => select(name),
  data: { comments: page.comments, permissions: {}, user: null, members: [], versionNumber: page.versionNumber } });

async function select(name) {
  selected = name;
  graph.highlight(name);
  inspector.show(page.definition, name, false);
  if (page.kind !== "run" || !name) return;
  try {
    const flow = await api("GET", `${apiBase}/dataflow/?state=${encodeURIComponent(name)}`);
    if (name !== selected) return;
    const box = el("section", { class: "stack shared-dataflow" }, el("h3", { text: "What happened here in this run" }));
    if (!flow.visits.length) box.append(el("p", { class: "muted small", text: "The run has not reached this step." }));
    flow.visits.slice(-2).forEach((visit) => {
      const table = el("dl", { class: "stages" });
      for (const stage of visit.stages) {
        table.append(el("dt", { text: stage.label }), el("dd", {}, el("pre", { class: "code", text: JSON.stringify(stage.value, null, 2) })));
      }
      box.append(table);
    });
    $("inspector").append(box);
  } catch (err) {
    gone(err.status === 404);
  }
}
inspector.show(page.definition, null, false);

function gone(really) {
  if (!really) return;
  document.body.dataset.shareGone = "true";
  $("connection").textContent = "This link was revoked or has expired.";
}

// Comments and presence, live.
new ReviewFeed(page.feed, {
  after: page.lastSeq,
  page: "share",
  onFrame(frame) {
    if (frame.type === "hello" && frame.here) showPresence(frame.here, null);
    if (frame.type === "presence") showPresence(frame.here, null);
    if (frame.comment) layer.upsert(frame.comment);
  },
  onStatus(status, reason) {
    document.body.dataset.reviewFeed = status;
    if (status === "closed") gone(true);
    else if (page.kind !== "run") $("connection").textContent = status === "live" ? "" : status;
    if (reason && status === "closed") $("connection").textContent = reason;
  },
});

// A run: colours and history from the same stream members watch, read-only.
if (page.kind === "run") {
  let state = page.execution;
  const tbody = $("history-body");
  const paint = () => {
    for (const node of graph.svg?.querySelectorAll("g.state") || []) {
      const status = state.states?.[node.getAttribute("data-state")];
      for (const s of STATUSES) node.classList.toggle(`run-${s}`, status === s);
      node.classList.toggle("current", (state.current || []).includes(node.getAttribute("data-state")));
      node.setAttribute("data-run-status", status || "");
    }
    const badge = $("run-status");
    badge.textContent = state.status;
    badge.className = `badge run-badge status-${state.status.toLowerCase()}`;
    document.body.dataset.runStatus = state.status;
  };
  const socket = new LiveSocket(page.websocket, {
    after: Math.max(0, (state.lastSeq || 0) - page.tableLimit),
    onFrame(frame) {
      if (frame.type === "hello") { state = frame.execution; paint(); return; }
      if (frame.type !== "events") return;
      for (const e of frame.events) {
        tbody.append(el("tr", { class: `event type-${e.type}`, "data-id": String(e.id) }, el("td", { text: String(e.id) }),
          el("td", { text: e.type }), el("td", { text: e.step || "" }), el("td", { text: String(Math.max(0, e.timestamp - state.startedAt)) })));
      }
      while (tbody.rows.length > page.tableLimit) tbody.deleteRow(0);
      if (frame.events.length) $("event-count").textContent = String(frame.events.at(-1).id);
      if (frame.execution && frame.execution.revision >= state.revision) { state = frame.execution; paint(); }
      document.body.dataset.lastSeq = String(socket.lastSeq);
      if (selected && frame.events.some((e) => e.step === selected)) select(selected);
    },
    onStatus(status, reason) {
      $("connection").textContent = status === "closed" ? (reason || "This link was revoked or has expired.") : status;
      document.body.dataset.connection = status;
      if (status === "closed") gone(true);
    },
  });
  paint();
}
document.body.dataset.shareReady = "true";
