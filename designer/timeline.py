"""What the event log says about each state: the colours of a live graph, from events alone.

``fold(summary, events)`` is the one function that turns history into per-state status; the
runner folds each batch into ``Execution.summary`` as it persists it, pages and frames show that
summary, and ``fold({}, all_events)`` gives the same answer from scratch (a test checks it).

Statuses, as the page colours them:

* ``running``   entered and not yet left;
* ``waiting``   a ``.waitForTaskToken`` task that handed out its token, or a Wait state sleeping;
* ``retrying``  failed, and waits for or makes another attempt (still current after a failure);
* ``succeeded`` left normally (``retries`` counts the failed attempts before);
* ``caught``    failed, and a Catch sent the run on;
* ``failed``    failed for good (or ended the run: a Fail state, an uncaught error);
* ``aborted``   the run was stopped or timed out while the state was active.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

ACTIVE = ("running", "waiting", "retrying")
_FAILURES = ("Failed", "TimedOut", "StartFailed", "ScheduleFailed", "SubmitFailed")
_SCHEDULES = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")
_REMEMBERED_FAILURES = 64


def fold(summary: Mapping | None, events: Iterable[Mapping]) -> dict:
    """The summary after ``events`` (dicts with ``type``, ``step``, ``details``), given the one
    before them. Pure: the argument is not changed."""
    states: dict[str, dict] = {k: dict(v) for k, v in ((summary or {}).get("states") or {}).items()}
    # Recent failure events: a state left right after one (its own, or a branch's) was caught.
    failures: list[int] = list((summary or {}).get("failures") or [])
    for event in events:
        type, step = event["type"], event.get("step") or ""
        if type.endswith(_FAILURES + ("StateAborted",)) and not type.startswith("Execution"):
            failures.append(event["id"])
            del failures[:-_REMEMBERED_FAILURES]
        if type.startswith("Execution"):
            _execution_event(states, type)
            continue
        if not step:
            continue
        entry = states.get(step)
        if entry is None:
            entry = states[step] = {"status": "running", "entered": 0, "retries": 0, "failedAttempt": False}
        if type.endswith("StateEntered"):
            entry["entered"] += 1
            entry["status"] = "waiting" if type == "WaitStateEntered" else "running"
            entry["failedAttempt"] = False
        elif type.endswith("StateExited"):
            caught = entry["failedAttempt"] or event.get("previousEventId") in failures
            entry["status"] = "caught" if caught else "succeeded"
            entry["failedAttempt"] = False
        elif type.endswith("StateAborted"):
            if entry["status"] in ACTIVE:
                entry["status"] = "aborted"
        elif type in _SCHEDULES:
            if entry["failedAttempt"]:
                entry["retries"] += 1
                entry["status"] = "retrying"
                entry["failedAttempt"] = False
            elif entry["status"] != "retrying":
                entry["status"] = "running"
            details = event.get("details") or {}
            if str(details.get("resource", "")).endswith(".waitForTaskToken"):
                entry["callback"] = True
        elif type == "TaskSubmitted" and entry.get("callback"):
            entry["status"] = "waiting"
        elif type.endswith(("StateFailed",)) or (type.endswith(_FAILURES) and not type.startswith("Map")):
            entry["status"] = "failed"
            entry["failedAttempt"] = True
        elif type in ("TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded"):
            entry["status"] = "running"
    return {"states": states, "failures": failures}


def _execution_event(states: dict[str, dict], type: str) -> None:
    if type == "ExecutionFailed":
        # Whatever was still active ended the run: a Fail state, or a state whose error no one caught.
        for entry in states.values():
            if entry["status"] in ACTIVE or entry.get("failedAttempt"):
                entry["status"] = "failed"
    elif type in ("ExecutionAborted", "ExecutionTimedOut"):
        for entry in states.values():
            if entry["status"] in ACTIVE:
                entry["status"] = "aborted"
    elif type == "ExecutionSucceeded":
        for entry in states.values():
            if entry["status"] in ACTIVE:
                entry["status"] = "succeeded"


def colours(summary: Mapping | None, current: Iterable[str] = ()) -> dict[str, str]:
    """State name -> status, what the graph paints. ``current`` are the states the run is in
    (``Execution.current_states``): one that failed and is still current waits for a retry."""
    current = set(current)
    out = {}
    for name, entry in ((summary or {}).get("states") or {}).items():
        status = entry["status"]
        out[name] = "retrying" if status == "failed" and name in current else status
    return out


def elapsed_ms(event_timestamp: int, started_at: int) -> int:
    return max(0, int(event_timestamp) - int(started_at))


def event_row(event: Any) -> dict:
    """An ExecutionEvent as the websocket, the REST API and the page send it."""
    return {"id": event.seq, "previousEventId": event.previous_event_id, "type": event.type,
            "timestamp": event.timestamp, "step": event.step, "resource": event.resource,
            "details": event.details}
