// Comments on the graph: a badge with the number of open threads on each step or arrow that has
// some, and a panel beside the graph with the threads (write, reply, edit and delete your own,
// resolve and reopen). A layer over the server-drawn SVG: it finds steps by their data-state and
// arrows by data-from/data-to/data-kind, and redraws its badges whenever the drawing is replaced.
import { api } from "./api.js";
import { commentNodes } from "./commenttext.js";
import { el } from "./inspector.js";
import { withMentions } from "./mentions.js";

const SVG = "http://www.w3.org/2000/svg";
// The arrows a comment can be pinned to: transitions between two steps (not the start, the end,
// or the way into a branch).
const ARROWS = "g.edge[data-from]:is([data-kind=next], [data-kind=choice], [data-kind=default], [data-kind=catch])";
const KIND_WORDS = { next: "then", choice: "if", default: "otherwise", catch: "on error" };

export const anchorKey = (c) => c.anchor === "state" ? `state:${c.state}`
  : c.anchor === "edge" ? `edge:${c.edge.source}\u0000${c.edge.to}\u0000${c.edge.kind}` : "workflow";

function anchorWords(key) {
  if (key === "workflow") return "the workflow as a whole";
  if (key.startsWith("state:")) return `“${key.slice(6)}”`;
  const [from, to, kind] = key.slice(5).split("\u0000");
  return `the arrow “${from}” → “${to}” (${KIND_WORDS[kind] || kind})`;
}

