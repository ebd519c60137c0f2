"""Suites: the reads. The latest suite run of each version, a test case's expectations."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .. import selectors
from ..errors import NotFound
from ..models import TestCase, Workflow
from .models import CaseSpec, SuiteRun


def expectations_of(test_case: TestCase) -> dict:
    row = CaseSpec.objects.filter(test_case=test_case).first()
    return row.spec if row is not None else {}


def latest_by_version(*, workflow: Workflow) -> dict[int, SuiteRun]:
    """The newest suite run of each version, by version id (one query)."""
    out: dict[int, SuiteRun] = {}
    rows = (SuiteRun.objects.filter(workflow=workflow).order_by("version_id", "-created", "-id")
            .only("id", "version_id", "passed", "total", "created", "seconds"))
    for run in rows:
        out.setdefault(run.version_id, run)
    return out


def suite_run_list(*, workflow: Workflow, version_number: int | None = None):
    rows = SuiteRun.objects.filter(workflow=workflow).select_related("version", "started_by")
    if version_number is not None:
        rows = rows.filter(version__number=version_number)
    return rows.order_by("-created", "-id")


def suite_run_get(*, user: AbstractBaseUser, workflow: Workflow, suite_run_id: int) -> SuiteRun:
    selectors.require(user=user, workflow=workflow, action="read")
    try:
        return SuiteRun.objects.select_related("version", "workflow").get(pk=suite_run_id, workflow=workflow)
    except (SuiteRun.DoesNotExist, ValueError, TypeError):
        raise NotFound("This workflow has no such suite run.") from None


def version_tests(*, version) -> dict | None:
    """The outcome of the version's newest suite run, for the review bar and review requests
    ("Test cases: 12/12 pass"); None when the suite was never run on this version."""
    run = (SuiteRun.objects.filter(version=version).order_by("-created", "-id")
           .only("id", "passed", "total", "created").first())
    if run is None:
        return None
    return {"suiteRun": run.pk, "passed": run.passed, "total": run.total, "summary": run.summary,
            "created": run.created.isoformat()}
