"""Redrive (AWS's ``RedriveExecution``) of a simulated run that FAILED, TIMED_OUT or was ABORTED.

The same run goes on: ``ExecutionRedriven`` and the re-entered states are appended to its event
log, its status is RUNNING again and the runner continues it. AWS's rules come first (not
EXPRESS, within 14 days of the end, under a year open, under the history cap: ``redrive_status``
in engine.py). Before it goes on, an editor may change the mocked answer of a step (the one that
failed, usually): the run's mock config gets that answer under a name of its own, and since the
mocks change, their call numbers start again at 0, as the CLI's ``--redrive-mock-config`` does.
Each redrive is recorded on the row (who, when, which answer they changed) for the page to say.
"""
from __future__ import annotations

import copy
import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from interpreter.definition import StateMachine
from interpreter.diagnostic import escape
from interpreter.errors import DefinitionError
from interpreter.execution import RUNNING, ExecutionNotRedrivable
from interpreter.limits import LimitExceeded, check_payload
from interpreter.mocks import Mocks, case_entries

from .. import selectors
from ..errors import DomainError, InvalidInput, TooLarge
from ..models import Execution, ExecutionEvent, ExecutionMode
from .engine import Update, advancing, callback_states, dumps, machine_for, mocks_for, persist, redrive_status

KEPT_REDRIVES = 20  # redrive records kept on the row; the count goes on past them
_ANSWER_KEYS = {"Return", "Throw", "Pending"}
_FAILED_STATUSES = ("failed", "aborted")


class NotRedrivable(DomainError):
    status_code = 409
    default_code = "not_redrivable"


class StillRunning(DomainError):
    status_code = 409
    default_code = "still_running"


def redrive_run(*, execution: Execution, user: AbstractBaseUser, mock_override: Any = None) -> Update:
    """Redrive the run, after giving ``mock_override["state"]`` the mocked answer
    ``mock_override["response"]`` (a Step Functions Local mocked response, keyed by call number;
    ``{"Return": ...}`` alone is the answer to the next call). Returns the Update to broadcast."""
    selectors.require(user=user, workflow=execution.workflow, action="control_runs")
    machine = machine_for(execution.version)
    override = _override(machine, execution, mock_override)
    with advancing(execution.pk) as (row, live):
        if live.run.status == RUNNING:
            raise StillRunning("The run is still running: only a run that failed, timed out or was aborted "
                               "can be redriven.", reason="Execution is RUNNING and cannot be redriven.")
        status = redrive_status(row)
        if status["redriveStatus"] != "REDRIVABLE":
            raise NotRedrivable(_words(status["redriveStatusReason"]), reason=status["redriveStatusReason"])
        fields: dict[str, Any] = {"mode": ExecutionMode.CONTINUING, "stop_reason": "", "runner_id": "",
                                  "error": "", "cause": "", "output_json": ""}
        mocks = None
        if override is not None:
            config, case = _with_answer(row, override)
            mocks = mocks_for(machine, config, case, row.manual_callbacks, row.unmocked)
            fields.update(mock_config_json=dumps(config), mock_test_case=case)
        try:
            events = live.run.redrive(mocks=mocks)
        except ExecutionNotRedrivable as e:
            raise NotRedrivable(_words(str(e)), reason=str(e)) from None
        record = {"count": live.run.redrive_count, "event": events[0].id if events else row.last_seq,
                  "at": timezone.now().isoformat(), "by": user.get_username() if user.is_authenticated else None,
                  "state": override[0] if override else None, "response": override[1] if override else None}
        fields["redrives"] = ((row.redrives or []) + [record])[-KEPT_REDRIVES:]
        fields["ended_at"] = None
        return persist(row, live, events, fields=fields)


def _words(reason: str | None) -> str:
    plain = {
        "Execution redrivable period exceeded.": "A run can be redriven for 14 days after it ends; this one ended earlier.",
        "Execution has exceeded the max execution time.": "The run has been open for a year, the most AWS allows.",
        "Execution history event limit exceeded.": "The run's history is full (25,000 events): there is no room to go on.",
        "Redrive is not supported for EXPRESS workflows.": "Express workflows cannot be redriven: start a new run.",
    }
    text = plain.get(reason or "", "This run cannot be redriven.")
    return f"{text} (AWS: {reason})" if reason else text


