"""The engine under every write to a simulated run.

Every write goes through ``advancing``: lock the execution row (``select_for_update``), take the
interpreter as the last write left it, act, then ``persist`` the new events, the snapshot and what
they imply (status, summary, waits) in the same transaction. Two processes therefore never advance
the same run at once, and the event log can never disagree with the snapshot.

Each write returns an :class:`Update`: the frame to broadcast *after* the commit (``live.publish``).
Writes never broadcast themselves; their callers (views, the consumer, the runner) do.

Between writes each process keeps the interpreter objects of the runs it last wrote (``_live``), so
a run advanced batch after batch is not restored from its snapshot every time; the row's revision
says whether the kept object is still the truth.
"""
from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterator

from django.db import transaction
from django.utils import timezone

from interpreter.definition import StateMachine, parse
from interpreter.errors import DefinitionError
from interpreter import map_run
from interpreter.execution import RUNNING, Execution as Interpreter
from interpreter.inspection import EventSteps, resource_of
from interpreter.limits import HISTORY_EVENTS, STANDARD_MAX_SECONDS
from interpreter.mocks import Mocks
from interpreter.wording.errors import explain_error

from .. import timeline, workpool
from ..maprun import store as maprun_store
from ..frames import row_size, split_frames
from ..errors import InvalidInput, NotFound
from ..runlist import live as runlist_live
from ..models import Execution, ExecutionEvent, ExecutionMode, ExecutionStatus

LIVE_CACHE_SIZE = 256  # runs kept as interpreter objects between writes, per process
REDRIVABLE_PERIOD = timedelta(days=14)  # AWS: a run can be redriven for 14 days after it ends


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
    # Frames sent before ``text`` when the write's events do not fit one (live.FRAME_EVENTS,
    # live.FRAME_BYTES): events only; ``text``, the last, says where the run stands.
    earlier: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------
# the interpreter objects, kept between writes in this process
# ------------------------------------------------------------------------------------------

@dataclass
class Live:
    revision: int
    run: Interpreter
    steps: EventSteps
    created: Any = None  # with the id, tells this run from another that got the same id later


# Run-list announcements of the writes in this context, when the caller publishes them itself.
_announcements: ContextVar[list | None] = ContextVar("statewise_run_announcements", default=None)


@contextmanager
def announcements_kept() -> Iterator[list]:
    """Run-list announcements of the writes inside, as (group, message) pairs for the caller to
    send after the commit: the runner's batches run in a process (or a thread) that cannot reach
    the server's in-memory channel layer."""
    token = _announcements.set([])
    try:
        yield _announcements.get()
    finally:
        _announcements.reset(token)


def _announce(execution: Execution) -> None:
    kept = _announcements.get()
    if kept is None:
        runlist_live.announce(execution)
    else:
        kept.append((runlist_live.group_name(execution.workflow_id),
                     {"type": "run.changed", "run": runlist_live.run_summary(execution)}))


_machines: dict[tuple, StateMachine] = {}
_live: dict[int, Live] = {}
_cache_lock = threading.Lock()


def machine_for(version) -> StateMachine:
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


def mocks_for(machine: StateMachine, config: dict, test_case: str, manual_callbacks: bool,
              unmocked: str = "fail") -> Mocks:
    """``unmocked``: what a Task without a mocked answer does (``interpreter/unmocked.py``)."""
    return _without_callbacks(machine, _mocks(config, test_case, unmocked), manual_callbacks)


def mocks_for_text(machine: StateMachine, config_json: str, test_case: str, manual_callbacks: bool,
                   unmocked: str = "fail") -> Mocks:
    """``mocks_for`` of a config given as its stored text. A large one (100,000 items for a
    Distributed Map, say) is read in a child process (``workpool``): what comes back is small
    but for its S3 objects, which are text and cross the pipe at memcpy speed."""
    if workpool.large_text(config_json):
        mocks = workpool.run(_mocks_of_text, config_json, test_case, unmocked, what="Reading this test case's mocks")
    else:
        mocks = _mocks_of_text(config_json, test_case, unmocked)
    return _without_callbacks(machine, mocks, manual_callbacks)


def _mocks_of_text(config_json: str, test_case: str, unmocked: str) -> Mocks:
    return _mocks(json.loads(config_json or "{}"), test_case, unmocked)


