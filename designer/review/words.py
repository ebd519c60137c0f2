"""The review's events in plain words, for the activity page, the inbox and e-mails."""
from __future__ import annotations

from django.urls import reverse

from .models import Activity, Notification

DECISIONS = {"approved": "approved", "changes_requested": "requested changes to", "pending": "has not answered on"}


def place(data: dict) -> str:
    """Where a comment sits, from what was recorded when it happened."""
    anchor = data.get("anchor")
    if anchor == "state":
        return f"on “{data.get('state', '')}”"
    if anchor == "edge":
        return f"on the arrow from “{data.get('state', '')}” to “{data.get('edge_to', '')}”"
    return "on the workflow"


def _names(names) -> str:
    names = [str(n) for n in names or []]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def activity_words(entry: Activity) -> str:
    who = entry.actor.username if entry.actor_id else "Someone"
    d = entry.data or {}
    version = f"version {entry.version_number}" if entry.version_number else "the workflow"
    kind = entry.kind
    if kind == "comment.created":
        return f"{who} {'replied' if d.get('reply') else 'commented'} {place(d)} ({version})"
    if kind == "comment.edited":
        return f"{who} edited a comment {place(d)}"
    if kind == "comment.deleted":
        return f"{who} deleted a comment {place(d)}"
    if kind == "comment.resolved":
        return f"{who} resolved a thread {place(d)}"
    if kind == "comment.reopened":
        return f"{who} reopened a thread {place(d)}"
    if kind == "review.requested":
        more = "also asked" if d.get("added") else "asked"
        return f"{who} {more} {_names(d.get('reviewers'))} to review {version}"
    if kind == "review.answered":
        return f"{who} {DECISIONS.get(d.get('decision'), 'answered on')} {version}"
    if kind == "review.withdrawn":
        return f"{who} withdrew the review of {version}"
    if kind == "review.superseded":
        return f"The review of {version} was superseded by version {d.get('by')}: its answers do not carry over"
    if kind == "version.saved":
        renames = d.get("renames") or {}
        moved = "; ".join(f"“{a}” is now “{b}”" for a, b in renames.items())
        return f"{who} saved {version}" + (f" ({moved}: comments follow)" if moved else "")
    if kind == "suite.ran":
        return f"{who} ran the test cases on {version}: {d.get('summary', '?')}"
    if kind == "version.released":
        return f"{who} marked {version} as released"
    if kind == "share.created":
        return f"{who} made a read-only share link to {d.get('target', version)}"
    if kind == "share.revoked":
        return f"{who} revoked a share link to {d.get('target', version)}"
    if kind == "member.added":
        return f"{who} made {d.get('member')} {_article(d.get('role'))}"
    if kind == "member.changed":
        return f"{who} made {d.get('member')} {_article(d.get('role'))} (was {d.get('was')})"
    if kind == "member.removed":
        return f"{who} removed {d.get('member')} from the workflow"
    if kind == "member.invited":
        return f"{who} invited {d.get('email')} as {_article(d.get('role'))}"
    if kind == "member.joined":
        return f"{who} accepted an invitation and joined as {_article(d.get('role'))}"
    return f"{who}: {kind}"


def _article(role) -> str:
    role = str(role or "member")
    return ("an " if role[:1] in "aeiou" else "a ") + role


NOTIFICATION_WORDS = {
    "review_requested": "asked you to review {version} of “{workflow}”",
    "review_answered": "{decision} {version} of “{workflow}”",
    "mentioned": "mentioned you in a comment {place} in “{workflow}”",
    "replied": "replied to your comment {place} in “{workflow}”",
    "resolved": "resolved your thread {place} in “{workflow}”",
    "reopened": "reopened your thread {place} in “{workflow}”",
}


def notification_words(note: Notification) -> str:
    entry = note.activity
    who = entry.actor.username if entry.actor_id else "Someone"
    d = entry.data or {}
    text = NOTIFICATION_WORDS.get(note.kind, "{decision}").format(
        version=f"version {entry.version_number}" if entry.version_number else "a version",
        workflow=note.workflow.name, place=place(d),
        decision=DECISIONS.get(d.get("decision"), "answered on"))
    return f"{who} {text}"


def activity_url(entry: Activity) -> str:
    """Where to look at what happened: the version in the editor (with the thread open)."""
    base = reverse("workflow-editor", args=[entry.workflow_id])
    thread = (entry.data or {}).get("thread")
    if entry.kind.startswith("comment.") and thread:
        return f"{base}#comment-{thread}"  # the latest version, where one can answer
    if entry.kind.startswith(("review.", "version.")) and entry.version_number:
        return f"{base}?version={entry.version_number}"
    if entry.kind.startswith("member."):
        return reverse("workflow-members", args=[entry.workflow_id])
    return reverse("workflow-activity", args=[entry.workflow_id])


def compare_url(entry: Activity) -> str | None:
    """For a review of version N > 1: the page of what changed since version N-1."""
    if entry.kind.startswith("review.") and entry.version_number and entry.version_number > 1:
        n = entry.version_number
        return f"{reverse('workflow-compare', args=[entry.workflow_id])}?from={n - 1}&to={n}"
    return None
