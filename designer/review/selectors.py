"""Reads of the design review. Who may read is decided by ``designer.selectors`` (members) or by
a share link (``sharing.share_link_open``); these functions take the workflow already allowed."""
from __future__ import annotations

import json
from typing import Any, Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from .. import selectors as access
from .. import workpool
from ..kept import Kept, version_key
from ..errors import InvalidInput, NotFound
from ..models import Membership, Workflow, WorkflowVersion
from .models import Activity, Comment, Decision, Notification, Presence, Release, ReviewAnswer, ReviewRequest, \
    ReviewStatus, ShareLink


# --- the design's states and edges, for anchors -----------------------------------------------

def state_names(definition: Any) -> set[str]:
    """Every state name of a definition, in every branch and item processor."""
    return set(transitions(definition))


def transitions(definition: Any) -> dict[str, set[tuple[str, str]]]:
    """Each state's outgoing (kind, target): kinds as comment anchors name them."""
    out: dict[str, set[tuple[str, str]]] = {}
    machines = [definition]
    while machines:
        machine = machines.pop()
        table = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(table, dict):
            continue
        for name, state in table.items():
            edges = out.setdefault(name, set())
            if not isinstance(state, dict):
                continue
            if isinstance(state.get("Next"), str):
                edges.add(("next", state["Next"]))
            if isinstance(state.get("Default"), str):
                edges.add(("default", state["Default"]))
            for key, kind in (("Choices", "choice"), ("Catch", "catch")):
                for item in state.get(key) or [] if isinstance(state.get(key), list) else []:
                    if isinstance(item, dict) and isinstance(item.get("Next"), str):
                        edges.add((kind, item["Next"]))
            branches = state.get("Branches")
            machines.extend(b for b in (branches if isinstance(branches, list) else []) if isinstance(b, dict))
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), dict):
                    machines.append(state[key])
    return out


def version_named(*, workflow: Workflow, number: Any) -> WorkflowVersion:
    """The version a request names, or InvalidInput naming the field ``version`` (a version that
    does not exist is bad input here, not a missing page)."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise InvalidInput("version must be a version number.", field="version")
    try:
        return access.version_get(workflow=workflow, number=number)
    except NotFound:
        raise InvalidInput(f"This workflow has no version {number}.", field="version") from None


def latest_state_names(workflow: Workflow) -> set[str]:
    latest = access.version_latest(workflow=workflow)
    if latest is None:
        return set()
    if not workpool.large_text(latest.definition_json):
        return state_names(latest.definition)
    # A version never changes, so its names are read once per process, not at every page or
    # comment (a child's round trip for thousands of names).
    names = _names.get(version_key(latest), lambda: frozenset(
        workpool.run(_state_names_of_text, latest.definition_json, what="Reading this workflow's steps")))
    return set(names)


_names = Kept(32)  # large versions whose step names are kept (a few hundred KB each at most)


def _state_names_of_text(text: str) -> set[str]:
    return state_names(json.loads(text))


# --- comments ------------------------------------------------------------------------------

def comment_list(*, workflow: Workflow, state: str | None = None, open_only: bool = False) -> QuerySet[Comment]:
    """Every comment of the workflow, threads in the order they were started, replies after their
    first comment (the client groups them by ``thread``)."""
    comments = workflow.comments.select_related("author", "version", "resolved_by", "parent")
    if state is not None:
        comments = comments.filter(state_name=state)
    if open_only:
        comments = comments.filter(resolved__isnull=True, parent__resolved__isnull=True)
    return comments.order_by("id")


def comment_get(*, workflow: Workflow, comment_id: Any, field: str | None = None) -> Comment:
    try:
        return workflow.comments.select_related("author", "version", "parent").get(pk=int(comment_id))
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise NotFound("This workflow has no such comment.", field=field) from None


# --- reviews -------------------------------------------------------------------------------

def _with_answers(requests: QuerySet[ReviewRequest]) -> QuerySet[ReviewRequest]:
    answers = ReviewAnswer.objects.select_related("reviewer").order_by("id")
    return requests.select_related("version", "requested_by", "superseded_by").prefetch_related(
        Prefetch("answers", queryset=answers))


def review_list(*, workflow: Workflow, version_number: int | None = None) -> QuerySet[ReviewRequest]:
    requests = workflow.review_requests.all()
    if version_number is not None:
        requests = requests.filter(version__number=version_number)
    return _with_answers(requests).order_by("-id")


def review_get(*, workflow: Workflow, review_id: Any) -> ReviewRequest:
    try:
        return _with_answers(workflow.review_requests.all()).get(pk=int(review_id))
    except (ReviewRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound("This workflow has no such review request.") from None


def review_open_for(*, version: WorkflowVersion) -> ReviewRequest | None:
    return _with_answers(version.review_requests.filter(status=ReviewStatus.OPEN)).order_by("-id").first()


def review_summary(request: ReviewRequest | None) -> dict | None:
    """Where a review stands, at a glance: ``state`` is one of in_review, approved,
    changes_requested, superseded, withdrawn; ``label`` says it in words; ``approved_by_all``
    stays true for a request every reviewer approved, even once a newer version superseded it
    (that version was approved; the newer one was not)."""
    if request is None:
        return None
    answers = list(request.answers.all())
    approved = sum(1 for a in answers if a.decision == Decision.APPROVED)
    changes = sum(1 for a in answers if a.decision == Decision.CHANGES_REQUESTED)
    total = len(answers)
    all_approved = bool(total) and approved == total
    if changes:
        outcome = "changes requested"
    elif all_approved:
        outcome = "approved" if total == 1 else f"approved by all {total}"
    else:
        outcome = f"approved by {approved} of {total}"
    if request.status == ReviewStatus.SUPERSEDED:
        number = request.superseded_by.number if request.superseded_by_id else None
        state, label = "superseded", f"{outcome}, then superseded by version {number}" if number else outcome
    elif request.status == ReviewStatus.WITHDRAWN:
        state, label = "withdrawn", "review withdrawn"
    elif changes:
        state, label = "changes_requested", outcome
    elif all_approved:
        state, label = "approved", outcome
    else:
        state, label = "in_review", f"in review · {outcome}"
    return {"state": state, "label": label, "approved": approved, "changes_requested": changes,
            "reviewers": total, "approved_by_all": all_approved and request.status != ReviewStatus.WITHDRAWN,
            "request": request.pk}


def version_reviews(*, workflow: Workflow) -> dict[int, dict]:
    """Each reviewed version's summary (its newest request), by version number; one pass."""
    out: dict[int, dict] = {}
    for request in review_list(workflow=workflow):  # newest first: the first seen per version wins
        out.setdefault(request.version.number, review_summary(request))
    return out


