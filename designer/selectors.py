"""Reads: what a user may see, and the rows behind it. Access checks live here so no view forgets one."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from .errors import Forbidden, NotFound
from .models import Draft, Execution, ExecutionEvent, Membership, Role, TestCase, Workflow, WorkflowVersion


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
    """'owner', 'editor', 'viewer', or None for someone with no access."""
    if not user.is_authenticated:
        return None
    if workflow.owner_id == user.pk:
        return "owner"
    membership = Membership.objects.filter(workflow=workflow, user=user).first()
    return membership.role if membership else None


def can_edit(*, user: AbstractBaseUser, workflow: Workflow) -> bool:
    return workflow_role(user=user, workflow=workflow) in ("owner", Role.EDITOR)


def require_edit(*, user: AbstractBaseUser, workflow: Workflow) -> None:
    if not can_edit(user=user, workflow=workflow):
        raise Forbidden("You can look at this workflow but not change it: ask its owner to make you an editor.")


def require_owner(*, user: AbstractBaseUser, workflow: Workflow) -> None:
    if workflow.owner_id != user.pk:
        raise Forbidden("Only the workflow's owner can do this.")


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


# --- simulation -----------------------------------------------------------------------------

def execution_get(*, user: AbstractBaseUser, execution_id: int) -> Execution:
    """A run of a workflow the user can see, or NotFound (whether it exists or not)."""
    try:
        return (Execution.objects.select_related("workflow", "version", "test_case", "started_by")
                .get(pk=execution_id, workflow__in=workflow_list(user=user)))
    except (Execution.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such execution.") from None


def execution_list(*, workflow: Workflow) -> QuerySet[Execution]:
    return workflow.executions.select_related("version", "test_case", "started_by").order_by("-created", "-id")


def execution_events_after(*, execution: Execution, after: int = 0, limit: int | None = None,
                           upto: int | None = None) -> QuerySet[ExecutionEvent]:
    """Events with seq > after (and <= upto), oldest first: what a client that has seen ``after`` lacks."""
    events = execution.events.filter(seq__gt=after)
    if upto is not None:
        events = events.filter(seq__lte=upto)
    events = events.order_by("seq")
    return events[:limit] if limit is not None else events


def test_case_list(*, workflow: Workflow) -> QuerySet[TestCase]:
    return workflow.test_cases.order_by("name")


def test_case_get(*, workflow: Workflow, test_case_id: int) -> TestCase:
    try:
        return workflow.test_cases.get(pk=test_case_id)
    except (TestCase.DoesNotExist, ValueError, TypeError):
        raise NotFound("This workflow has no such test case.", field="test_case") from None
