"""Reads: what a user may see, and the rows behind it. Access checks live here so no view forgets one."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from .errors import Forbidden, NotFound
from .models import Draft, Membership, Role, Workflow, WorkflowVersion


def workflow_list(*, user: AbstractBaseUser) -> QuerySet[Workflow]:
    """Workflows the user owns or is a member of."""
    if not user.is_authenticated:
        return Workflow.objects.none()
    return (Workflow.objects.filter(Q(owner=user) | Q(memberships__user=user))
            .distinct().select_related("owner"))


def workflow_get(*, user: AbstractBaseUser, workflow_id: int) -> Workflow:
    """The workflow, or NotFound: someone who may not see it must not learn that it exists."""
    try:
        return workflow_list(user=user).get(pk=workflow_id)
    except (Workflow.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such workflow.") from None


def workflow_role(*, user: AbstractBaseUser, workflow: Workflow) -> str | None:
    """'owner', 'editor', 'reviewer', 'viewer', or None for someone with no access."""
    if not user.is_authenticated:
        return None
    if workflow.owner_id == user.pk:
        return "owner"
    membership = Membership.objects.filter(workflow=workflow, user=user).first()
    return membership.role if membership else None


# Who may do what: the one table every page, API view and socket asks (through can/require).
# Roles from least to most: viewer, reviewer, editor, owner. A share link's holder is no role:
# the share pages read one version or run and nothing else (see designer/review/sharing.py).
OWNER, EDITOR, REVIEWER, VIEWER = "owner", Role.EDITOR.value, Role.REVIEWER.value, Role.VIEWER.value
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset({OWNER, EDITOR, REVIEWER, VIEWER}),         # the design, comments, runs, activity
    "comment": frozenset({OWNER, EDITOR, REVIEWER}),              # write, reply, edit and delete your own
    "answer_review": frozenset({OWNER, EDITOR, REVIEWER}),        # approve or request changes, when asked
    "resolve_comment": frozenset({OWNER, EDITOR}),                # resolve or reopen any thread
    "edit": frozenset({OWNER, EDITOR}),                           # change the design, save versions
    "control_runs": frozenset({OWNER, EDITOR}),                   # start, step, answer and stop runs
    "request_review": frozenset({OWNER, EDITOR}),
    "release": frozenset({OWNER, EDITOR}),                        # mark an approved version as released
    "share": frozenset({OWNER, EDITOR}),                          # make and revoke read-only links
    "manage_members": frozenset({OWNER}),
    "delete_workflow": frozenset({OWNER}),
}

# Said when someone may not: what they can do, and who can change it.
_REFUSALS = {
    "comment": "You can read this workflow but not comment on it: ask its owner to make you a reviewer.",
    "answer_review": "You can read this workflow but not review it: ask its owner to make you a reviewer.",
    "resolve_comment": "Only editors (and the person who started a thread) can resolve or reopen it.",
    "edit": "You can look at this workflow but not change it: ask its owner to make you an editor.",
    "control_runs": "You can watch runs of this workflow but not start or control them: "
                    "ask its owner to make you an editor.",
    "request_review": "Only editors can ask for a review: ask the workflow's owner to make you an editor.",
    "release": "Only editors can mark a version as released.",
    "share": "Only editors can make or revoke share links.",
    "manage_members": "Only the workflow's owner can manage its members.",
    "delete_workflow": "Only the workflow's owner can do this.",
}


def role_can(role: str | None, action: str) -> bool:
    assert action in PERMISSIONS, f"unknown action {action!r}: add it to selectors.PERMISSIONS"
    return role in PERMISSIONS[action]


def can(*, user: AbstractBaseUser, workflow: Workflow, action: str, role: str | None = None) -> bool:
    """Whether the user may do ``action`` on the workflow (pass ``role`` if already known)."""
    return role_can(role if role is not None else workflow_role(user=user, workflow=workflow), action)


def require(*, user: AbstractBaseUser, workflow: Workflow, action: str) -> str:
    """The user's role, or Forbidden saying what they may not do (NotFound if they may not even look)."""
    role = workflow_role(user=user, workflow=workflow)
    if role is None:
        raise NotFound("No such workflow.")
    if not role_can(role, action):
        raise Forbidden(_REFUSALS.get(action, "You may not do this."), action=action)
    return role


def permissions_of(role: str | None) -> dict[str, bool]:
    """Every action and whether the role may do it: what pages and the API tell the client."""
    return {action: role in roles for action, roles in PERMISSIONS.items()}


def can_edit(*, user: AbstractBaseUser, workflow: Workflow) -> bool:
    return can(user=user, workflow=workflow, action="edit")


def require_edit(*, user: AbstractBaseUser, workflow: Workflow) -> None:
    if not can_edit(user=user, workflow=workflow):
        raise Forbidden(_REFUSALS["edit"])


def require_owner(*, user: AbstractBaseUser, workflow: Workflow) -> None:
    if not can(user=user, workflow=workflow, action="manage_members"):
        raise Forbidden(_REFUSALS["delete_workflow"])


def version_list(*, workflow: Workflow) -> QuerySet[WorkflowVersion]:
    return workflow.versions.select_related("author").order_by("-number")


def version_latest(*, workflow: Workflow) -> WorkflowVersion | None:
    return workflow.versions.order_by("-number").first()


def version_get(*, workflow: Workflow, number: int) -> WorkflowVersion:
    try:
        return workflow.versions.select_related("author").get(number=number)
    except WorkflowVersion.DoesNotExist:
        raise NotFound(f"This workflow has no version {number}.") from None


def draft_get(*, workflow: Workflow, user: AbstractBaseUser) -> Draft | None:
    return Draft.objects.filter(workflow=workflow, user=user).first()


def membership_list(*, workflow: Workflow) -> QuerySet[Membership]:
    return workflow.memberships.select_related("user").order_by("user__username")


def workflow_roles(*, user: AbstractBaseUser, workflows) -> dict[int, str]:
    """The user's role on each of the given workflows, in two queries."""
    ids = [w.pk for w in workflows]
    roles = dict(Membership.objects.filter(user=user, workflow_id__in=ids).values_list("workflow_id", "role"))
    roles.update({w.pk: "owner" for w in workflows if w.owner_id == user.pk})
    return roles