def version_review(*, version: WorkflowVersion) -> dict | None:
    request = _with_answers(version.review_requests.all()).order_by("-id").first()
    return review_summary(request)


def pending_answer(*, user: AbstractBaseUser, version: WorkflowVersion) -> ReviewAnswer | None:
    """The user's place on the open review of this version, if they were asked (answered or not)."""
    if not user.is_authenticated:
        return None
    return (ReviewAnswer.objects.select_related("request")
            .filter(request__version=version, request__status=ReviewStatus.OPEN, reviewer=user).first())


def reviewer_candidates(*, workflow: Workflow) -> list[AbstractBaseUser]:
    """Members who may be asked to review: the owner and every member whose role may answer."""
    roles = {r for r in access.PERMISSIONS["answer_review"] if r != access.OWNER}
    members = [m.user for m in Membership.objects.select_related("user")
               .filter(workflow=workflow, role__in=roles).order_by("user__username")]
    return [workflow.owner, *members]


# --- releases ------------------------------------------------------------------------------

def version_released(*, workflow: Workflow) -> WorkflowVersion | None:
    """The version marked as released, if any."""
    release = workflow.releases.select_related("version").order_by("-id").first()
    return release.version if release else None


def version_for_export(*, workflow: Workflow) -> WorkflowVersion | None:
    """What export and the hand-over bundle give when no version is named: the released version,
    else the latest."""
    return version_released(workflow=workflow) or access.version_latest(workflow=workflow)


def release_latest(*, workflow: Workflow) -> Release | None:
    return workflow.releases.select_related("version", "released_by").order_by("-id").first()


# --- activity and notifications --------------------------------------------------------------

def activity_after(*, workflow: Workflow, after: int = 0, limit: int | None = None,
                   kinds: Iterable[str] | None = None) -> QuerySet[Activity]:
    entries = workflow.activity.filter(seq__gt=after).select_related("actor").order_by("seq")
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    return entries[:limit] if limit is not None else entries


def activity_last_seq(*, workflow_id: int) -> int:
    last = Activity.objects.filter(workflow_id=workflow_id).order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def notification_list(*, user: AbstractBaseUser, unread_only: bool = False) -> QuerySet[Notification]:
    notes = (Notification.objects.filter(user=user, workflow__in=access.workflow_list(user=user))
             .select_related("workflow", "activity", "activity__actor", "activity__comment"))
    if unread_only:
        notes = notes.filter(read__isnull=True)
    return notes.order_by("-id")


def notification_unread_count(*, user: AbstractBaseUser) -> int:
    if not user.is_authenticated:
        return 0
    return notification_list(user=user, unread_only=True).count()


def notification_get(*, user: AbstractBaseUser, notification_id: Any) -> Notification:
    try:
        return notification_list(user=user).get(pk=int(notification_id))
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound("You have no such notification.") from None


# --- share links and presence ------------------------------------------------------------------

def share_link_list(*, workflow: Workflow) -> QuerySet[ShareLink]:
    return workflow.share_links.select_related("version", "execution", "created_by", "revoked_by").order_by("-id")


def presence_list(*, workflow_id: int, since) -> list[dict]:
    """Who has a page of the workflow open: one entry per person (or per share link), newest
    page first, ``pages`` counting their open pages."""
    people: dict[str, dict] = {}
    rows = (Presence.objects.filter(workflow_id=workflow_id, seen__gte=since)
            .select_related("user").order_by("-seen"))
    for row in rows:
        key = f"user:{row.user_id}" if row.user_id else f"link:{row.share_link_id}"
        entry = people.get(key)
        if entry is None:
            people[key] = {"key": key, "name": row.user.username if row.user_id else "Guest with a share link",
                           "guest": row.user_id is None, "page": row.page, "state": row.state, "pages": 1}
        else:
            entry["pages"] += 1
    return sorted(people.values(), key=lambda e: (e["guest"], e["name"].lower()))
