"""timeline.fold: per-state status from events alone; incremental equals from scratch."""
from __future__ import annotations

from designer import timeline


def ev(id, type, step="", prev=None, **details):
    return {"id": id, "previousEventId": id - 1 if prev is None else prev, "type": type, "step": step,
            "details": details or None}


def test_statuses_follow_the_events():
    events = [
        ev(1, "ExecutionStarted"),
        ev(2, "TaskStateEntered", "T"), ev(3, "TaskScheduled", "T", resource="invoke"),
        ev(4, "TaskFailed", "T", error="E"),
        ev(5, "TaskScheduled", "T", resource="invoke"), ev(6, "TaskSucceeded", "T"), ev(7, "TaskStateExited", "T"),
        ev(8, "WaitStateEntered", "W"),
    ]
    summary = timeline.fold({}, events[:4])
    assert timeline.colours(summary) == {"T": "failed"}
    assert timeline.colours(summary, current=["T"]) == {"T": "retrying"}
    summary = timeline.fold(summary, events[4:])
    assert timeline.colours(summary) == {"T": "succeeded", "W": "waiting"}
    assert summary["states"]["T"]["retries"] == 1
    assert timeline.fold({}, events) == summary


def test_callbacks_wait_catches_and_ends():
    events = [
        ev(1, "ExecutionStarted"), ev(2, "TaskStateEntered", "R"),
        ev(3, "TaskScheduled", "R", resource="invoke.waitForTaskToken"), ev(4, "TaskStarted", "R"),
        ev(5, "TaskSubmitted", "R"),
    ]
    summary = timeline.fold({}, events)
    assert timeline.colours(summary) == {"R": "waiting"}
    caught = timeline.fold(summary, [ev(6, "TaskTimedOut", "R", error="States.Timeout"), ev(7, "TaskStateExited", "R")])
    assert timeline.colours(caught) == {"R": "caught"}
    failed = timeline.fold(summary, [ev(6, "TaskFailed", "R", error="X"), ev(7, "ExecutionFailed")])
    assert timeline.colours(failed) == {"R": "failed"}
    aborted = timeline.fold(summary, [ev(6, "ExecutionAborted")])
    assert timeline.colours(aborted) == {"R": "aborted"}


def test_a_container_left_after_a_branch_failed_was_caught():
    events = [ev(1, "ParallelStateEntered", "P"), ev(2, "ParallelStateStarted", "P"),
              ev(3, "TaskStateEntered", "T"), ev(4, "TaskFailed", "T"), ev(5, "TaskStateAborted", "T"),
              ev(6, "ParallelStateExited", "P"), ev(7, "FailStateEntered", "F"), ev(8, "ExecutionFailed")]
    assert timeline.colours(timeline.fold({}, events)) == {"P": "caught", "T": "failed", "F": "failed"}


def test_fold_does_not_change_its_argument():
    summary = timeline.fold({}, [ev(1, "PassStateEntered", "A")])
    before = repr(summary)
    timeline.fold(summary, [ev(2, "PassStateExited", "A")])
    assert repr(summary) == before
