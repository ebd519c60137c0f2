"""The printable review document of one version: what a reviewer signs off, on paper or as PDF.

Gathers, for one version: who saved it and when, where its review stands with each reviewer's
answer, whether it is the released version, the graph, the narrative, the open comment threads,
the test cases with their outcomes (the latest stored suite run of the version, or a run made for
the document), the version's problems, and, when asked, the changes since an earlier version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from interpreter.explain import Narrative

from .. import graph, selectors
from ..errors import DomainError
from ..models import Workflow, WorkflowVersion
from ..review import selectors as reviews
from ..simulation import engine
from ..suites import selectors as suites
from ..suites.services import run_cases, suite_cases
from . import graphs
from . import selectors as compare


@dataclass
class TestOutcomes:
    source: str                    # "stored" (a suite run of this version) or "document" (run for it)
    cases: list[dict] = field(default_factory=list)
    summary: str = ""
    when: Any = None
    by: str | None = None
    problem: str | None = None     # why none could run


@dataclass
class Thread:
    comment: Any
    replies: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        c = self.comment
        if c.edge_to:
            return f"the arrow from “{c.state_name}” to “{c.edge_to}”"
        return f"“{c.state_name}”" if c.state_name else "the whole workflow"


@dataclass
class ReviewStanding:
    summary: dict | None = None          # review's own summary: state, label, counts
    request: Any = None                  # the newest review request of this version
    answers: list = field(default_factory=list)
    released: bool = False


@dataclass
class ReviewDocument:
    workflow: Workflow
    version: WorkflowVersion
    narrative: Narrative
    svg: str
    tests: TestOutcomes
    review: ReviewStanding = field(default_factory=ReviewStanding)
    threads: list[Thread] = field(default_factory=list)
    changes: dict | None = None    # the compare report, when a diff was asked for
    diff_svg: str = ""
    earlier: list[WorkflowVersion] = field(default_factory=list)


def _outcomes(workflow: Workflow, version: WorkflowVersion) -> TestOutcomes:
    stored = suites.latest_by_version(workflow=workflow).get(version.pk)
    if stored is not None:
        run = suites.suite_run_list(workflow=workflow).filter(pk=stored.pk).first()
        return TestOutcomes("stored", run.results, run.summary, run.created,
                            run.started_by.username if run.started_by else None)
    pairs = suite_cases(workflow)
    if not pairs:
        return TestOutcomes("document", [], "no test cases")
    try:
        engine.machine_for(version)  # a version that cannot run says why here
    except DomainError as exc:
        return TestOutcomes("document", [], "", problem=exc.message)
    result = run_cases(version.definition_json, workflow, pairs)
    cases = []
    for (tc, _), outcome in zip(pairs, result.cases):
        cases.append({**outcome, "testCase": tc.pk})
    return TestOutcomes("document", cases, result.summary())


def _standing(workflow: Workflow, version: WorkflowVersion) -> ReviewStanding:
    request = reviews.review_list(workflow=workflow, version_number=version.number).first()
    released = reviews.version_released(workflow=workflow)
    return ReviewStanding(reviews.review_summary(request), request,
                          list(request.answers.all()) if request is not None else [],
                          released is not None and released.pk == version.pk)


def _open_threads(workflow: Workflow) -> list[Thread]:
    """Threads not resolved, first comments in the order they were started, replies under them."""
    threads: dict[int, Thread] = {}
    for comment in reviews.comment_list(workflow=workflow, open_only=True):
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment)
        elif comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return list(threads.values())


def review_document_get(*, user: AbstractBaseUser, workflow_id: int, number: int,
                        diff_from: int | None = None) -> ReviewDocument:
    workflow = selectors.workflow_get(user=user, workflow_id=workflow_id)
    selectors.require(user=user, workflow=workflow, action="read")
    version = selectors.version_get(workflow=workflow, number=number)
    doc = ReviewDocument(workflow, version, compare.version_narrative(version=version),
                         graph.render_svg(version.definition, version.problems), _outcomes(workflow, version),
                         earlier=[v for v in selectors.version_list(workflow=workflow) if v.number != number],
                         review=_standing(workflow, version), threads=_open_threads(workflow))
    if diff_from is not None:
        pair = compare.version_pair_get(user=user, workflow_id=workflow.pk, old_number=diff_from, new_number=number)
        d = compare.version_diff(pair=pair)
        doc.changes = compare.compare_report(pair=pair)
        union = graphs.union_definition(pair.old.definition, version.definition, d)
        layer = graphs.layers(d, pair.old.definition, version.definition, union)["union"]
        doc.diff_svg = graph.render_svg(union.definition, layers=[layer])
    return doc