def _mocks(config: dict, test_case: str, unmocked: str) -> Mocks:
    if not config:
        return Mocks(unmocked=unmocked)
    try:
        return Mocks.from_config(config, None, test_case or None, unmocked)
    except DefinitionError as e:
        first = e.diagnostics[0]
        raise InvalidInput(first.message, pointer=first.pointer, field="mock_config") from None


def _without_callbacks(machine: StateMachine, mocks: Mocks, manual_callbacks: bool) -> Mocks:
    if manual_callbacks:
        for name in callback_states(machine):
            mocks.responses.pop(name, None)
    return mocks


def _step_lookup(execution_id: int):
    def lookup(seq: int):
        row = ExecutionEvent.objects.filter(execution_id=execution_id, seq=seq).values_list("step", "type").first()
        return tuple(row) if row else None
    return lookup


def _interpreter(execution: Execution) -> Live:
    """The run as the last write left it: the in-memory one when it is current, else restored."""
    with _cache_lock:
        live = _live.get(execution.pk)
    if live is not None and live.revision == execution.revision and live.created == execution.created:
        return live
    machine = machine_for(execution.version)
    mocks = mocks_for(machine, json.loads(execution.mock_config_json or "{}"), execution.mock_test_case,
                      execution.manual_callbacks, execution.unmocked)
    snapshot = json.loads(execution.snapshot_json)
    maprun_store.fill_inputs(execution.pk, snapshot)  # a Map Run's items' inputs are stored apart
    run = Interpreter.restore(machine, snapshot, mocks=mocks)
    maprun_store.keep_histories(run)
    maprun_store.fill_stored(execution.pk, run)
    return Live(execution.revision, run, EventSteps(machine, lookup=_step_lookup(execution.pk)), execution.created)


def _keep(execution_id: int, live: Live) -> None:
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
def advancing(execution_id: int) -> Iterator[tuple[Execution, Live]]:
    """Lock the row, hand over the interpreter; the caller persists with ``persist``."""
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


def persist(execution: Execution, live: Live, events: list, *, fields: dict | None = None,
            stop: bool = False) -> Update:
    run = live.run
    rows: list[dict] = []
    sizes: list[int] = []
    objects = []
    for e in events:
        step = live.steps.step(e.id, e.previous_event_id, e.type, e.details)
        resource = resource_of(e.details)
        row = {"id": e.id, "previousEventId": e.previous_event_id, "type": e.type,
               "timestamp": e.timestamp, "step": step, "resource": resource, "details": e.details}
        rows.append(row)
        details_json = dumps(e.details) if e.details is not None else ""
        sizes.append(row_size(row, details_json))
        objects.append(ExecutionEvent(execution_id=execution.pk, seq=e.id, previous_event_id=e.previous_event_id,
                                      type=e.type, timestamp=e.timestamp, step=step[:200], resource=resource[:300],
                                      details_json=details_json))
    if objects:
        ExecutionEvent.objects.bulk_create(objects, batch_size=500)
        execution.last_seq = objects[-1].seq
        execution.summary = timeline.fold(execution.summary, rows)
    status = run.describe_status()
    # Run lists (runlist/) hear of a new run and of each change of status or of whether it waits
    # for a person, not of every batch.
    listed = (execution.status, (execution.waiting or {}).get("reason") == "callback")
    listed_change = execution.revision == 0 or listed != (run.status, (status.get("waiting") or {}).get("reason") == "callback")
    if run.map_runs:  # children move without the run writing an event: their counts are kept apart
        execution.map_runs = map_run.progress(run)
    execution.status = run.status
    execution.virtual_time = run.clock
    # Children that succeeded go to their own rows: the snapshot grows with what is live only.
    maprun_store.store_inputs(execution.pk, run)
    maprun_store.store_finished(execution.pk, run)
    maprun_store.store_histories(execution.pk, run)  # of the children that ended: their own rows
    execution.snapshot_json = dumps(run.to_json())
    execution.current_states = run.current_states() if run.status == RUNNING else []
    execution.waiting = status.get("waiting")
    for key, value in (fields or {}).items():
        setattr(execution, key, value)
    if run.status != RUNNING:
        if execution.status == RUNNING or execution.ended_at is None:
            execution.ended_at = timezone.now()  # AWS's 14 days to redrive start here
        execution.mode = ExecutionMode.PAUSED
        execution.runner_id = ""
        execution.stop_reason = "aborted" if run.status == ExecutionStatus.ABORTED else "finished"
        if run.output is not None or run.status == ExecutionStatus.SUCCEEDED:
            execution.output_json = dumps(run.output)
        execution.error, execution.cause = run.error or "", run.cause or ""
    execution.revision += 1
    # Only what a write changes: the run's input and mock config (a million items' S3 objects,
    # say) are not written again with every batch.
    execution.save(update_fields=_WRITTEN + (_ENDED if run.status != RUNNING else ()) + tuple(fields or ()))
    if listed_change:
        _announce(execution)
    run.take_events()  # persisted now: the interpreter need not keep them
    forget(execution.pk)
    if run.status == RUNNING:  # a finished run is never advanced again
        # Kept for the next write only once this one is committed: until then the row is the truth.
        kept = Live(execution.revision, run, live.steps, execution.created)
        transaction.on_commit(lambda: _keep(execution.pk, kept))
    live.revision = execution.revision
    first = rows[0]["id"] if rows else execution.last_seq + 1
    *earlier, last = split_frames(rows, sizes) or [[]]
    frame = {"type": "events", "events": last, "execution": execution_state(execution)}
    return Update(execution.pk, execution.revision, first, execution.last_seq, dumps(frame), stop=stop,
                  speed=execution.speed, earlier=tuple(dumps({"type": "events", "events": chunk}) for chunk in earlier))