function when(iso) {
  const d = new Date(iso);
  return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export class CommentLayer {
  // data: the page's review data (comments, permissions, user, members, versionNumber...);
  // base: the comments API ("/api/workflows/7/comments/"), or null when read-only (share links).
  constructor({ graph, data, base, onOpenState = () => {} }) {
    this.graph = graph;
    this.data = data;
    this.base = base;
    this.onOpenState = onOpenState;
    this.canComment = Boolean(base && data.permissions?.comment);
    this.members = new Set(data.members || []);
    this.comments = new Map((data.comments || []).map((c) => [c.id, c]));
    this.shown = null;      // anchor key the panel shows, or "all"
    this.selected = null;   // the step last clicked on the graph: new comments go there by default
    this.drafts = new Map(); // thread id -> reply being typed, kept across redraws
    this.panel = this.buildPanel();
    new MutationObserver(() => this.drawBadges()).observe(graph, { childList: true });
    graph.addEventListener("click", (e) => {
      const node = e.target.closest?.("g.state");
      if (node) this.selected = node.getAttribute("data-state");
    });
    window.addEventListener("review:frame", (e) => { if (e.detail.comment) this.upsert(e.detail.comment); });
    this.drawBadges();
    const match = location.hash.match(/^#comment-(\d+)$/);
    if (match && this.comments.has(Number(match[1]))) this.openThread(Number(match[1]));
  }

  threads() {
    const roots = new Map();
    for (const c of [...this.comments.values()].sort((a, b) => a.id - b.id)) {
      if (c.thread === c.id) roots.set(c.id, { root: c, replies: [] });
    }
    for (const c of this.comments.values()) if (c.thread !== c.id) roots.get(c.thread)?.replies.push(c);
    for (const t of roots.values()) t.replies.sort((a, b) => a.id - b.id);
    return [...roots.values()];
  }

  openCount(key) {
    return this.threads().filter((t) => !t.root.is_resolved && anchorKey(t.root) === key).length;
  }

  upsert(comment) {
    this.comments.set(comment.id, comment);
    this.drawBadges();
    if (!this.panel.hidden) this.renderPanel();
    this.updateToggle();
  }

  updateToggle() {
    const count = this.threads().filter((t) => !t.root.is_resolved).length;
    const badge = document.getElementById("open-threads");
    if (badge) badge.textContent = String(count);
  }

  // --- badges on the drawing ---
  drawBadges() {
    const svg = this.graph.querySelector("svg");
    if (!svg) return;
    svg.querySelector("g.comment-badges")?.remove();
    const host = svg.querySelector("g.graph") || svg;
    const layer = document.createElementNS(SVG, "g");
    layer.setAttribute("class", "comment-badges");
    const counts = new Map();
    for (const t of this.threads()) {
      if (t.root.is_resolved || t.root.anchor === "workflow") continue;
      const key = anchorKey(t.root);
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    for (const node of svg.querySelectorAll("g.state")) {
      const key = `state:${node.getAttribute("data-state")}`;
      if (!counts.has(key)) continue;
      const box = node.getBBox();
      layer.append(this.badge(key, counts.get(key), box.x + box.width - 2, box.y + 2));
    }
    const drawn = new Set(); // two rules of one decision may lead to the same step: one badge
    for (const edge of svg.querySelectorAll(ARROWS)) {
      const key = `edge:${edge.getAttribute("data-from")}\u0000${edge.getAttribute("data-to")}\u0000${edge.getAttribute("data-kind")}`;
      if (!counts.has(key) || drawn.has(key)) continue;
      drawn.add(key);
      const label = edge.querySelector("text");
      const path = edge.querySelector("path");
      let x, y;
      if (label) ({ x, y } = { x: Number(label.getAttribute("x")) + label.getComputedTextLength() / 2 + 10, y: Number(label.getAttribute("y")) - 8 });
      else if (path) ({ x, y } = path.getPointAtLength(path.getTotalLength() / 2));
      else continue;
      layer.append(this.badge(key, counts.get(key), x, y));
    }
    host.append(layer);
    document.body.dataset.commentBadges = String(layer.childElementCount);
  }

  badge(key, count, x, y) {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("class", "comment-badge");
    g.setAttribute("data-anchor", key);
    g.setAttribute("transform", `translate(${x} ${y})`);
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", `${count} open comment thread${count > 1 ? "s" : ""} on ${anchorWords(key)}`);
    const circle = document.createElementNS(SVG, "circle");
    circle.setAttribute("r", "10");
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("text-anchor", "middle");
    text.setAttribute("dy", "4");
    text.textContent = String(count);
    const title = document.createElementNS(SVG, "title");
    title.textContent = g.getAttribute("aria-label");
    g.append(circle, text, title);
    // The graph pans on pointer drags and selects on pointer up: a badge is neither.
    for (const type of ["pointerdown", "pointerup"]) g.addEventListener(type, (e) => e.stopPropagation());
    g.addEventListener("click", (e) => { e.stopPropagation(); this.open(key); });
    g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.open(key); } });
    return g;
  }

  // --- the panel ---
  buildPanel() {
    const panel = el("aside", { id: "comments-panel", class: "comments-panel", hidden: true, "aria-label": "Comments" });
    document.body.append(panel);
    document.getElementById("comments-toggle")?.addEventListener("click", () => {
      if (panel.hidden) this.open("all"); else this.close();
    });
    this.updateToggle();
    return panel;
  }

  open(key) {
    this.shown = key;
    if (key.startsWith("state:")) this.selected = key.slice(6);
    this.panel.hidden = false;
    document.body.classList.add("comments-open");
    this.renderPanel();
    if (key.startsWith("state:")) this.onOpenState(key.slice(6));
  }

  openThread(id) {
    const c = this.comments.get(id);
    if (!c) return;
    this.open(anchorKey(this.comments.get(c.thread) || c));
    this.panel.querySelector(`.thread[data-thread="${c.thread}"]`)?.scrollIntoView({ block: "nearest" });
  }

  close() {
    this.panel.hidden = true;
    this.shown = null;
    document.body.classList.remove("comments-open");
  }

  renderPanel() {
    const key = this.shown;
    const all = key === "all";
    const threads = this.threads().filter((t) => all || anchorKey(t.root) === key);
    threads.sort((a, b) => (a.root.is_resolved - b.root.is_resolved) || (a.root.id - b.root.id));
    const focused = document.activeElement;
    const keep = this.panel.querySelector("textarea.new-comment")?.value || "";
    const heading = el("div", { class: "panel-head" },
      el("h2", { text: all ? "Comments" : `Comments on ${anchorWords(key)}` }),
      all ? null : el("button", { type: "button", class: "link small show-all", onclick: () => this.open("all") }, "all comments"),
      el("button", { type: "button", class: "close", "aria-label": "Close comments", onclick: () => this.close() }, "×"));
    const list = el("div", { class: "threads" }, ...threads.map((t) => this.thread(t, all)));
    if (!threads.length) list.append(el("p", { class: "muted small", text: all ? "No comments yet." : "No comments here yet." }));
    this.panel.replaceChildren(heading, this.canComment ? this.newThreadForm(key, keep) : null, list);
    if (focused?.classList?.contains("new-comment")) this.panel.querySelector("textarea.new-comment")?.focus();
  }

  targets() {
    const svg = this.graph.querySelector("svg");
    const states = svg ? [...svg.querySelectorAll("g.state")].map((n) => n.getAttribute("data-state")) : [];
    const edges = svg ? [...svg.querySelectorAll(ARROWS)].map((e) =>
      `edge:${e.getAttribute("data-from")}\u0000${e.getAttribute("data-to")}\u0000${e.getAttribute("data-kind")}`) : [];
    return { states: [...new Set(states)], edges: [...new Set(edges)] };
  }

  newThreadForm(key, keep) {
    const { states, edges } = this.targets();
    const fallback = this.selected && states.includes(this.selected) ? `state:${this.selected}` : "workflow";
    const chosen = key === "all" ? fallback : key;
    const select = el("select", { class: "comment-target", "aria-label": "Comment on" },
      el("option", { value: "workflow", text: "the workflow as a whole" }),
      el("optgroup", { label: "Steps" }, ...states.map((s) => el("option", { value: `state:${s}`, text: s }))),
      edges.length ? el("optgroup", { label: "Arrows" }, ...edges.map((k) => el("option", { value: k, text: anchorWords(k) }))) : null);
    if (![...select.options].some((o) => o.value === chosen)) select.append(el("option", { value: chosen, text: anchorWords(chosen) }));
    select.value = chosen;
    const text = el("textarea", { class: "new-comment", rows: "3", maxlength: "10000",
      placeholder: "Write a comment… (@name tells a member; links are kept)", "aria-label": "New comment" });
    text.value = keep;
    const submit = el("button", { type: "submit", class: "primary small post-comment" }, "Comment");
    return el("form", { class: "stack new-thread", onsubmit: async (e) => {
      e.preventDefault();
      const target = select.value;
      const body = { text: text.value, version: this.data.versionNumber ?? undefined };
      if (target.startsWith("state:")) body.state = target.slice(6);
      if (target.startsWith("edge:")) {
        const [source, to, kind] = target.slice(5).split("\u0000");
        body.edge = { source, to, kind };
      }
      submit.disabled = true;
      try {
        const created = await api("POST", this.base, body);
        text.value = "";
        this.upsert(created);
      } catch (err) {
        this.error(err.message);
      } finally {
        submit.disabled = false;
      }
    } }, el("label", { class: "small" }, "Comment on", select), withMentions(text, this.mentionable()),
    el("div", { class: "row" }, submit));
  }

  thread({ root, replies }, showAnchor) {
    const key = anchorKey(root);
    const mayResolve = this.base && (this.data.permissions?.resolve_comment ||
      (this.data.permissions?.comment && root.author === this.data.user));
    const head = el("div", { class: "thread-head small" },
      showAnchor ? el("button", { type: "button", class: "link anchor", onclick: () => this.open(key) }, anchorWords(key)) : null,
      root.on_removed_step ? el("span", { class: "badge removed", text: "on a removed step" }) : null,
      root.is_resolved ? el("span", { class: "badge good resolved-mark", text: `resolved${root.resolved_by ? ` by ${root.resolved_by}` : ""}` }) : null,
      mayResolve ? el("button", { type: "button", class: `small ${root.is_resolved ? "reopen" : "resolve"}`, onclick: () =>
        this.act("POST", `${this.base}${root.id}/${root.is_resolved ? "reopen" : "resolve"}/`) },
      root.is_resolved ? "Reopen" : "Resolve") : null);
    const box = el("div", { class: `thread${root.is_resolved ? " is-resolved" : ""}`, "data-thread": String(root.id),
      id: `comment-${root.id}` }, head, this.comment(root), ...replies.map((r) => this.comment(r)));
    if (this.canComment) box.append(this.replyForm(root));
    return box;
  }

  comment(c) {
    const mine = this.canComment && c.author === this.data.user && !c.is_deleted;
    const meta = el("div", { class: "comment-meta small muted" },
      el("strong", { class: "author", text: c.author || "someone" }), ` · ${when(c.created)}`,
      el("span", { class: "badge version", title: "the version it was written on", text: `v${c.version}` }),
      c.edited && !c.is_deleted ? " (edited)" : "");
    const body = c.is_deleted ? el("p", { class: "comment-text deleted muted", text: "comment deleted" })
      : el("p", { class: "comment-text" }, ...commentNodes(c.text, this.members));
    const actions = mine ? el("div", { class: "row comment-actions" },
      el("button", { type: "button", class: "link small edit", onclick: () => this.edit(c, body) }, "Edit"),
      el("button", { type: "button", class: "link small delete", onclick: () => {
        if (confirm("Delete your comment? Replies stay.")) this.act("DELETE", `${this.base}${c.id}/`);
      } }, "Delete")) : null;
    return el("div", { class: "comment", "data-comment": String(c.id) }, meta, body, actions);
  }

  edit(c, body) {
    const text = el("textarea", { class: "edit-comment", rows: "3", maxlength: "10000", "aria-label": "Edit comment" });
    text.value = c.text;
    const form = el("form", { class: "stack", onsubmit: async (e) => {
      e.preventDefault();
      await this.act("PATCH", `${this.base}${c.id}/`, { text: text.value });
    } }, withMentions(text, this.mentionable()), el("div", { class: "row" },
      el("button", { type: "submit", class: "small primary save-edit" }, "Save"),
      el("button", { type: "button", class: "small", onclick: () => this.renderPanel() }, "Cancel")));
    body.replaceWith(form);
    text.focus();
  }

  replyForm(root) {
    const text = el("textarea", { class: "reply-text", rows: "1", maxlength: "10000", placeholder: "Reply…",
      "aria-label": "Reply", oninput: () => this.drafts.set(root.id, text.value) });
    text.value = this.drafts.get(root.id) || "";
    return el("form", { class: "row reply-form", onsubmit: async (e) => {
      e.preventDefault();
      if (await this.act("POST", this.base, { text: text.value, parent: root.id, version: this.data.versionNumber ?? undefined })) {
        this.drafts.delete(root.id);
        this.renderPanel();
      }
    } }, withMentions(text, this.mentionable()), el("button", { type: "submit", class: "small reply" }, "Reply"));
  }

  // Who an @ in a comment box offers: the workflow's members but the writer.
  mentionable() {
    return [...this.members].filter((name) => name !== this.data.user);
  }

  async act(method, url, body) {
    try {
      const result = await api(method, url, body);
      if (result?.id) this.upsert(result);
      return true;
    } catch (err) {
      this.error(err.message);
      return false;
    }
  }

  error(message) {
    const box = el("p", { class: "error small comment-error", role: "alert", text: message });
    this.panel.querySelector(".comment-error")?.remove();
    this.panel.insertBefore(box, this.panel.children[1] || null);
    setTimeout(() => box.remove(), 8000);
  }
}
