"""Reads for comparing and explaining versions. Versions never change, so what is worked out from
them is kept (by the versions' ids and texts) and computed once per process."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from interpreter.compare import Diff, diff
from interpreter.compare.report import diff_report
from interpreter.explain import Narrative, explain

from .. import selectors
from ..kept import Kept, version_key
from ..errors import DomainError, InvalidInput
from ..glossary.selectors import glossary_applied, glossary_stored
from ..models import Workflow, WorkflowVersion
from ..suites import compute
from ..suites.services import suite_cases

CACHE_SIZE = 128
DEADLINE_SECONDS = 10.0   # all of them together; each one has the runner's own bound


class DifferentWorkflows(DomainError):
    status_code = 400
    default_code = "different_workflows"


@dataclass(frozen=True)
class VersionPair:
    workflow: Workflow
    old: WorkflowVersion
    new: WorkflowVersion

    @property
    def title(self) -> str:
        return f"Compare v{self.old.number} with v{self.new.number}"


_diffs, _reports, _narratives, _behaviours = Kept(CACHE_SIZE), Kept(CACHE_SIZE), Kept(CACHE_SIZE), Kept(32)


def _key(*versions: WorkflowVersion) -> tuple:
    return tuple(version_key(v) for v in versions)


def number_param(value: Any, field: str) -> int:
    """A version number from a query string."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise InvalidInput(f"Say which version to compare: '{field}' is missing.", field=field)
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise InvalidInput(f"'{field}' must be a version number such as 3, not '{text[:40]}'.", field=field)
    return int(text)


def version_pair_get(*, user: AbstractBaseUser, workflow_id: int, old_number: int, new_number: int,
                     new_workflow_id: int | None = None) -> VersionPair:
    """The two versions to compare, both of one workflow the user may read."""
    workflow = selectors.workflow_get(user=user, workflow_id=workflow_id)
    selectors.require(user=user, workflow=workflow, action="read")
    if new_workflow_id is not None and new_workflow_id != workflow.pk:
        other = selectors.workflow_get(user=user, workflow_id=new_workflow_id)  # 404 if it cannot be seen
        raise DifferentWorkflows(f"Versions of different workflows cannot be compared: “{workflow.name}” and "
                                 f"“{other.name}” are two workflows. Compare two versions of one of them.",
                                 field="to_workflow")
    old = selectors.version_get(workflow=workflow, number=old_number)
    new = selectors.version_get(workflow=workflow, number=new_number)
    return VersionPair(workflow, old, new)


def version_diff(*, pair: VersionPair) -> Diff:
    return _diffs.get(_key(pair.old, pair.new), lambda: diff(pair.old.definition, pair.new.definition))


def _version_info(version: WorkflowVersion) -> dict:
    return {"number": version.number, "message": version.message,
            "author": version.author.username if version.author else None,
            "created": version.created.isoformat(), "isValid": version.is_valid, "problems": version.problems}


def compare_report(*, pair: VersionPair) -> dict:
    """The structural diff for people and programs, with each version's problems (a version that
    does not validate is compared all the same)."""
    def make() -> dict:
        report = diff_report(pair.old.definition, pair.new.definition, version_diff(pair=pair))
        return {"workflow": {"id": pair.workflow.pk, "name": pair.workflow.name}, "title": pair.title,
                "from": _version_info(pair.old), "to": _version_info(pair.new), **report}
    return _reports.get(_key(pair.old, pair.new), make)


def version_narrative(*, version: WorkflowVersion) -> Narrative:
    """In the workflow's own words for its data (its glossary, as the graph's labels use it)."""
    stored = glossary_stored(workflow_id=version.workflow_id)
    return _narratives.get(_key(version) + tuple(sorted(stored.items())),
                           lambda: explain(version.definition, glossary_applied(version.definition, stored)))


def narrative_get(*, user: AbstractBaseUser, workflow_id: int, number: int) -> tuple[WorkflowVersion, Narrative]:
    workflow = selectors.workflow_get(user=user, workflow_id=workflow_id)
    selectors.require(user=user, workflow=workflow, action="read")
    version = selectors.version_get(workflow=workflow, number=number)
    return version, version_narrative(version=version)


def behaviour_report(*, pair: VersionPair) -> dict:
    """Every saved test case of the workflow run against both versions (kept until a version or
    a test case changes: versions never do, test cases are keyed by their content)."""
    cases = suite_cases(pair.workflow)  # the suites' test cases, expectations included
    content = hashlib.sha1(repr([(tc.pk, c.name, tc.input_json, tc.mock_config_json, c.mock_test_case, c.spec)
                                 for tc, c in cases]).encode("utf-8")).hexdigest()

    def make() -> dict:
        result = compute.behaviour(pair.old.definition, pair.new.definition, [case for _, case in cases],
                                   renames=version_diff(pair=pair).renames, old_label=f"v{pair.old.number}",
                                   new_label=f"v{pair.new.number}", deadline=DEADLINE_SECONDS)
        body = {"title": pair.title, "from": pair.old.number, "to": pair.new.number, **result}
        for (tc, _), entry in zip(cases, body["cases"]):
            entry["testCaseId"] = tc.pk
        return body
    return _behaviours.get(_key(pair.old, pair.new) + (content,), make)