_WRITTEN = ("last_seq", "summary", "map_runs", "status", "virtual_time", "snapshot_json", "current_states",
            "waiting", "revision", "updated")
_ENDED = ("ended_at", "mode", "runner_id", "stop_reason", "output_json", "error", "cause")


def dumps(value: Any) -> str:
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
        # Each Distributed Map's Map Run: status and DescribeMapRun's counts, as of this write.
        "mapRuns": execution.map_runs or [],
        "lastSeq": execution.last_seq, "revision": execution.revision, "stopReason": execution.stop_reason,
        "virtualTime": execution.virtual_time, "startedAt": execution.started_at_virtual,
        "output": execution.output, "error": execution.error or None, "cause": execution.cause or None,
        "explanation": _explanation(execution) if execution.error else None,
        **redrive_status(execution),
    }


def redrive_status(execution: Execution) -> dict:
    """Whether the run can be redriven now, as DescribeExecution says it (``redriveStatus``,
    ``redriveStatusReason`` in AWS's words), and the redrives so far with the mocked answers
    people changed first. From the row alone: every frame carries it."""
    redrives = execution.redrives or []
    out = {"redriveCount": redrives[-1]["count"] if redrives else 0, "redrives": redrives,
           "redriveStatus": "NOT_REDRIVABLE", "redriveStatusReason": None}
    status = execution.status
    if execution.workflow_type == "EXPRESS":
        out["redriveStatusReason"] = "Redrive is not supported for EXPRESS workflows."
    elif status in (RUNNING, ExecutionStatus.SUCCEEDED):
        out["redriveStatusReason"] = f"Execution is {status} and cannot be redriven."
    elif execution.last_seq + 1 >= HISTORY_EVENTS:
        out["redriveStatusReason"] = "Execution history event limit exceeded."
    elif execution.virtual_time - execution.started_at_virtual >= STANDARD_MAX_SECONDS * 1000:
        out["redriveStatusReason"] = "Execution has exceeded the max execution time."
    elif execution.ended_at is not None and timezone.now() - execution.ended_at > REDRIVABLE_PERIOD:
        out["redriveStatusReason"] = "Execution redrivable period exceeded."
    else:
        out["redriveStatus"] = "REDRIVABLE"
    return out


def _explanation(execution: Execution) -> str:
    """Why the run failed, in words (AWS's error and cause stay beside it)."""
    failed = [name for name, entry in (execution.summary.get("states") or {}).items() if entry.get("status") == "failed"]
    return explain_error(execution.error, execution.cause, state=failed[-1] if failed else None)


def machine_of(execution: Execution) -> StateMachine:
    """The parsed definition a run runs (cached: versions never change)."""
    return machine_for(execution.version)


def waiting_for_person(run: Interpreter) -> bool:
    """A task waits for a callback and nothing else can move without the clock jumping ahead
    (which would fire that task's timeout before anyone had a chance to answer)."""
    return bool(run.waiting_tokens()) and "waiting" in run.describe_status()
