// The review bar of a workflow's pages (editor, run, versions, activity, members): the shown
// version's review status, the comment layer, and what this person may do about the review:
// ask for one (editors), approve or request changes (the reviewers asked), mark an approved
// version released, make and revoke share links. Everything updates live from the feed.
import { api } from "./api.js";
import { CommentLayer } from "./comments.js";
import { el } from "./inspector.js";
import { feed } from "./reviewfeed.js";

const data = JSON.parse(document.getElementById("review-data").textContent);
const $ = (id) => document.getElementById(id);
const base = `/api/workflows/${data.workflowId}`;
let notice = null;

const graph = $("graph");
const layer = new CommentLayer({ graph: graph || el("div"), data, base: `${base}/comments/` });
window.commentLayer = layer;
if (graph) {
  graph.addEventListener("click", (e) => {
    const node = e.target.closest?.("g.state");
    if (node) feed?.here(node.getAttribute("data-state"));
  });
}

function summaryBadge(node, summary) {
  node.textContent = summary ? summary.label : "not reviewed";
  node.className = `badge review-state${summary ? ` state-${summary.state}` : ""}`;
}

// The version's last suite run, as the review request shows it: "Test cases: 12/12 pass".
function testsBadge(node, tests) {
  if (!node) return;
  node.textContent = `Test cases: ${tests ? tests.summary : "not run for this version"}`;
  node.className = `badge${tests ? (tests.passed === tests.total ? " good" : " bad") : ""}`;
}

function say(text, link) {
  notice?.remove();
  notice = el("span", { class: "review-notice", role: "status" }, text, link ? " " : null,
    link ? el("a", { href: link.href, class: "review-notice-link" }, link.text) : null);
  $("review-actions").after(notice);
}

function render() {
  const box = $("review-actions");
  if (!box) return;
  const p = data.permissions || {};
  const onLatest = data.versionNumber != null && data.versionNumber === data.latestVersion;
  const parts = [];
  const open = data.review && data.review.status === "open";
  const mine = open && data.review.answers.find((a) => a.reviewer === data.user);
  if (mine && p.answer_review) parts.push(answerControls(mine));
  if (p.request_review && onLatest) parts.push(askControls(open ? data.review : null));
  if (p.release && data.summary?.approved_by_all && !data.summary.changes_requested && data.released !== data.versionNumber) {
    parts.push(el("button", { type: "button", id: "release-version", onclick: release,
      title: "Export and the hand-over bundle will give this version unless told otherwise" },
    `Mark version ${data.versionNumber} as released`));
  }
  if (p.share && data.versionNumber != null) parts.push(shareControls());
  box.replaceChildren(...parts);
  summaryBadge($("review-status"), data.summary);
  testsBadge($("review-tests"), data.tests);
  const released = $("released-badge");
  if (released) {
    released.hidden = data.released == null;
    $("released-number").textContent = data.released ?? "";
    if ($("released-downloads")) $("released-downloads").hidden = data.released == null;
  }
  document.body.dataset.reviewState = data.summary?.state || "none";
}

function answerControls(mine) {
  const why = el("textarea", { id: "review-comment", rows: "3", maxlength: "10000",
    placeholder: "What should change? (needed to request changes)", "aria-label": "What should change" });
  const answered = mine.decision === "pending" ? "" : ` (you ${mine.decision === "approved" ? "approved" : "requested changes"})`;
  return el("details", { class: "review-menu", id: "review-answer" },
    el("summary", { class: "primary-summary" }, `Your review of version ${data.versionNumber}${answered}`),
    el("div", { class: "stack menu-body" },
      el("button", { type: "button", class: "primary", id: "review-approve", onclick: () => answer("approved", why.value) },
        "Approve"),
      why,
      el("button", { type: "button", class: "danger", id: "review-request-changes",
        onclick: () => answer("changes_requested", why.value) }, "Request changes")));
}

async function answer(decision, comment) {
  try {
    const review = await api("POST", `${base}/reviews/${data.review.id}/answer/`, { decision, comment });
    applyReview(review);
  } catch (err) {
    say(err.message);
  }
}

