"""Simulated runs: the writes people make. Start, step, continue, pause, breakpoints, speed,
callbacks, abort; saved test cases.

Each write checks that the user may control the run, then acts through ``engine.advancing`` and
returns the :class:`~.engine.Update` for its caller to broadcast after the commit. Continuing runs
are advanced batch by batch by ``runner.py``, not here.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from interpreter.definition import StateMachine
from interpreter.errors import DefinitionError
from interpreter.execution import RUNNING, Execution as Interpreter, InvalidToken
from interpreter.inspection import EventSteps
from interpreter.limits import TASK_CAUSE_CHARS, TASK_ERROR_CHARS, LimitExceeded, check_payload
from interpreter.mocks import Mocks
from interpreter.workflow_type import express_problems

from .. import selectors
from ..errors import DomainError, InvalidInput, TooLarge
from ..maprun import store as maprun_store
from ..models import Execution, ExecutionMode, TestCase, UnmockedAnswer, Workflow, WorkflowType
from .engine import (Live, Update, advancing, dumps, machine_for, mocks_for, mocks_for_text, persist,
                     waiting_for_person)
from .selectors import test_case_get

MAX_SPEED = 1000.0
MAX_BREAKPOINTS = 500
STEP_CHILD_MOVES = 1  # Distributed Map children a step moves while the parent waits for them


class NothingToDo(DomainError):
    status_code = 409
    default_code = "nothing_to_do"


class NotRunning(DomainError):
    status_code = 409
    default_code = "not_running"


_UNSET = object()


def _payload(value: Any, what: str, field: str) -> None:
    """AWS's 256 KiB quota on execution input and callback output, checked before anything starts."""
    try:
        check_payload(value, what)
    except LimitExceeded as e:
        raise TooLarge(str(e), field=field, limit=e.limit, size=e.actual) from None
    except (TypeError, ValueError):  # NaN or Infinity: not JSON, so no payload
        raise InvalidInput(f"The {what} is not JSON (NaN and Infinity are not JSON numbers).", field=field) from None


def _require_control(user: AbstractBaseUser, execution: Execution) -> None:
    selectors.require(user=user, workflow=execution.workflow, action="control_runs")


def execution_start(*, user: AbstractBaseUser, workflow: Workflow, version_number: int | None = None,
                    input: Any = _UNSET, test_case_id: int | None = None, mock_config: dict | None = None,
                    mock_test_case: str | None = None, manual_callbacks: bool = True, seed: int | None = None,
                    breakpoints: list[str] | None = None, speed: float = 0,
                    start_time: int | None = None, workflow_type: str | None = None,
                    unmocked: str = "fail") -> tuple[Execution, Update]:
    """A new run of a version (default: the latest), with an input and the mocks of a saved test
    case or of a config given here. With ``manual_callbacks`` (the default) ``.waitForTaskToken``
    tasks wait for a person whatever the mocks say. ``workflow_type`` (default: the workflow's)
    EXPRESS refuses what AWS refuses to create as an Express state machine, and runs as one.
    ``unmocked`` says what a Task nobody mocked answers (``interpreter/unmocked.py``); it is kept
    with the run."""
    selectors.require(user=user, workflow=workflow, action="control_runs")
    version = (selectors.version_get(workflow=workflow, number=version_number) if version_number is not None
               else selectors.version_latest(workflow=workflow))
    if version is None:
        raise InvalidInput("This workflow has no version to run.", field="version")
    test_case = None
    if test_case_id is not None:
        test_case = test_case_get(workflow=workflow, test_case_id=test_case_id)
    if input is _UNSET:
        input = test_case.input if test_case else {}
    _payload(input, "execution input", "input")
    # A saved test case's config is kept as its stored text: read (in a child when large) only
    # into the mocks, and stored with the run as it is.
    config = mock_config if mock_config is not None else (None if test_case else {})
    case_name = mock_test_case if mock_test_case is not None else (
        (test_case.mock_test_case or test_case.name) if test_case else "")
    if config is not None and not isinstance(config, dict):
        raise InvalidInput("mock_config must be a JSON object (a Step Functions Local mock config).",
                           field="mock_config")
    workflow_type = workflow_type or workflow.workflow_type
    if workflow_type not in WorkflowType.values:
        raise InvalidInput("The workflow type is STANDARD or EXPRESS.", field="type")
    problems = express_problems(version.definition, workflow_type)
    if problems:
        raise InvalidInput(problems[0].message, pointer=problems[0].pointer, field="type",
                           problems=[p.as_dict() for p in problems])
    if unmocked not in UnmockedAnswer.values:
        raise InvalidInput(f"unmocked is one of {', '.join(UnmockedAnswer.values)}.", field="unmocked")
    machine = machine_for(version)
    if config is None:
        config_json = test_case.mock_config_json
        mocks = mocks_for_text(machine, config_json, case_name, manual_callbacks, unmocked)
    else:
        config_json = dumps(config)
        mocks = mocks_for(machine, config, case_name, manual_callbacks, unmocked)
    bps = _breakpoints(machine, breakpoints or [])
    speed = _speed(speed)
    seed = seed if seed is not None else random.SystemRandom().getrandbits(62)
    run = Interpreter(machine, input, mocks=mocks, seed=seed, state_machine_name=machine_name(workflow.name),
                      start_time=start_time, express=workflow_type == WorkflowType.EXPRESS)
    # A Distributed Map's children's histories go to their own rows as the children end.
    maprun_store.keep_histories(run)
    events = run.take_events()
    with transaction.atomic():
        execution = Execution.objects.create(
            workflow=workflow, version=version, name=run.name, input_json=dumps(input), test_case=test_case,
            mock_config_json=config_json, mock_test_case=case_name or "", manual_callbacks=manual_callbacks, unmocked=unmocked,
            workflow_type=workflow_type, seed=seed, virtual_time=run.clock, started_at_virtual=run.start_time, snapshot_json=dumps(run.to_json()),
            breakpoints=bps, speed=speed, started_by=user if user.is_authenticated else None, summary={})
        live = Live(execution.revision, run, EventSteps(machine), execution.created)
        update = persist(execution, live, events)
    return execution, update


