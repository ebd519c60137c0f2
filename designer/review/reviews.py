"""Writes on reviews: ask for one, answer it, withdraw it, supersede it when a newer version is
saved, and mark an approved version as released."""
from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from interpreter.renames import state_renames

from .. import selectors as access
from .. import workpool
from ..errors import DomainError, Forbidden, InvalidInput
from ..models import Workflow, WorkflowVersion
from . import comments, feed, selectors, text
from .models import Decision, NotificationKind, Release, ReviewAnswer, ReviewRequest, ReviewStatus

MAX_REVIEWERS = 50


class ReviewClosed(DomainError):
    """The review was superseded or withdrawn: answers go to the newer request."""
    status_code = 409
    default_code = "review_closed"


def _reviewers(workflow: Workflow, names: Any, asking: AbstractBaseUser) -> list[AbstractBaseUser]:
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise InvalidInput("Choose at least one reviewer: a list of usernames.", field="reviewers")
    if len(names) > MAX_REVIEWERS:
        raise InvalidInput(f"Ask at most {MAX_REVIEWERS} people at once.", field="reviewers")
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    chosen = []
    for name in dict.fromkeys(names):
        user = users.get(name)
        role = access.workflow_role(user=user, workflow=workflow) if user is not None else None
        if role is None:
            raise InvalidInput(f"“{name}” is not a member of this workflow.", field="reviewers")
        if user.pk == asking.pk:
            raise InvalidInput("You cannot ask yourself for a review.", field="reviewers")
        if not access.role_can(role, "answer_review"):
            raise InvalidInput(f"“{name}” is a {role}: make them a reviewer on the members page first.",
                               field="reviewers")
        chosen.append(user)
    return chosen


def review_request(*, user: AbstractBaseUser, workflow: Workflow, version: Any, reviewers: Any,
                   message: Any = "") -> ReviewRequest:
    """Ask members to review the latest version. If that version is already in review, the new
    reviewers join the open request (nobody asked twice)."""
    access.require(user=user, workflow=workflow, action="request_review")
    target = selectors.version_named(workflow=workflow, number=version)
    latest = access.version_latest(workflow=workflow)
    if latest is not None and target.number != latest.number:
        raise InvalidInput(f"Only the latest version ({latest.number}) can be put in review; version "
                           f"{target.number} is older.", field="version")
    chosen = _reviewers(workflow, reviewers, user)
    note = text.clean(message, field="message", required=False)
    with transaction.atomic():
        request = ReviewRequest.objects.select_for_update().filter(version=target, status=ReviewStatus.OPEN).first()
        added = request is not None
        if request is None:
            request = ReviewRequest.objects.create(workflow=workflow, version=target, requested_by=user, message=note)
        already = set(request.answers.values_list("reviewer_id", flat=True))
        new = [u for u in chosen if u.pk not in already]
        if added and not new:
            raise InvalidInput("Everyone you chose was already asked to review this version.", field="reviewers")
        ReviewAnswer.objects.bulk_create([ReviewAnswer(request=request, reviewer=u) for u in new])
        feed.record(workflow=workflow, kind="review.requested", actor=user, version_number=target.number,
                    review=request, data={"reviewers": [u.username for u in new], "added": added, "message": note[:500]},
                    notify=[(u, NotificationKind.REVIEW_REQUESTED) for u in new])
    return selectors.review_get(workflow=workflow, review_id=request.pk)