function askControls(openReview) {
  const asked = new Set(openReview ? openReview.answers.map((a) => a.reviewer) : []);
  const choices = data.reviewers.filter((name) => !asked.has(name));
  const boxes = choices.map((name) => el("label", { class: "check" },
    el("input", { type: "checkbox", value: name, class: "reviewer-choice", "aria-label": `Ask ${name}` }), name));
  const message = el("textarea", { id: "review-message", rows: "2", maxlength: "10000", placeholder: "What should they look at?" });
  const body = choices.length ? [el("p", { class: "small muted", text: "Who should review it?" }), ...boxes, message,
    el("button", { type: "button", class: "primary", id: "review-ask-send", onclick: async () => {
      const reviewers = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      try {
        applyReview(await api("POST", `${base}/reviews/`, { version: data.versionNumber, reviewers, message: message.value }));
        say(`Asked ${reviewers.join(", ")} to review version ${data.versionNumber}.`);
      } catch (err) {
        say(err.message);
      }
    } }, "Ask")]
    : [el("p", { class: "small muted", text: data.reviewers.length ? "Everyone who can review was asked."
      : "Nobody else can review yet: make someone a reviewer on the members page." })];
  return el("details", { class: "review-menu", id: "review-ask" },
    el("summary", {}, openReview ? "Ask more people…" : "Ask for a review…"), el("div", { class: "stack menu-body" }, ...body));
}

async function release() {
  try {
    const result = await api("POST", `${base}/release/`, { version: data.versionNumber });
    data.released = result.version;
    render();
  } catch (err) {
    say(err.message);
  }
}

function shareControls() {
  const list = el("ul", { class: "share-links small", id: "share-links" });
  const expiry = el("select", { id: "share-expiry", "aria-label": "The link stops working" },
    el("option", { value: "", text: "never expires" }), el("option", { value: "1", text: "for 1 day" }),
    el("option", { value: "7", text: "for 7 days", selected: true }), el("option", { value: "30", text: "for 30 days" }));
  const drawList = () => list.replaceChildren(...(data.shareLinks || []).map(shareRow));
  drawList();
  const target = data.page === "run" && document.getElementById("page-data")
    ? JSON.parse(document.getElementById("page-data").textContent).executionId : null;
  const create = el("button", { type: "button", id: "share-create", class: "primary", onclick: async () => {
    const body = target ? { execution: target } : { version: data.versionNumber };
    if (expiry.value) body.expires_in_days = Number(expiry.value);
    try {
      const link = await api("POST", `${base}/share-links/`, body);
      data.shareLinks = [link, ...(data.shareLinks || [])];
      drawList();
      list.querySelector("input")?.select();
    } catch (err) {
      say(err.message);
    }
  } }, target ? "Make a link to this run" : `Make a link to version ${data.versionNumber}`);
  return el("details", { class: "review-menu", id: "share-menu" }, el("summary", {}, "Share…"),
    el("div", { class: "stack menu-body" },
      el("p", { class: "small muted", text: "Anyone with the link sees the graph, the steps in plain words and the comments, read-only; nothing else." }),
      el("div", { class: "row" }, create, expiry), list));
}

function shareRow(link) {
  const what = link.execution ? `run of version ${link.version}` : `version ${link.version}`;
  const used = link.last_used ? `last used ${new Date(link.last_used).toLocaleString()}` : "not used yet";
  return el("li", { class: `share-link state-${link.state}`, "data-link": String(link.id) },
    link.state === "active" ? el("input", { class: "share-url", readonly: true, value: link.url, "aria-label": `Link to ${what}`,
      onclick: (e) => e.target.select() }) : null,
    el("span", { class: "muted", text: ` ${what} · by ${link.created_by || "?"} · ${used} · ${link.state}` }),
    link.state === "active" ? el("button", { type: "button", class: "small danger share-revoke", onclick: async () => {
      try {
        const revoked = await api("DELETE", `${base}/share-links/${link.id}/`);
        data.shareLinks = data.shareLinks.map((l) => (l.id === revoked.id ? revoked : l));
        render();
        $("share-menu").open = true;
      } catch (err) {
        say(err.message);
      }
    } }, "Revoke") : null);
}