def machine_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")
    return cleaned[:80] or "StateMachine"


def _breakpoints(machine: StateMachine, names: Any) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidInput("breakpoints must be a list of state names.", field="breakpoints")
    known = {name for program in machine.programs.values() for name in program.states}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidInput(f"There is no state called '{unknown[0]}' in this version.", field="breakpoints")
    if len(names) > MAX_BREAKPOINTS:
        raise InvalidInput(f"At most {MAX_BREAKPOINTS} breakpoints.", field="breakpoints")
    return list(dict.fromkeys(names))


def _speed(speed: Any) -> float:
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or speed != speed or speed < 0 or speed > MAX_SPEED:
        raise InvalidInput(f"speed is transitions per second, from 0 (as fast as possible) to {MAX_SPEED:g}.",
                           field="speed")
    return float(speed)


def execution_step(*, user: AbstractBaseUser, execution: Execution, let_time_pass: bool = False) -> Update:
    """One transition. When only a timer can move the run (a Wait, a retry delay), the virtual
    clock jumps to it. While a task waits for a person's callback, stepping would fire that
    task's timeout instead: it is refused unless ``let_time_pass`` says that is the point."""
    _require_control(user, execution)
    with advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        if not let_time_pass and waiting_for_person(live.run):
            raise NothingToDo(_stuck_reason(live.run) + " (Or step with let_time_pass to let its timeout fire.)")
        moves = live.run.map_runs.moves
        # While a Distributed Map's children run, a step moves one of them (until it waits or
        # ends): the Map Run's counts move though the run writes no event of its own.
        events = live.run.step(child_moves=STEP_CHILD_MOVES)
        if not events and live.run.map_runs.moves == moves:
            raise NothingToDo(_stuck_reason(live.run))
        return persist(row, live, events, fields={"mode": ExecutionMode.PAUSED, "runner_id": "",
                                                   "stop_reason": "stepped"})


def _stuck_reason(run: Interpreter) -> str:
    tokens = run.waiting_tokens()
    if tokens:
        return f"The run waits for a callback from '{next(iter(tokens.values()))}': answer it in the callback panel."
    return "Nothing can move: a task waits for an answer that will not come (a Pending mock without a timeout)."


def execution_continue(*, user: AbstractBaseUser, execution: Execution) -> Update:
    """Ask the server to go on (to the end, a breakpoint or a callback) at the run's speed. The
    runner does the work (``runner.py``)."""
    _require_control(user, execution)
    with advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        return persist(row, live, [], fields={"mode": ExecutionMode.CONTINUING, "stop_reason": ""})


def execution_pause(*, user: AbstractBaseUser, execution: Execution) -> Update:
    _require_control(user, execution)
    with advancing(execution.pk) as (row, live):
        reason = "paused" if row.mode == ExecutionMode.CONTINUING else row.stop_reason
        return persist(row, live, [], fields={"mode": ExecutionMode.PAUSED, "runner_id": "", "stop_reason": reason})


def execution_set_breakpoints(*, user: AbstractBaseUser, execution: Execution, breakpoints: Any) -> Update:
    _require_control(user, execution)
    bps = _breakpoints(machine_for(execution.version), breakpoints)
    with advancing(execution.pk) as (row, live):
        return persist(row, live, [], fields={"breakpoints": bps})


