"""Simulated runs: writes. Start, step, continue, pause, breakpoints, speed, callbacks, abort.

Every write to a run goes through ``_advancing``: lock the execution row (``select_for_update``),
take the interpreter as the last write left it, act, then persist the new events, the snapshot
and what they imply (status, summary, waits) in the same transaction. Two processes therefore
never advance the same run at once, and the event log can never disagree with the snapshot.

Each write returns an :class:`Update`: the frame to broadcast *after* the commit (``live.publish``).
Services never broadcast themselves; their callers (views, the consumer, the runner) do.
"""
from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from interpreter.definition import StateMachine, parse
from interpreter.errors import DefinitionError
from interpreter.execution import RUNNING, Execution as Interpreter, InvalidToken
from interpreter.inspection import EventSteps, about_to_enter, resource_of
from interpreter.mocks import Mocks

from . import selectors, timeline
from .errors import DomainError, InvalidInput, NotFound
from .models import Execution, ExecutionEvent, ExecutionMode, ExecutionStatus, TestCase, Workflow

# Continuing at full speed: one transaction holds at most this many transitions, or this much time.
BATCH_TRANSITIONS = 2000
BATCH_SECONDS = 0.05
MAX_SPEED = 1000.0
MAX_BREAKPOINTS = 500
LIVE_CACHE_SIZE = 256  # runs kept as interpreter objects between writes, per process


class NothingToDo(DomainError):
    status_code = 409
    default_code = "nothing_to_do"


class NotRunning(DomainError):
    status_code = 409
    default_code = "not_running"


@dataclass(frozen=True)
class Update:
    """What one write changed, ready to broadcast: ``text`` is the whole frame as JSON (the
    publisher adds ``sentAt``, the time it was published, after the commit)."""
    execution_id: int
    revision: int
    first: int   # first new event's seq, or last_seq + 1 when there are none
    last: int    # last seq after the write
    text: str
    stop: bool = False  # for the runner: nothing more to do while continuing
    speed: float = 0.0  # the run's speed after the write (the runner paces by it)


# ------------------------------------------------------------------------------------------
# the interpreter objects, kept between writes in this process
# ------------------------------------------------------------------------------------------

@dataclass
class _Live:
    revision: int
    run: Interpreter
    steps: EventSteps
    created: Any = None  # with the id, tells this run from another that got the same id later


_machines: dict[tuple, StateMachine] = {}
_live: dict[int, _Live] = {}
_cache_lock = threading.Lock()


def _machine(version) -> StateMachine:
    # Keyed by the text too: ids can come back (a test database flushed under a server process).
    key = (version.pk, hashlib.sha1(version.definition_json.encode("utf-8")).hexdigest())
    machine = _machines.get(key)
    if machine is None:
        try:
            machine = parse(version.definition_json)
        except DefinitionError as e:
            first = e.diagnostics[0]
            raise InvalidInput(f"Version {version.number} cannot run: {first.message}", pointer=first.pointer,
                               field="version") from None
        _machines[key] = machine  # versions never change
        while len(_machines) > LIVE_CACHE_SIZE:
            _machines.pop(next(iter(_machines)))
    return machine


def callback_states(machine: StateMachine) -> set[str]:
    """Names of the ``.waitForTaskToken`` tasks: with callbacks answered by hand, their mocks are
    ignored, so the run waits there for a person."""
    return {name for program in machine.programs.values() for name, state in program.states.items()
            if state.type == "Task" and getattr(state.resource, "pattern", "") == "waitForTaskToken"}


def _mocks(machine: StateMachine, config: dict, test_case: str, manual_callbacks: bool) -> Mocks:
    if not config:
        mocks = Mocks()
    else:
        try:
            mocks = Mocks.from_config(config, None, test_case or None)
        except DefinitionError as e:
            first = e.diagnostics[0]
            raise InvalidInput(first.message, pointer=first.pointer, field="mock_config") from None
    if manual_callbacks:
        for name in callback_states(machine):
            mocks.responses.pop(name, None)
    return mocks


def _step_lookup(execution_id: int):
    def lookup(seq: int):
        row = ExecutionEvent.objects.filter(execution_id=execution_id, seq=seq).values_list("step", "type").first()
        return tuple(row) if row else None
    return lookup


