// The review's live feed on every signed-in page: one websocket per page.
// On a workflow's pages (#review-data present) it is /ws/workflows/<id>/feed/: comments, review
// answers and presence, replayed after the last activity number seen when the page reconnects,
// so nothing is missed. Elsewhere it is /ws/inbox/: the unread count only. Frames go to the
// page's modules as "review:frame" events on window; the header's count and presence are kept here.
import { el } from "./inspector.js";

const dataNode = document.getElementById("review-data");
const review = dataNode ? JSON.parse(dataNode.textContent) : null;
const PRESENCE_EVERY = 30_000;

export class ReviewFeed {
  constructor(path, { after = 0, page = "", onFrame, onStatus = () => {} }) {
    this.path = path;
    this.lastSeq = after;
    this.page = page;
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.retry = 500;
    this.nextId = 1;
    this.state = "";
    this.connect();
    this.timer = setInterval(() => this.here(this.state), PRESENCE_EVERY);
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = this.path.includes("/inbox/") ? "" : `?after=${this.lastSeq}&page=${encodeURIComponent(this.page)}`;
    return `${scheme}://${location.host}${this.path}${query}`;
  }

  connect() {
    this.onStatus("connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => { this.retry = 500; this.onStatus("live"); };
    ws.onmessage = (msg) => {
      let frame;
      try { frame = JSON.parse(msg.data); } catch { return; }
      if (frame.type === "activity") {
        if (frame.seq <= this.lastSeq) return; // already applied (a replay we asked for)
        this.lastSeq = frame.seq;
      }
      if (frame.type === "hello" && this.state) this.here(this.state);
      this.onFrame(frame);
    };
    ws.onclose = (e) => {
      if (e.code >= 4400 && e.code < 4500) { this.onStatus("closed", e.reason); clearInterval(this.timer); return; }
      this.onStatus("reconnecting");
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 8000);
    };
  }

  send(command) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ ...command, id: this.nextId++ }));
  }

  // Tell the others which step this page looks at (and that it is still open).
  here(state) {
    this.state = state || "";
    if (!this.path.includes("/inbox/")) this.send({ command: "here", page: this.page, state: this.state });
  }
}

function setUnread(count) {
  const badge = document.getElementById("inbox-count");
  if (!badge) return;
  badge.textContent = String(count);
  badge.classList.toggle("unread", count > 0);
  badge.setAttribute("aria-label", `${count} unread`);
}

const PAGES = { editor: "in the editor", versions: "on the versions", run: "watching a run", activity: "on the activity",
  members: "on the members page", share: "through a share link" };

export function showPresence(here, me) {
  const box = document.getElementById("presence");
  if (!box) return;
  const others = here.filter((p) => p.guest || p.name !== me);
  box.replaceChildren(...others.map((p) => {
    const where = [PAGES[p.page] || "", p.state ? `looking at “${p.state}”` : ""].filter(Boolean).join(", ");
    const initials = p.guest ? "G" : p.name.slice(0, 2).toUpperCase();
    return el("span", { class: `avatar${p.guest ? " guest" : ""}`, title: `${p.name}${where ? ` (${where})` : ""}`,
      "data-name": p.name, "aria-label": `${p.name} is here` }, initials);
  }));
  box.title = others.length ? `${others.length} other${others.length > 1 ? "s" : ""} here` : "";
  document.body.dataset.presence = others.map((p) => p.name).sort().join(",");
}

function dispatch(frame) {
  window.dispatchEvent(new CustomEvent("review:frame", { detail: frame }));
}

export let feed = null;

if (document.body.dataset.user && !document.body.dataset.shareToken) {
  const me = document.body.dataset.user;
  const path = review ? `/ws/workflows/${review.workflowId}/feed/` : "/ws/inbox/";
  feed = new ReviewFeed(path, {
    after: review?.lastSeq ?? 0,
    page: review?.page ?? "",
    onFrame(frame) {
      if (frame.type === "hello" || frame.type === "notification") setUnread(frame.unread ?? 0);
      if (frame.type === "hello" && frame.here) showPresence(frame.here, me);
      if (frame.type === "presence") showPresence(frame.here, me);
      if (frame.type === "activity") document.body.dataset.reviewSeq = String(frame.seq);
      dispatch(frame);
    },
    onStatus(status) { document.body.dataset.reviewFeed = status; },
  });
  window.reviewFeed = feed;
}
