"""Simulated runs: reads. Only what the user may see; a run of a workflow they cannot see is
NotFound, whether it exists or not."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from ..errors import NotFound
from ..models import Execution, ExecutionEvent, TestCase, Workflow
from ..selectors import workflow_list


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