def _override(machine: StateMachine, execution: Execution, value: Any) -> tuple[str, dict] | None:
    """The (state, mocked response) to set, checked before the run is touched."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput('mock_override is {"state": <a Task step>, "response": <its mocked answer>}.',
                           field="mock_override")
    unknown = sorted(set(value) - {"state", "response"})
    if unknown:
        raise InvalidInput(f"mock_override has no field '{unknown[0]}': give state and response.",
                           field=f"mock_override.{unknown[0]}")
    state, response = value.get("state"), value.get("response")
    tasks = {name for program in machine.programs.values() for name, s in program.states.items() if s.type == "Task"}
    if not isinstance(state, str) or state not in tasks:
        raise InvalidInput(f"There is no Task step called {state!r} in this run's version: only a Task's answer "
                           "is mocked.", field="mock_override.state")
    if execution.manual_callbacks and state in callback_states(machine):
        raise InvalidInput(f"'{state}' waits for a person's answer in this run (callbacks are answered by hand), "
                           "so its mocked answer is not used.", field="mock_override.state")
    if isinstance(response, dict) and response and set(response) <= _ANSWER_KEYS:
        response = {"0": response}  # one answer: the next call's
    try:
        check_payload(response, "mocked answer")
    except LimitExceeded as e:
        raise TooLarge(str(e), field="mock_override.response", limit=e.limit, size=e.actual) from None
    except (TypeError, ValueError):
        raise InvalidInput("The mocked answer is not JSON.", field="mock_override.response") from None
    name = "answer"
    try:
        Mocks.from_config({"StateMachines": {"m": {"TestCases": {"c": {state: name}}}},
                           "MockedResponses": {name: response}}, None, None)
    except DefinitionError as e:
        first = e.diagnostics[0]
        where = first.pointer.removeprefix(f"/MockedResponses/{name}")
        raise InvalidInput(f"The mocked answer for '{state}': {first.message} For example "
                           '{"0": {"Return": {"ok": true}}} or {"0": {"Throw": {"Error": "Oops", "Cause": "Why"}}}.',
                           field="mock_override.response", pointer=where or "") from None
    return state, response


def _with_answer(execution: Execution, override: tuple[str, dict]) -> tuple[dict, str]:
    """The run's mock config with ``state`` answering ``response`` (under a name of its own, so that
    other steps sharing the old answer keep it), and the test case to read it with."""
    state, response = override
    config = copy.deepcopy(json.loads(execution.mock_config_json or "{}"))
    if config:
        try:
            machine, case, _ = case_entries(config, None, execution.mock_test_case or None)
        except DefinitionError as e:
            first = e.diagnostics[0]
            raise InvalidInput(f"The run's mock config cannot take the change: {first.message}",
                               pointer=first.pointer, field="mock_config") from None
    else:
        machine, case = "Simulation", execution.mock_test_case or "Redrive"
        config = {"StateMachines": {machine: {"TestCases": {case: {}}}}}
    if not isinstance(config.get("MockedResponses"), dict):
        config["MockedResponses"] = {}
    name = f"{state} (changed for redrive)"
    config["StateMachines"][machine]["TestCases"][case][state] = name
    config["MockedResponses"][name] = response
    return config, case


def redrive_options(*, execution: Execution) -> dict:
    """What the run page's redrive form offers: whether the run can be redriven, the Task steps
    that failed or were stopped (the one that failed last first) and each one's mocked answer now."""
    machine = machine_for(execution.version)
    tasks = {name for program in machine.programs.values() for name, s in program.states.items() if s.type == "Task"}
    hand = callback_states(machine) if execution.manual_callbacks else set()
    states = (execution.summary or {}).get("states") or {}
    failed = [name for name, entry in states.items()
              if name in tasks and name not in hand and entry.get("status") in _FAILED_STATUSES]
    order = {}
    if failed:
        for seq, step in (ExecutionEvent.objects.filter(execution_id=execution.pk, step__in=failed)
                          .order_by("-seq").values_list("seq", "step")[:2000]):
            order.setdefault(step, seq)
    failed.sort(key=lambda name: -order.get(name, 0))
    answers = _answers(execution)
    status = redrive_status(execution)
    return {"redriveStatus": status["redriveStatus"], "redriveStatusReason": status["redriveStatusReason"],
            "redriveCount": status["redriveCount"], "redrives": status["redrives"],
            "steps": [{"state": name, "response": answers[name][1] if name in answers else None,
                       "pointer": f"/MockedResponses/{escape(answers[name][0])}" if name in answers else None}
                      for name in failed]}


def _answers(execution: Execution) -> dict[str, tuple[str, Any]]:
    """Each mocked step's (mocked response name, response), as the run's config writes it."""
    try:
        config = json.loads(execution.mock_config_json or "{}")
        if not config:
            return {}
        _, _, case = case_entries(config, None, execution.mock_test_case or None)
    except (ValueError, DefinitionError):
        return {}
    mocked = config.get("MockedResponses") or {}
    out = {}
    for state, name in case.items():
        if isinstance(name, str) and name in mocked:
            out[state] = (name, mocked[name])
    return out