def review_answer(*, user: AbstractBaseUser, request: ReviewRequest, decision: Any, comment: Any = "") -> ReviewRequest:
    """Approve, or request changes (with what to change). Answering again replaces the answer."""
    access.require(user=user, workflow=request.workflow, action="answer_review")
    if decision not in (Decision.APPROVED, Decision.CHANGES_REQUESTED):
        raise InvalidInput("decision must be 'approved' or 'changes_requested'.", field="decision")
    note = text.clean(comment, field="comment", required=decision == Decision.CHANGES_REQUESTED)
    with transaction.atomic():
        request = ReviewRequest.objects.select_for_update(of=("self",)).select_related("version", "superseded_by").get(
            pk=request.pk)
        answer = request.answers.filter(reviewer=user).first()
        if answer is None:
            raise Forbidden(f"You were not asked to review version {request.version.number}.")
        if request.status != ReviewStatus.OPEN:
            newer = f" by version {request.superseded_by.number}" if request.superseded_by_id else ""
            raise ReviewClosed(f"This review was {request.status}{newer}: answer the newest review instead.")
        answer.decision, answer.comment, answer.answered = decision, note, timezone.now()
        answer.save(update_fields=["decision", "comment", "answered"])
        feed.record(workflow=request.workflow, kind="review.answered", actor=user,
                    version_number=request.version.number, review=request, data={"decision": decision},
                    notify=[(request.requested_by, NotificationKind.REVIEW_ANSWERED)])
    return selectors.review_get(workflow=request.workflow, review_id=request.pk)


def review_withdraw(*, user: AbstractBaseUser, request: ReviewRequest) -> ReviewRequest:
    access.require(user=user, workflow=request.workflow, action="request_review")
    with transaction.atomic():
        closed = ReviewRequest.objects.filter(pk=request.pk, status=ReviewStatus.OPEN).update(
            status=ReviewStatus.WITHDRAWN, closed=timezone.now())
        if closed:
            feed.record(workflow=request.workflow, kind="review.withdrawn", actor=user,
                        version_number=request.version.number, review=request)
    return selectors.review_get(workflow=request.workflow, review_id=request.pk)


def version_saved(*, user: AbstractBaseUser, version: WorkflowVersion, previous: WorkflowVersion | None,
                  renames: dict[str, str] | None = None) -> dict[str, str]:
    """Called inside ``services.version_create``'s transaction: comments follow renamed steps, open
    reviews of older versions are superseded (their approvals never carry over), and the log says so.
    Returns the renames (``{old: new}``) for the rest of the save to follow; ``renames``: already
    found from ``previous`` (by the child process that checked a large definition)."""
    workflow = version.workflow
    if renames is None:
        renames = _renames(previous.definition_json, version.definition_json) if previous is not None else {}
    comments.comments_follow_renames(workflow=workflow, renames=renames)
    feed.record(workflow=workflow, kind="version.saved", actor=user, version_number=version.number,
                data={"renames": renames} if renames else {})
    open_requests = ReviewRequest.objects.filter(workflow=workflow, status=ReviewStatus.OPEN,
                                                 version__number__lt=version.number).select_related("version")
    for request in open_requests:
        request.status, request.superseded_by, request.closed = ReviewStatus.SUPERSEDED, version, timezone.now()
        request.save(update_fields=["status", "superseded_by", "closed"])
        feed.record(workflow=workflow, kind="review.superseded", actor=user, version_number=request.version.number,
                    review=request, data={"by": version.number})
    return renames


def _renames(old: str, new: str) -> dict[str, str]:
    if workpool.large_text(old) or workpool.large_text(new):
        return workpool.run(_renames_of_texts, old, new, what="Finding renamed steps")
    return _renames_of_texts(old, new)


def _renames_of_texts(old: str, new: str) -> dict[str, str]:
    return state_renames(json.loads(old), json.loads(new))


def version_release(*, user: AbstractBaseUser, workflow: Workflow, version: Any) -> Release:
    """Mark an approved version as the released one: export and the hand-over bundle default to it."""
    access.require(user=user, workflow=workflow, action="release")
    target = selectors.version_named(workflow=workflow, number=version)
    summary = selectors.version_review(version=target)
    if summary is None or not summary["approved_by_all"] or summary["changes_requested"]:
        where = summary["label"] if summary else "not reviewed"
        raise InvalidInput(f"Only an approved version can be released; version {target.number} is {where}.",
                           field="version")
    current = selectors.version_released(workflow=workflow)
    if current is not None and current.pk == target.pk:
        return selectors.release_latest(workflow=workflow)
    with transaction.atomic():
        release = Release.objects.create(workflow=workflow, version=target, released_by=user)
        feed.record(workflow=workflow, kind="version.released", actor=user, version_number=target.number)
    return release
