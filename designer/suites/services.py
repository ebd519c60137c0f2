"""Suites: the writes. Set a test case's expectations, run a suite, open a case in the simulator,
save a test case with its expectations (a suggestion accepted in one click).

A suite runs in the interpreter directly: no execution rows are written unless a case is
opened, which replays it as the suite ran it (same input, mocks, answers, seed and start time).
"""
from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from interpreter.definition import StateMachine, parse
from interpreter.errors import DefinitionError
from interpreter.limits import DATA_DEPTH, depth_within
from interpreter.testing.checks import describe
from interpreter.testing.runner import SEED, START_TIME, Case, Limits, drive
from interpreter.testing.spec import read_spec, state_problems

from .. import selectors
from ..errors import InvalidInput, NotFound
from ..models import TestCase, Workflow, WorkflowType, WorkflowVersion
from ..review import feed
from ..simulation import engine
from ..simulation.services import execution_start, machine_name, test_case_create
from . import compute
from .models import CaseSpec, SuiteRun

MAX_CASES = 500            # test cases one suite runs
SUITE_SECONDS = 60.0       # a whole suite's work; the cases left are reported as not run
SUGGEST_SECONDS = 10.0
MAX_SPEC_BYTES = 262_144


def _states(machine: StateMachine) -> set[str]:
    return {name for program in machine.programs.values() for name in program.states}


def read_expectations(data: Any, machine: StateMachine | None) -> dict:
    """``data`` checked as a spec (and against ``machine``'s states): its JSON, or InvalidInput
    naming the field by JSON Pointer."""
    if not depth_within(data, DATA_DEPTH):
        raise InvalidInput(f"Expectations nest at most {DATA_DEPTH} levels deep.", field="expectations")
    if len(json.dumps(data)) > MAX_SPEC_BYTES:
        raise InvalidInput(f"Expectations are at most {MAX_SPEC_BYTES:,} bytes of JSON.", field="expectations")
    spec, problems = read_spec(data)
    if machine is not None:
        problems += state_problems(spec, _states(machine))
    if problems:
        first = problems[0]
        raise InvalidInput(first.message, pointer=first.pointer, field="expectations" + first.pointer,
                           problems=[d.as_dict() for d in problems])
    return spec.as_json()


def _latest_machine(workflow: Workflow) -> StateMachine | None:
    version = selectors.version_latest(workflow=workflow)
    if version is None:
        return None
    try:
        return engine.machine_for(version)
    except InvalidInput:
        return None  # a version that cannot run: check the expectations' shape only


def expectations_set(*, user: AbstractBaseUser, test_case: TestCase, expectations: Any) -> CaseSpec:
    selectors.require_edit(user=user, workflow=test_case.workflow)
    spec = read_expectations(expectations, _latest_machine(test_case.workflow))
    row, _ = CaseSpec.objects.update_or_create(test_case=test_case, defaults={
        "spec_json": json.dumps(spec, ensure_ascii=False), "updated_by": user})
    return row


def test_case_with_expectations_create(*, user: AbstractBaseUser, workflow: Workflow, name: str, input: Any,
                                       mock_config: Any, mock_test_case: str, expectations: Any) -> TestCase:
    """A new test case and its expectations at once: a suggested test case saved in one click."""
    spec = read_expectations(expectations, _latest_machine(workflow))
    with transaction.atomic():
        tc = test_case_create(user=user, workflow=workflow, name=name, input=input, mock_config=mock_config,
                              mock_test_case=mock_test_case)
        CaseSpec.objects.create(test_case=tc, spec_json=json.dumps(spec, ensure_ascii=False), updated_by=user)
    return tc


test_case_with_expectations_create.__test__ = False


# --- running -----------------------------------------------------------------------------------

def suite_cases(workflow: Workflow) -> list[tuple[TestCase, Case]]:
    rows = list(workflow.test_cases.select_related("spec").order_by("name")[:MAX_CASES + 1])
    if len(rows) > MAX_CASES:
        raise InvalidInput(f"A suite runs at most {MAX_CASES} test cases; this workflow has more.", field="workflow")
    out = []
    for tc in rows:
        spec_row = getattr(tc, "spec", None)
        spec, _ = read_spec(spec_row.spec if spec_row is not None else None)
        config = tc.mock_config or None
        out.append((tc, Case(tc.name, tc.input, spec, config, tc.mock_test_case or tc.name)))
    return out


def run_cases(definition: Any, workflow: Workflow, pairs: list[tuple[TestCase, Case]]) -> compute.SuiteOutcome:
    """The cases against the definition (its JSON text or value, already known to parse), in a
    child process: each case's result as JSON, and the coverage."""
    return compute.suite(definition, [case for _, case in pairs], budget=SUITE_SECONDS,
                         state_machine_name=machine_name(workflow.name),
                         express=workflow.workflow_type == WorkflowType.EXPRESS)


SHOWN_PATH = 1000          # steps of a case's path kept with its result (the run itself has them all)
SHOWN_OUTPUT_BYTES = 32_768


def _shown(result: dict) -> dict:
    """A case's result as stored and shown: a runaway path and a large output are cut, saying so
    (opening the case in the simulator shows them whole)."""
    path = result.get("path") or []
    if len(path) > SHOWN_PATH:
        result["path"] = path[:SHOWN_PATH]
        result["pathCut"] = len(path)
    if "output" in result and len(json.dumps(result["output"])) > SHOWN_OUTPUT_BYTES:
        result["outputCut"] = len(json.dumps(result.pop("output")))
    return result