def execution_set_speed(*, user: AbstractBaseUser, execution: Execution, speed: Any) -> Update:
    _require_control(user, execution)
    value = _speed(speed)
    with advancing(execution.pk) as (row, live):
        return persist(row, live, [], fields={"speed": value})


def execution_send_task_success(*, user: AbstractBaseUser, execution: Execution, token: Any, output: Any) -> Update:
    """SendTaskSuccess: the waiting task's result is ``output``; the run moves one transition."""
    _payload(output, "callback output", "output")
    return _answer(user, execution, token, lambda run, t: run.send_task_success(t, output))


def execution_send_task_failure(*, user: AbstractBaseUser, execution: Execution, token: Any,
                                error: Any = None, cause: Any = None) -> Update:
    for name, value in (("error", error), ("cause", cause)):
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{name} must be text.", field=name)
    if error is not None and len(error) > TASK_ERROR_CHARS:
        raise InvalidInput(f"error is at most {TASK_ERROR_CHARS} characters, as in AWS.", field="error")
    if cause is not None and len(cause) > TASK_CAUSE_CHARS:
        raise InvalidInput(f"cause is at most {TASK_CAUSE_CHARS} characters, as in AWS.", field="cause")
    return _answer(user, execution, token, lambda run, t: run.send_task_failure(t, error or None, cause or None))


def _answer(user, execution, token, send) -> Update:
    _require_control(user, execution)
    if not isinstance(token, str) or not token:
        raise InvalidInput("token must be the task token the run waits for.", field="token")
    with advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        try:
            events = send(live.run, token)
        except InvalidToken as e:
            raise InvalidInput(str(e), field="token") from None
        return persist(row, live, events)


def execution_abort(*, user: AbstractBaseUser, execution: Execution) -> Update:
    """StopExecution: ``ExecutionAborted``."""
    _require_control(user, execution)
    with advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        events = live.run.abort(error="Statewise.Aborted", cause="Stopped from the simulation page.")
        return persist(row, live, events, fields={"stop_reason": "aborted"})


# --- saved test cases ---------------------------------------------------------------------

@dataclass(frozen=True)
class CheckedTestCase:
    """A test case's fields checked and as stored (texts), worked out before the write: in a
    child process for a large body (``api/simulation_views.py``)."""
    name: str
    input_json: str
    mock_config_json: str
    mock_test_case: str


def test_case_checked(*, name: str, input: Any = None, mock_config: Any = None,
                      mock_test_case: str = "") -> CheckedTestCase:
    """Everything ``test_case_create`` checks that needs no database, and the texts it stores."""
    from ..services import _plain

    name, mock_test_case = _plain(name).strip(), _plain(mock_test_case)
    if not name:
        raise InvalidInput("Give the test case a name.", field="name")
    config = mock_config if mock_config is not None else {}
    if not isinstance(config, dict):
        raise InvalidInput("mock_config must be a JSON object (a Step Functions Local mock config).",
                           field="mock_config")
    _payload(input if input is not None else {}, "test case's input (an execution input)", "input")
    if config:
        try:
            Mocks.from_config(config, None, mock_test_case or name)
        except DefinitionError as e:
            first = e.diagnostics[0]
            raise InvalidInput(first.message, pointer=first.pointer, field="mock_config") from None
    return CheckedTestCase(name=name, input_json=dumps(input if input is not None else {}),
                           mock_config_json=dumps(config), mock_test_case=mock_test_case or "")


test_case_checked.__test__ = False


def test_case_create(*, user: AbstractBaseUser, workflow: Workflow, name: str = "", input: Any = None,
                     mock_config: Any = None, mock_test_case: str = "",
                     checked: CheckedTestCase | None = None) -> TestCase:
    """A saved test case; ``checked``: its fields checked already (``test_case_checked``)."""
    selectors.require_edit(user=user, workflow=workflow)
    if checked is None:
        checked = test_case_checked(name=name, input=input, mock_config=mock_config, mock_test_case=mock_test_case)
    try:
        with transaction.atomic():
            return TestCase.objects.create(workflow=workflow, name=checked.name[:200], input_json=checked.input_json,
                                           mock_config_json=checked.mock_config_json,
                                           mock_test_case=checked.mock_test_case)
    except IntegrityError:
        raise InvalidInput(f"This workflow already has a test case called '{checked.name}'.", field="name") from None


test_case_create.__test__ = False  # keep pytest from collecting a function whose name starts with test


def test_case_delete(*, user: AbstractBaseUser, test_case: TestCase) -> None:
    selectors.require_edit(user=user, workflow=test_case.workflow)
    test_case.delete()


test_case_delete.__test__ = False