def _interpreter(execution: Execution) -> _Live:
    """The run as the last write left it: the in-memory one when it is current, else restored."""
    with _cache_lock:
        live = _live.get(execution.pk)
    if live is not None and live.revision == execution.revision and live.created == execution.created:
        return live
    machine = _machine(execution.version)
    mocks = _mocks(machine, json.loads(execution.mock_config_json or "{}"), execution.mock_test_case,
                   execution.manual_callbacks)
    run = Interpreter.restore(machine, json.loads(execution.snapshot_json), mocks=mocks)
    return _Live(execution.revision, run, EventSteps(machine, lookup=_step_lookup(execution.pk)), execution.created)


def _keep(execution_id: int, live: _Live) -> None:
    with _cache_lock:
        _live[execution_id] = live
        while len(_live) > LIVE_CACHE_SIZE:
            _live.pop(next(iter(_live)))  # the least recently written


def forget(execution_id: int) -> None:
    with _cache_lock:
        _live.pop(execution_id, None)


# ------------------------------------------------------------------------------------------
# writing what happened
# ------------------------------------------------------------------------------------------

@contextmanager
def _advancing(execution_id: int) -> Iterator[tuple[Execution, _Live]]:
    """Lock the row, hand over the interpreter; the caller persists with ``_persist``."""
    with transaction.atomic():
        execution = (Execution.objects.select_for_update().select_related("version")
                     .filter(pk=execution_id).first())
        if execution is None:
            raise NotFound("No such execution.")
        live = _interpreter(execution)
        try:
            yield execution, live
        except BaseException:
            forget(execution_id)  # the interpreter may have moved on: do not trust it
            raise


def _persist(execution: Execution, live: _Live, events: list, *, fields: dict | None = None,
             stop: bool = False) -> Update:
    run = live.run
    rows: list[dict] = []
    objects = []
    for e in events:
        step = live.steps.step(e.id, e.previous_event_id, e.type, e.details)
        resource = resource_of(e.details)
        rows.append({"id": e.id, "previousEventId": e.previous_event_id, "type": e.type,
                     "timestamp": e.timestamp, "step": step, "resource": resource, "details": e.details})
        objects.append(ExecutionEvent(execution_id=execution.pk, seq=e.id, previous_event_id=e.previous_event_id,
                                      type=e.type, timestamp=e.timestamp, step=step[:200], resource=resource[:300],
                                      details_json=_dumps(e.details) if e.details is not None else ""))
    if objects:
        ExecutionEvent.objects.bulk_create(objects, batch_size=500)
        execution.last_seq = objects[-1].seq
        execution.summary = timeline.fold(execution.summary, rows)
    status = run.describe_status()
    execution.status = run.status
    execution.virtual_time = run.clock
    execution.snapshot_json = _dumps(run.to_json())
    execution.current_states = run.current_states() if run.status == RUNNING else []
    execution.waiting = status.get("waiting")
    for key, value in (fields or {}).items():
        setattr(execution, key, value)
    if run.status != RUNNING:
        execution.mode = ExecutionMode.PAUSED
        execution.runner_id = ""
        execution.stop_reason = "aborted" if run.status == ExecutionStatus.ABORTED else "finished"
        if run.output is not None or run.status == ExecutionStatus.SUCCEEDED:
            execution.output_json = _dumps(run.output)
        execution.error, execution.cause = run.error or "", run.cause or ""
    execution.revision += 1
    execution.save()
    run.take_events()  # persisted now: the interpreter need not keep them
    forget(execution.pk)
    if run.status == RUNNING:  # a finished run is never advanced again
        # Kept for the next write only once this one is committed: until then the row is the truth.
        kept = _Live(execution.revision, run, live.steps, execution.created)
        transaction.on_commit(lambda: _keep(execution.pk, kept))
    live.revision = execution.revision
    first = rows[0]["id"] if rows else execution.last_seq + 1
    frame = {"type": "events", "events": rows, "execution": execution_state(execution)}
    return Update(execution.pk, execution.revision, first, execution.last_seq, _dumps(frame), stop=stop,
                  speed=execution.speed)


