// Run lists that stay true (the editor's Simulate panel, a run's page): every <ul data-runs-for=ID>
// is filled from /ws/workflows/ID/runs/ and updated as runs start, finish or wait for a person.
import { el } from "./inspector.js";

const LIMIT = 8;

function statusWords(run) {
  if (run.status === "RUNNING" && run.waitingForPerson) return "waiting for a person";
  return { RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed", TIMED_OUT: "timed out", ABORTED: "aborted" }[run.status]
    || run.status.toLowerCase();
}

function item(run, current) {
  const when = new Date(run.created).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit",
    minute: "2-digit", second: "2-digit" });
  const status = run.status === "RUNNING" && run.waitingForPerson ? "waiting" : run.status.toLowerCase();
  return el("li", { "data-run": String(run.id), "data-status": run.status },
    el("a", { href: run.url, "aria-current": current ? "page" : null },
      `${when} · ${run.label}${run.version != null ? ` · v${run.version}` : ""}`),
    " ", el("span", { class: `badge status-${status}`, text: statusWords(run) }));
}

export function liveRunList(list, { current = null } = {}) {
  const workflowId = list.dataset.runsFor;
  const box = list.closest("[data-runs-box]");
  const runs = new Map(); // id -> summary, newest first by id
  const draw = () => {
    const sorted = [...runs.values()].sort((a, b) => b.id - a.id).slice(0, LIMIT);
    list.replaceChildren(...sorted.map((r) => item(r, r.id === current)));
    if (box) box.hidden = sorted.length === 0;
    list.dataset.live = "true";
  };
  let retry = 500;
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/ws/workflows/${workflowId}/runs/`);
    ws.onopen = () => { retry = 500; };
    ws.onmessage = (msg) => {
      let frame;
      try { frame = JSON.parse(msg.data); } catch { return; }
      if (frame.type === "runs") { runs.clear(); for (const r of frame.runs) runs.set(r.id, r); draw(); }
      else if (frame.type === "run") { runs.set(frame.run.id, frame.run); draw(); }
    };
    ws.onclose = (e) => {
      delete list.dataset.live;
      if (e.code >= 4400 && e.code < 4500) return; // no longer allowed: stop
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 8000);
    };
  };
  connect();
}

for (const list of document.querySelectorAll("ul[data-runs-for]")) {
  liveRunList(list, { current: Number(list.dataset.current) || null });
}
