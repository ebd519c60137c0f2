"""Running a proposed input: how far it gets, and what a run still finds missing.

A run *reaches an end* when it stops at a Succeed state (or succeeds through an End), at a Fail
state, or at a step waiting for a person (a callback). Anything else (a path the input lacks, no
Choice rule matching, a loop that never exits within the bound) is a run that did not, and
``Proposal.why`` says which in words.
"""
from __future__ import annotations

import contextlib
import re
import threading
from typing import Any

from ..definition import StateMachine
from ..execution import Execution
from ..mocks import Mocks
from ..testing import conditions as cond
from ..testing.runner import START_TIME, Limits, drive, outcome_of
from ..testing.spec import Spec
from . import FAILED, MAX_RUNS, MAX_TRANSITIONS, STUCK, SUCCEEDED, WAITING, Proposal, get, set_value
from .reads import ANY, Reads, keys_of
from .values import value_for

_STATE = re.compile(r"executing the state '((?:[^']|'(?! \(entered))*)' \(entered")
_MISSING = [
    re.compile(r"The JSONPath '(\$[^']*)' specified for the field '[^']*' could not be found"),
    re.compile(r"The JsonPath argument for the field '(\$[^']*)' could not be found"),
    re.compile(r"Invalid path '(\$[^']*)' ?: No results for path"),
    re.compile(r"Invalid path '(\$[^']*)': The choice state's condition path references an invalid value"),
]
# Errors a run raises on its own (a bad path, no rule matching...): reaching them is not an end.
_RUNTIME = ("States.Runtime", "States.NoChoiceMatched", "States.QueryEvaluationError", "States.IntrinsicFailure",
            "States.ItemReaderFailed", "States.ResultWriterFailed", "States.DataLimitExceeded",
            "States.ExceedToleratedFailureThreshold", "States.Timeout", "States.HeartbeatTimeout")


_seconds = threading.local()


@contextlib.contextmanager
def time_limit(seconds: float):
    """Bound each run of the proposals made inside, in seconds of work (a server's answer must
    not wait on a heavy workflow; the runs' verdicts otherwise never depend on time)."""
    before = getattr(_seconds, "value", None)
    _seconds.value = seconds
    try:
        yield
    finally:
        _seconds.value = before


def run_once(machine: StateMachine, data: Any, unmocked: str, *, max_transitions: int = MAX_TRANSITIONS,
             express: bool = False) -> tuple[Execution, Any]:
    ex = Execution(machine, data, mocks=Mocks(unmocked=unmocked), seed=0, start_time=START_TIME, express=express)
    seconds = getattr(_seconds, "value", None) or 30.0
    driven = drive(ex, Spec(), Limits(max_transitions=max_transitions, seconds=seconds))
    return ex, outcome_of(ex, driven)


def ending(ex: Execution, outcome: Any) -> tuple[str, str | None, str]:
    """(succeeded | failed | waiting | stuck, the state it ended at, why it is stuck)."""
    entered = [e for e in ex.events if e.type.endswith("StateEntered")]
    last = entered[-1].details.get("name") if entered else None
    if outcome.status == "SUCCEEDED":
        return SUCCEEDED, last, ""
    if outcome.status == "WAITING_FOR_CALLBACK":
        return WAITING, outcome.waiting_at[0] if outcome.waiting_at else last, ""
    fail = next((e for e in reversed(entered) if e.type == "FailStateEntered"), None)
    if outcome.status == "FAILED" and fail is not None and ex.error not in _RUNTIME:
        return FAILED, fail.details.get("name"), ""
    if outcome.stopped:
        return STUCK, last, outcome.stopped
    words = f"the run {str(outcome.status).lower().replace('_', ' ')}"
    if ex.error:
        words += f" with {ex.error}"
    if ex.cause:
        words += f": {ex.cause[:300]}"
    return STUCK, last, words


def try_input(machine: StateMachine, reads: Reads, data: Any, unmocked: str) -> Proposal:
    """Run ``data``; add what each run finds missing and run again, up to ``MAX_RUNS`` times."""
    added: set = set()
    notes: list[str] = []
    for runs in range(1, MAX_RUNS + 1):
        ex, outcome = run_once(machine, data, unmocked)
        kind, state, why = ending(ex, outcome)
        notes = list(ex.mocks.s3.notes)
        if kind != STUCK or runs == MAX_RUNS:
            break
        more = _missing(ex, reads)
        if more is None or more in added:
            break
        added.add(more)
        keys, type_ = more
        data = set_value(data, keys, value_for(keys, type_))
    return Proposal(data, ending=kind, end_state=state, why=why, notes=notes, runs=runs)


def _missing(ex: Execution, reads: Reads) -> tuple | None:
    """The execution-input field (keys, type) the run failed for lack of, when it can be traced."""
    cause = ex.cause or ""
    state = _STATE.search(cause)
    path = next((m.group(1) for pattern in _MISSING for m in [pattern.search(cause)] if m), None)
    if state is None or path is None:
        return None
    keys = keys_of(path)
    views = reads.views.get(state.group(1))
    if keys is None or views is None:
        return None
    view_in, view_eff = views
    raw = _raw_state(ex.machine.definition, state.group(1))
    view = view_in if isinstance(raw, dict) and raw.get("InputPath") == path else view_eff
    where = view.at(keys) if view is not None else None
    if where is None or where[0] is not None or not where[1]:
        return None  # built on the way, or read from a Task's answer: nothing in the input to add
    read = reads.fields.get(where[1])
    return where[1], read.type if read is not None else ANY


def _raw_state(definition: Any, name: str) -> Any:
    from ..shape import walk

    return next((state for n, _, state, _ in walk(definition) if n == name), None)


__all__ = ["run_once", "ending", "try_input", "get", "cond"]