def _dumps(value: Any) -> str:
    # ASCII-only text: PostgreSQL refuses lone surrogates, and JSON escapes keep NULs out too.
    return json.dumps(value, separators=(",", ":"))


def execution_state(execution: Execution) -> dict:
    """Where a run stands, as every viewer is told it (frames, the page, the REST API)."""
    return {
        "id": execution.pk, "name": execution.name, "status": execution.status, "mode": execution.mode,
        "speed": execution.speed, "breakpoints": execution.breakpoints, "current": execution.current_states,
        "waiting": execution.waiting, "states": timeline.colours(execution.summary, execution.current_states),
        "counts": {k: {"entered": v.get("entered", 0), "retries": v.get("retries", 0)}
                   for k, v in (execution.summary.get("states") or {}).items()},
        "lastSeq": execution.last_seq, "revision": execution.revision, "stopReason": execution.stop_reason,
        "virtualTime": execution.virtual_time, "startedAt": execution.started_at_virtual,
        "output": execution.output, "error": execution.error or None, "cause": execution.cause or None,
    }


# ------------------------------------------------------------------------------------------
# services
# ------------------------------------------------------------------------------------------

_UNSET = object()


def _require_control(user: AbstractBaseUser, execution: Execution) -> None:
    selectors.require(user=user, workflow=execution.workflow, action="control_runs")


def execution_start(*, user: AbstractBaseUser, workflow: Workflow, version_number: int | None = None,
                    input: Any = _UNSET, test_case_id: int | None = None, mock_config: dict | None = None,
                    mock_test_case: str | None = None, manual_callbacks: bool = True, seed: int | None = None,
                    breakpoints: list[str] | None = None, speed: float = 0) -> tuple[Execution, Update]:
    """A new run of a version (default: the latest), with an input and the mocks of a saved test
    case or of a config given here. With ``manual_callbacks`` (the default) ``.waitForTaskToken``
    tasks wait for a person whatever the mocks say."""
    selectors.require(user=user, workflow=workflow, action="control_runs")
    version = (selectors.version_get(workflow=workflow, number=version_number) if version_number is not None
               else selectors.version_latest(workflow=workflow))
    if version is None:
        raise InvalidInput("This workflow has no version to run.", field="version")
    test_case = None
    if test_case_id is not None:
        test_case = selectors.test_case_get(workflow=workflow, test_case_id=test_case_id)
    if input is _UNSET:
        input = test_case.input if test_case else {}
    config = mock_config if mock_config is not None else (test_case.mock_config if test_case else {})
    case_name = mock_test_case if mock_test_case is not None else (
        (test_case.mock_test_case or test_case.name) if test_case else "")
    if not isinstance(config, dict):
        raise InvalidInput("mock_config must be a JSON object (a Step Functions Local mock config).",
                           field="mock_config")
    machine = _machine(version)
    mocks = _mocks(machine, config, case_name, manual_callbacks)
    bps = _breakpoints(machine, breakpoints or [])
    speed = _speed(speed)
    seed = seed if seed is not None else random.SystemRandom().getrandbits(62)
    run = Interpreter(machine, input, mocks=mocks, seed=seed, state_machine_name=_machine_name(workflow.name))
    events = run.take_events()
    with transaction.atomic():
        execution = Execution.objects.create(
            workflow=workflow, version=version, name=run.name, input_json=_dumps(input), test_case=test_case,
            mock_config_json=_dumps(config), mock_test_case=case_name or "", manual_callbacks=manual_callbacks,
            seed=seed, virtual_time=run.clock, started_at_virtual=run.start_time, snapshot_json=_dumps(run.to_json()),
            breakpoints=bps, speed=speed, started_by=user if user.is_authenticated else None, summary={})
        live = _Live(execution.revision, run, EventSteps(machine), execution.created)
        update = _persist(execution, live, events)
    return execution, update


def _machine_name(name: str) -> str:
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


def _waiting_for_person(run: Interpreter) -> bool:
    """A task waits for a callback and nothing else can move without the clock jumping ahead
    (which would fire that task's timeout before anyone had a chance to answer)."""
    return bool(run.waiting_tokens()) and "waiting" in run.describe_status()