def suite_run(*, user: AbstractBaseUser, workflow: Workflow, version_number: int | None = None) -> SuiteRun:
    """Every test case of the workflow against a version (default: the latest), stored."""
    selectors.require(user=user, workflow=workflow, action="control_runs")
    version = (selectors.version_get(workflow=workflow, number=version_number) if version_number is not None
               else selectors.version_latest(workflow=workflow))
    if version is None:
        raise InvalidInput("This workflow has no version to test.", field="version")
    engine.machine_for(version)  # a version that cannot run says why here
    pairs = suite_cases(workflow)
    result = run_cases(version.definition_json, workflow, pairs)
    cases = []
    for (tc, case), outcome in zip(pairs, result.cases):
        data = _shown(outcome)
        data["testCase"] = tc.pk
        data["words"] = describe(case.spec)
        data["ran"] = {"input": case.input, "mockConfig": case.mock_config, "mockTestCase": case.mock_test_case,
                       "expectations": case.spec.as_json()}
        cases.append(data)
    with transaction.atomic():
        run = SuiteRun.objects.create(workflow=workflow, version=version, started_by=user, passed=result.passed,
                                      total=result.total, seconds=result.seconds,
                                      results_json=json.dumps(cases, ensure_ascii=False),
                                      coverage_json=json.dumps(result.coverage, ensure_ascii=False))
        # In the workflow's log and feed, so every open page's review bar shows the new outcome.
        feed.record(workflow=workflow, kind="suite.ran", actor=user, version_number=version.number,
                    data={"suiteRun": run.pk, "passed": run.passed, "total": run.total, "summary": run.summary})
    return run


def suite_try(*, user: AbstractBaseUser, workflow: Workflow, definition: Any) -> dict:
    """The suite against a definition not saved yet (the editor's changes): nothing is stored."""
    selectors.require(user=user, workflow=workflow, action="control_runs")
    try:
        parse(definition)
    except DefinitionError as e:
        first = e.diagnostics[0]
        raise InvalidInput(f"These changes cannot run yet: {first.message}", pointer=first.pointer,
                           field="definition") from None
    pairs = suite_cases(workflow)
    result = run_cases(definition, workflow, pairs)
    cases = []
    for (tc, case), outcome in zip(pairs, result.cases):
        data = _shown(outcome)
        data.update(testCase=tc.pk, words=describe(case.spec))
        cases.append(data)
    return {"version": None, "passed": result.passed, "total": result.total, "summary": result.summary(),
            "seconds": round(result.seconds, 6), "cases": cases, "coverage": result.coverage}


def case_open(*, user: AbstractBaseUser, suite: SuiteRun, index: int):
    """The simulator's run of one case of a suite, as the suite ran it; made the first time it is
    asked for, the same run afterwards."""
    selectors.require(user=user, workflow=suite.workflow, action="control_runs")
    with transaction.atomic():
        suite = SuiteRun.objects.select_for_update().get(pk=suite.pk)
        results = suite.results
        if not isinstance(index, int) or not 0 <= index < len(results):
            raise NotFound("This suite run has no such test case.")
        entry = results[index]
        existing = entry.get("execution")
        if existing and suite.workflow.executions.filter(pk=existing).exists():
            return suite.workflow.executions.get(pk=existing), None
        ran = entry.get("ran") or {}
        spec, _ = read_spec(ran.get("expectations"))
        test_case = suite.workflow.test_cases.filter(pk=entry.get("testCase")).first()
        execution, _ = execution_start(
            user=user, workflow=suite.workflow, version_number=suite.version.number, input=ran.get("input") or {},
            test_case_id=test_case.pk if test_case else None, mock_config=ran.get("mockConfig") or {},
            mock_test_case=ran.get("mockTestCase") or "", manual_callbacks=False, seed=SEED, start_time=START_TIME)
        with engine.advancing(execution.pk) as (row, live):
            drive(live.run, spec, Limits())
            update = engine.persist(row, live, list(live.run.events), fields={"stop_reason": "replayed from a suite"})
        entry["execution"] = execution.pk
        suite.results_json = json.dumps(results, ensure_ascii=False)
        suite.save(update_fields=["results_json"])
    execution.refresh_from_db()
    return execution, update


def suggestions_for(*, user: AbstractBaseUser, workflow: Workflow, version: WorkflowVersion) -> dict:
    """Test cases that would take what the saved ones do not, each run before it is offered."""
    selectors.require(user=user, workflow=workflow, action="read")
    engine.machine_for(version)  # a version that cannot run says why here
    return compute.suggestions(version.definition_json, [case for _, case in suite_cases(workflow)],
                               budget=SUGGEST_SECONDS, state_machine_name=machine_name(workflow.name),
                               express=workflow.workflow_type == WorkflowType.EXPRESS)


def expectations_rename(*, workflow: Workflow, renames: dict[str, str]) -> int:
    """Renamed steps followed into every test case's expectations (for the save that renames
    them, inside its transaction); returns how many changed."""
    from interpreter.testing.spec import rename_states

    changed = 0
    for row in CaseSpec.objects.select_for_update().filter(test_case__workflow=workflow):
        new = rename_states(row.spec, renames)
        if new != row.spec:
            row.spec_json = json.dumps(new, ensure_ascii=False)
            row.save(update_fields=["spec_json", "updated"])
            changed += 1
    return changed
