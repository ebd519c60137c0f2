"""Writes on comments: write, reply, edit and delete your own, resolve and reopen threads, and
anchors following renamed steps. Each service checks who is asking first (``designer.selectors``)."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .. import selectors as access
from ..errors import Forbidden, InvalidInput
from ..models import Membership, Workflow, WorkflowVersion
from . import feed, selectors, text
from .models import Anchor, Comment, EdgeKind, NotificationKind

MAX_NAME = 200


def _version(workflow: Workflow, number: Any) -> WorkflowVersion:
    if number is None:
        version = access.version_latest(workflow=workflow)
        if version is None:
            raise InvalidInput("This workflow has no saved version to comment on.", field="version")
        return version
    return selectors.version_named(workflow=workflow, number=number)


def _name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{field} must be the name of a step.", field=field)
    if len(value) > MAX_NAME:
        raise InvalidInput(f"{field} is longer than any step name can be ({MAX_NAME} characters).", field=field)
    return value


def _anchor(version: WorkflowVersion, state: Any, edge: Any) -> dict:
    """The anchor's fields, checked against the version: the step (and the arrow) must be there."""
    if state is not None and edge is not None:
        raise InvalidInput("Pin a comment to a step or to an arrow, not both.", field="edge")
    graph = selectors.transitions(version.definition)
    if state is not None:
        name = _name(state, "state")
        if name not in graph:
            raise InvalidInput(f"Version {version.number} has no step called “{name}”.", field="state")
        return {"anchor": Anchor.STATE, "state_name": name}
    if edge is not None:
        if not isinstance(edge, dict):
            raise InvalidInput("edge must be an object with source, to and kind.", field="edge")
        source, to = _name(edge.get("source"), "edge.source"), _name(edge.get("to"), "edge.to")
        kind = edge.get("kind", EdgeKind.NEXT)
        if kind not in EdgeKind.values:
            raise InvalidInput(f"edge.kind must be one of {', '.join(EdgeKind.values)}.", field="edge.kind")
        if source not in graph:
            raise InvalidInput(f"Version {version.number} has no step called “{source}”.", field="edge.source")
        if (kind, to) not in graph[source]:
            raise InvalidInput(f"In version {version.number}, “{source}” has no {EdgeKind(kind).label!r} arrow to "
                               f"“{to}”.", field="edge.to")
        return {"anchor": Anchor.EDGE, "state_name": source, "edge_to": to, "edge_kind": kind}
    return {"anchor": Anchor.WORKFLOW}


def _members_named(workflow: Workflow, names: list[str]) -> list[AbstractBaseUser]:
    """The members (the owner included) among the @names: only they are told."""
    if not names:
        return []
    found = [m.user for m in Membership.objects.select_related("user").filter(workflow=workflow,
                                                                              user__username__in=names)]
    if workflow.owner.username in names:
        found.append(workflow.owner)
    return found


def _about(comment: Comment) -> dict:
    data = {"anchor": comment.anchor, "thread": comment.parent_id or comment.pk}
    if comment.anchor != Anchor.WORKFLOW:
        data["state"] = comment.state_name
    if comment.anchor == Anchor.EDGE:
        data["edge_to"] = comment.edge_to
    return data


def comment_create(*, user: AbstractBaseUser, workflow: Workflow, text_: Any, version: Any = None,
                   state: Any = None, edge: Any = None, parent: Any = None) -> Comment:
    """A new thread pinned to a step, an arrow or the workflow, or (with ``parent``) a reply in
    the thread, which takes the thread's anchor."""
    access.require(user=user, workflow=workflow, action="comment")
    body = text.clean(text_)
    written_on = _version(workflow, version)
    root = None
    if parent is not None:
        root = selectors.comment_get(workflow=workflow, comment_id=parent, field="parent")
        root = root.parent or root  # a reply to a reply joins the same thread
        anchor = {"anchor": root.anchor, "state_name": root.state_name, "edge_to": root.edge_to,
                  "edge_kind": root.edge_kind}
    else:
        anchor = _anchor(written_on, state, edge)
    mentioned = _members_named(workflow, text.mentioned_names(body))
    with transaction.atomic():
        comment = Comment.objects.create(
            workflow=workflow, parent=root, version=written_on, author=user, text=body,
            mentions=[u.username for u in mentioned], written_state_name=anchor.get("state_name", ""),
            written_edge_to=anchor.get("edge_to", ""), **anchor)
        notify = [(u, NotificationKind.MENTIONED) for u in mentioned]
        if root is not None:
            notify.append((root.author, NotificationKind.REPLIED))
        feed.record(workflow=workflow, kind="comment.created", actor=user, version_number=written_on.number,
                    comment=comment, data={**_about(comment), "reply": root is not None}, notify=notify)
    return comment