def execution_step(*, user: AbstractBaseUser, execution: Execution, let_time_pass: bool = False) -> Update:
    """One transition. When only a timer can move the run (a Wait, a retry delay), the virtual
    clock jumps to it. While a task waits for a person's callback, stepping would fire that
    task's timeout instead: it is refused unless ``let_time_pass`` says that is the point."""
    _require_control(user, execution)
    with _advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        if not let_time_pass and _waiting_for_person(live.run):
            raise NothingToDo(_stuck_reason(live.run) + " (Or step with let_time_pass to let its timeout fire.)")
        events = live.run.step()
        if not events:
            raise NothingToDo(_stuck_reason(live.run))
        return _persist(row, live, events, fields={"mode": ExecutionMode.PAUSED, "runner_id": "",
                                                   "stop_reason": "stepped"})


def _stuck_reason(run: Interpreter) -> str:
    tokens = run.waiting_tokens()
    if tokens:
        return f"The run waits for a callback from '{next(iter(tokens.values()))}': answer it in the callback panel."
    return "Nothing can move: a task waits for an answer that will not come (a Pending mock without a timeout)."


def execution_continue(*, user: AbstractBaseUser, execution: Execution) -> Update:
    """Ask the server to go on (to the end, a breakpoint or a callback) at the run's speed. The
    runner does the work; see ``runner.ensure_running``."""
    _require_control(user, execution)
    with _advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        return _persist(row, live, [], fields={"mode": ExecutionMode.CONTINUING, "stop_reason": ""})


def execution_pause(*, user: AbstractBaseUser, execution: Execution) -> Update:
    _require_control(user, execution)
    with _advancing(execution.pk) as (row, live):
        reason = "paused" if row.mode == ExecutionMode.CONTINUING else row.stop_reason
        return _persist(row, live, [], fields={"mode": ExecutionMode.PAUSED, "runner_id": "", "stop_reason": reason})


def execution_set_breakpoints(*, user: AbstractBaseUser, execution: Execution, breakpoints: Any) -> Update:
    _require_control(user, execution)
    bps = _breakpoints(_machine(execution.version), breakpoints)
    with _advancing(execution.pk) as (row, live):
        return _persist(row, live, [], fields={"breakpoints": bps})


def execution_set_speed(*, user: AbstractBaseUser, execution: Execution, speed: Any) -> Update:
    _require_control(user, execution)
    value = _speed(speed)
    with _advancing(execution.pk) as (row, live):
        return _persist(row, live, [], fields={"speed": value})


def execution_send_task_success(*, user: AbstractBaseUser, execution: Execution, token: Any, output: Any) -> Update:
    """SendTaskSuccess: the waiting task's result is ``output``; the run moves one transition."""
    return _answer(user, execution, token, lambda run, t: run.send_task_success(t, output))


def execution_send_task_failure(*, user: AbstractBaseUser, execution: Execution, token: Any,
                                error: Any = None, cause: Any = None) -> Update:
    for name, value in (("error", error), ("cause", cause)):
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{name} must be text.", field=name)
    if error is not None and len(error) > 256:
        raise InvalidInput("error is at most 256 characters, as in AWS.", field="error")
    if cause is not None and len(cause) > 32768:
        raise InvalidInput("cause is at most 32768 characters, as in AWS.", field="cause")
    return _answer(user, execution, token, lambda run, t: run.send_task_failure(t, error or None, cause or None))


def _answer(user, execution, token, send) -> Update:
    _require_control(user, execution)
    if not isinstance(token, str) or not token:
        raise InvalidInput("token must be the task token the run waits for.", field="token")
    with _advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        try:
            events = send(live.run, token)
        except InvalidToken as e:
            raise InvalidInput(str(e), field="token") from None
        return _persist(row, live, events)


def execution_abort(*, user: AbstractBaseUser, execution: Execution) -> Update:
    """StopExecution: ``ExecutionAborted``."""
    _require_control(user, execution)
    with _advancing(execution.pk) as (row, live):
        if live.run.status != RUNNING:
            raise NotRunning(f"The run has ended ({live.run.status}).")
        events = live.run.abort(error="Statewise.Aborted", cause="Stopped from the simulation page.")
        return _persist(row, live, events, fields={"stop_reason": "aborted"})