function applyReview(review) {
  if (review.version === data.versionNumber) {
    data.review = review;
    data.summary = review.summary;
  }
  updateVersionRow(review.version, review.summary);
  const keepOpen = [...document.querySelectorAll("#review-actions details[open]")].map((d) => d.id);
  render();
  keepOpen.forEach((id) => { const d = $(id); if (d) d.open = true; });
}

// The versions page: each version's review cell follows too.
function updateVersionRow(number, summary) {
  const cell = document.querySelector(`[data-review-version="${number}"]`);
  if (cell) summaryBadge(cell, summary);
}

// A suite run of a version: from this page's suites panel, or any page's through the feed.
function suiteRan({ suiteRun, version, passed, total, summary, created }) {
  if (version === data.versionNumber && !(data.tests && data.tests.suiteRun >= suiteRun)) {
    data.tests = { suiteRun, passed, total, summary, created };
    render();
  }
  const cell = document.querySelector(`tr[data-version="${version}"] td.suite`);
  if (cell) cell.replaceChildren(el("span", { class: `badge ${passed === total ? "good" : "bad"}`, text: summary }));
}
window.addEventListener("suite:ran", (e) => suiteRan(e.detail));

window.addEventListener("review:frame", (e) => {
  const frame = e.detail;
  if (frame.type === "access") { data.permissions = frame.permissions; render(); return; }
  if (frame.type !== "activity") return;
  const entry = frame.entry;
  if (frame.review) {
    applyReview(frame.review);
    const mine = frame.review.answers.some((a) => a.reviewer === data.user && a.decision === "pending");
    if (entry.kind === "review.requested" && mine && frame.review.version !== data.versionNumber) {
      say(`${entry.actor} asks you to review version ${frame.review.version}.`,
        { href: `/workflows/${data.workflowId}/?version=${frame.review.version}`, text: "Open it" });
    }
  }
  if (entry.kind === "suite.ran") suiteRan({ ...entry.data, version: entry.version, created: entry.created });
  if (frame.released != null) {
    data.released = frame.released;
    document.querySelectorAll("#version-table .badge.released").forEach((b) => b.remove());
    document.querySelector(`[data-review-version="${frame.released}"]`)?.after(el("span", { class: "badge released", text: "released" }));
    render();
  }
  if (entry.kind === "version.saved" && entry.version > (data.latestVersion || 0)) {
    const followed = data.page === "editor" && entry.actor === data.user && data.versionNumber === data.latestVersion;
    data.latestVersion = entry.version;
    if (followed) {
      // This page saved it: the editor now shows the new version, unreviewed.
      Object.assign(data, { versionNumber: entry.version, review: null, summary: null, tests: null });
    } else if (data.page !== "versions") {
      say(`${entry.actor} saved version ${entry.version}.`, { href: `/workflows/${data.workflowId}/?version=${entry.version}`, text: "Open it" });
    }
    render();
  }
  if (entry.kind.startsWith("share.") && data.permissions?.share) {
    api("GET", `${base}/share-links/`).then((links) => {
      data.shareLinks = links;
      const wasOpen = $("share-menu")?.open;
      render();
      if (wasOpen) $("share-menu").open = true;
    }).catch(() => {});
  }
  if (entry.kind.startsWith("member.") && data.page === "members") say(entry.words);
  const list = document.getElementById("activity");
  if (list) {
    list.querySelector(".none")?.remove();
    list.prepend(el("li", { "data-seq": String(entry.seq), class: `kind-${entry.kind.replace(".", "-")}` },
      el("time", { datetime: entry.created, text: new Date(entry.created).toLocaleString() }), " ",
      el("span", { class: "words", text: entry.words })));
  }
});

render();
document.body.dataset.reviewReady = "true";