def _own(user: AbstractBaseUser, comment: Comment, doing: str) -> None:
    access.require(user=user, workflow=comment.workflow, action="comment")
    if comment.author_id != user.pk:
        raise Forbidden(f"You can only {doing} your own comments.")
    if comment.deleted:
        raise InvalidInput("This comment was deleted.", field="comment")


def comment_edit(*, user: AbstractBaseUser, comment: Comment, text_: Any) -> Comment:
    _own(user, comment, "edit")
    body = text.clean(text_)
    if body == comment.text:
        return comment
    before = set(comment.mentions)
    mentioned = _members_named(comment.workflow, text.mentioned_names(body))
    with transaction.atomic():
        comment.text, comment.edited = body, timezone.now()
        comment.mentions = [u.username for u in mentioned]
        comment.save(update_fields=["text", "edited", "mentions"])
        feed.record(workflow=comment.workflow, kind="comment.edited", actor=user,
                    version_number=comment.version.number, comment=comment, data=_about(comment),
                    notify=[(u, NotificationKind.MENTIONED) for u in mentioned if u.username not in before])
    return comment


def comment_delete(*, user: AbstractBaseUser, comment: Comment) -> Comment:
    """The words go; the comment's place in its thread stays ("comment deleted"), and so do replies."""
    _own(user, comment, "delete")
    with transaction.atomic():
        comment.text, comment.mentions, comment.deleted = "", [], timezone.now()
        comment.save(update_fields=["text", "mentions", "deleted"])
        feed.record(workflow=comment.workflow, kind="comment.deleted", actor=user,
                    version_number=comment.version.number, comment=comment, data=_about(comment))
    return comment


def _thread_action(user: AbstractBaseUser, comment: Comment) -> Comment:
    root = comment.parent or comment
    role = access.require(user=user, workflow=comment.workflow, action="read")
    if not access.role_can(role, "resolve_comment") and not (
            root.author_id == user.pk and access.role_can(role, "comment")):
        access.require(user=user, workflow=comment.workflow, action="resolve_comment")
    return root


def comment_resolve(*, user: AbstractBaseUser, comment: Comment) -> Comment:
    root = _thread_action(user, comment)
    if root.resolved:
        return root
    with transaction.atomic():
        root.resolved, root.resolved_by = timezone.now(), user
        root.save(update_fields=["resolved", "resolved_by"])
        feed.record(workflow=root.workflow, kind="comment.resolved", actor=user, version_number=root.version.number,
                    comment=root, data=_about(root), notify=[(root.author, NotificationKind.RESOLVED)])
    return root


def comment_reopen(*, user: AbstractBaseUser, comment: Comment) -> Comment:
    root = _thread_action(user, comment)
    if not root.resolved:
        return root
    with transaction.atomic():
        root.resolved, root.resolved_by = None, None
        root.save(update_fields=["resolved", "resolved_by"])
        feed.record(workflow=root.workflow, kind="comment.reopened", actor=user, version_number=root.version.number,
                    comment=root, data=_about(root), notify=[(root.author, NotificationKind.REOPENED)])
    return root


def comments_follow_renames(*, workflow: Workflow, renames: dict[str, str]) -> int:
    """Move anchors from old step names to new ones (after a version renamed steps). Two passes
    through temporary names are not needed: each row is rewritten from its own old value."""
    if not renames:
        return 0
    moved = 0
    for comment in workflow.comments.filter(state_name__in=list(renames)) | workflow.comments.filter(
            edge_to__in=list(renames)):
        comment.state_name = renames.get(comment.state_name, comment.state_name)
        comment.edge_to = renames.get(comment.edge_to, comment.edge_to) if comment.edge_to else ""
        comment.save(update_fields=["state_name", "edge_to"])
        moved += 1
    return moved