def execution_advance(*, execution_id: int, runner_id: str, first: bool,
                      lease_seconds: float = 3.0) -> Update | None:
    """One batch of a continuing run, for the runner: up to the next breakpoint, callback or end,
    at most ``BATCH_TRANSITIONS`` transitions or ``BATCH_SECONDS`` (one transition when the run
    has a speed). Returns None when the run is not continuing any more, or another live process
    holds it (its ``runner_heartbeat`` younger than ``lease_seconds``)."""
    with _advancing(execution_id) as (row, live):
        if row.mode != ExecutionMode.CONTINUING or row.status != ExecutionStatus.RUNNING:
            return None
        now = timezone.now()
        # A slow run writes (and so renews its lease) once a transition: the lease outlasts that.
        lease = max(lease_seconds, 3.0 / row.speed if row.speed else 0.0)
        if (row.runner_id and row.runner_id != runner_id and row.runner_heartbeat is not None
                and (now - row.runner_heartbeat).total_seconds() < lease):
            return None
        run = live.run
        stops = set(row.breakpoints)
        limit = 1 if row.speed else BATCH_TRANSITIONS
        deadline = time.monotonic() + BATCH_SECONDS
        events: list = []
        reason = ""
        for i in range(limit):
            if run.status != RUNNING:
                break
            if run.waiting_tokens() and _waiting_for_person(run):
                reason = "waiting for a callback"
                break
            if stops and (i or not first):
                entering = about_to_enter(run)
                if entering in stops:
                    reason = f"breakpoint: {entering}"
                    break
            new = run.step()
            if not new:
                reason = "nothing can move"
                break
            events.extend(new)
            if not (i & 63) and time.monotonic() > deadline:
                break
        if not reason and run.status == RUNNING and stops:
            entering = about_to_enter(run)
            if entering in stops:
                reason = f"breakpoint: {entering}"
        if not reason and run.status == RUNNING and run.waiting_tokens() and _waiting_for_person(run):
            reason = "waiting for a callback"
        fields: dict[str, Any] = {"runner_id": runner_id, "runner_heartbeat": now}
        stop = bool(reason) or run.status != RUNNING
        if reason:
            fields.update(mode=ExecutionMode.PAUSED, runner_id="", stop_reason=reason)
        return _persist(row, live, events, fields=fields, stop=stop)


# ------------------------------------------------------------------------------------------
# saved test cases
# ------------------------------------------------------------------------------------------

def test_case_create(*, user: AbstractBaseUser, workflow: Workflow, name: str, input: Any = None,
                     mock_config: Any = None, mock_test_case: str = "") -> TestCase:
    from .services import _plain

    selectors.require_edit(user=user, workflow=workflow)
    name, mock_test_case = _plain(name).strip(), _plain(mock_test_case)
    if not name:
        raise InvalidInput("Give the test case a name.", field="name")
    config = mock_config if mock_config is not None else {}
    if not isinstance(config, dict):
        raise InvalidInput("mock_config must be a JSON object (a Step Functions Local mock config).",
                           field="mock_config")
    if config:
        try:
            Mocks.from_config(config, None, mock_test_case or name)
        except DefinitionError as e:
            first = e.diagnostics[0]
            raise InvalidInput(first.message, pointer=first.pointer, field="mock_config") from None
    try:
        with transaction.atomic():
            return TestCase.objects.create(workflow=workflow, name=name[:200], input_json=_dumps(input if input is not None else {}),
                                           mock_config_json=_dumps(config), mock_test_case=mock_test_case or "")
    except IntegrityError:
        raise InvalidInput(f"This workflow already has a test case called '{name}'.", field="name") from None


test_case_create.__test__ = False  # keep pytest from collecting a function whose name starts with test


def test_case_delete(*, user: AbstractBaseUser, test_case: TestCase) -> None:
    selectors.require_edit(user=user, workflow=test_case.workflow)
    test_case.delete()


test_case_delete.__test__ = False


def machine_of(execution: Execution) -> StateMachine:
    """The parsed definition a run runs (cached: versions never change)."""
    return _machine(execution.version)
