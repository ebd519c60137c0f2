"""The workflow's activity log and its live feed.

Every review action is ``record``-ed as an ``Activity`` with the next number of its workflow
(the workflow's row is locked, so numbers are given in commit order and a reader never sees 7
before 6 commits). After the commit, the entry goes to the workflow's group as a frame (serialised
once for every page) and each person it concerns gets their new unread count. A page that
reconnects asks for the entries after the last number it has (``consumers.FeedConsumer``); each
frame carries the comment or review *as it is now*, so replaying frames in order leaves a page in
the same state as a fresh load, and a deleted comment's words are not sent again.

Frames (JSON): ``{"type": "activity", "seq", "entry": Activity, "comment"?: Comment,
"review"?: Review, "released"?: int}``; share-link pages get only comment entries.
"""
from __future__ import annotations

import json
import logging
from typing import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from .. import live
from ..models import Workflow
from . import selectors
from .models import Activity, Comment, Notification, ReviewRequest
from .serializers import ActivitySerializer, CommentSerializer, NotificationSerializer, ReviewSerializer

log = logging.getLogger(__name__)

SHARED_KINDS = ("comment.created", "comment.edited", "comment.deleted", "comment.resolved", "comment.reopened")


def feed_group(workflow_id: int) -> str:
    return f"review-feed.{int(workflow_id)}"


def user_group(user_id: int) -> str:
    return f"review-user.{int(user_id)}"


def record(*, workflow: Workflow, kind: str, actor: AbstractBaseUser | None, version_number: int | None = None,
           comment: Comment | None = None, review: ReviewRequest | None = None, data: dict | None = None,
           notify: Iterable[tuple[AbstractBaseUser | None, str]] = ()) -> Activity:
    """Append an entry to the workflow's log, notify the people it concerns (never the actor),
    and publish it after the commit."""
    with transaction.atomic():
        Workflow.objects.select_for_update().filter(pk=workflow.pk).first()
        entry = Activity.objects.create(
            workflow=workflow, seq=selectors.activity_last_seq(workflow_id=workflow.pk) + 1, kind=kind,
            actor=actor if actor is not None and actor.is_authenticated else None,
            version_number=version_number, comment=comment, review=review, data=data or {})
        notes, seen = [], set()
        for user, note_kind in notify:
            if user is None or user.pk in seen or (entry.actor_id and user.pk == entry.actor_id):
                continue
            seen.add(user.pk)
            notes.append(Notification(user=user, workflow=workflow, activity=entry, kind=note_kind))
        Notification.objects.bulk_create(notes)
        transaction.on_commit(lambda: publish(entry.pk), robust=True)
    return entry


def frame(entry: Activity, *, states: set[str] | None = None) -> dict:
    """The feed frame of an entry, with the comment or review it is about as they are now."""
    out: dict = {"type": "activity", "seq": entry.seq, "entry": ActivitySerializer(entry).data}
    if entry.comment_id:
        comment = Comment.objects.select_related("author", "version", "resolved_by").get(pk=entry.comment_id)
        if states is None:
            states = selectors.latest_state_names(entry.workflow)
        out["comment"] = CommentSerializer(comment, context={"states": states}).data
    if entry.review_id:
        out["review"] = ReviewSerializer(selectors.review_get(workflow=entry.workflow, review_id=entry.review_id)).data
    if entry.kind == "version.released":
        out["released"] = entry.version_number
    return out


def frames_after(*, workflow: Workflow, after: int, upto: int | None = None, shared_only: bool = False,
                 limit: int = 500) -> tuple[list[dict], int, bool]:
    """What a page that has seen ``after`` lacks (up to ``upto``): the frames of the next entries
    (at most ``limit`` entries), the number of the last entry read, and whether there are more."""
    entries = selectors.activity_after(workflow=workflow, after=after)
    if upto is not None:
        entries = entries.filter(seq__lte=upto)
    entries = list(entries[:limit])
    if shared_only:
        shown = [e for e in entries if e.kind in SHARED_KINDS]
    else:
        shown = entries
    states = selectors.latest_state_names(workflow) if any(e.comment_id for e in shown) else None
    last = entries[-1].seq if entries else after
    return [frame(e, states=states) for e in shown], last, len(entries) == limit


def dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def publish(entry_id: int) -> None:
    """After the commit: the frame to the workflow's pages, the unread counts to the people
    concerned, and (when on) e-mails."""
    entry = Activity.objects.select_related("workflow", "actor").get(pk=entry_id)
    live.send_now(feed_group(entry.workflow_id), {
        "type": "feed.activity", "seq": entry.seq, "text": dumps(frame(entry)), "shared": entry.kind in SHARED_KINDS})
    for note in Notification.objects.filter(activity=entry).select_related("user", "workflow", "activity__actor"):
        unread = selectors.notification_unread_count(user=note.user)
        live.send_now(user_group(note.user_id), {"type": "feed.notify", "text": dumps(
            {"type": "notification", "unread": unread, "notification": NotificationSerializer(note).data})})
        _email(note)


def _email(note: Notification) -> None:
    """Optional, through Django's e-mail backend (the console by default); never required."""
    if not getattr(settings, "STATEWISE_EMAIL_NOTIFICATIONS", False) or not note.user.email:
        return
    serialized = NotificationSerializer(note).data
    base = getattr(settings, "STATEWISE_BASE_URL", "").rstrip("/")
    try:
        send_mail(subject=f"[Statewise] {serialized['words']}"[:200],
                  message=f"{serialized['words']}\n\n{base}/inbox/{note.pk}/open/\n",
                  from_email=None, recipient_list=[note.user.email], fail_silently=False)
    except Exception:  # noqa: BLE001 - e-mail is a courtesy: the inbox has it either way
        log.warning("Could not e-mail notification %s to user %s", note.pk, note.user_id, exc_info=True)
