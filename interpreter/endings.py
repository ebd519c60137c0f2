"""How a thread or the whole run ends: a state's last exit, a failure that reaches the top, the
run's time-out, StopExecution, and AWS's history limit. Each ending stops the timers, tokens and
Map Runs still pending.

A mixin of :class:`~interpreter.execution.Execution` (split out of ``execution.py``, a pure move).
"""
from __future__ import annotations

from typing import Any

from . import map_run
from .events import Event
from .limits import HISTORY_LIMIT_ERROR, history_limit_cause
from .threads import _ENDINGS, ABORTED, FAILED, RUNNING, SUCCEEDED, TIMED_OUT, Thread


class Endings:
    # --- endings ----------------------------------------------------------------------------

    def _finish(self, th: Thread, output: Any) -> None:
        th.status = "done"
        self._unready(th)
        if th.parent is None:
            self.emit(th, "ExecutionSucceeded", {"output": output})
            self.status, self.output = SUCCEEDED, output
            self._stop_everything()
            return
        parent = self._child_done(th)
        parent.program.states[parent.state].child_succeeded(self, parent, th, output)

    def fail_thread(self, th: Thread, error: str | None, cause: str | None) -> None:
        th.status = "failed"
        self._unready(th)
        if th.parent is None:
            self.redriving.node = self._capture(th)
            details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
            self.emit(th, "ExecutionFailed", details)
            self.status, self.error, self.cause = FAILED, error, cause
            self._stop_everything()
            return
        self._lose(self._threads[th.parent], th)
        self._forget(th)
        parent = self._child_done(th)
        parent.program.states[parent.state].child_failed(self, parent, th, error, cause)

    def _child_done(self, th: Thread) -> Thread:
        parent = self._threads[th.parent]
        parent.children.remove(th.id)
        parent.prev = th.prev
        self._threads.pop(th.id, None)
        return parent

    def _stop_everything(self) -> None:
        for run in list(self.map_runs.active):
            map_run.abort(self, run)
        self._ready.clear()
        self._timers.clear()
        self._tokens.clear()

    def _root(self) -> Thread | None:
        return next((th for th in self._threads.values() if th.parent is None), None)

    def _time_out(self) -> None:
        root = self._root()
        if root is not None:
            self.redriving.node = self._capture(root)
            self.abort_children(root)
            # Recorded (test_timeouts::test_global_timeout): DescribeExecution of a run past its
            # TimeoutSeconds says TIMED_OUT with no error and no cause, and the event carries none.
            self.emit(root, "ExecutionTimedOut", None)
        self.status, self.error, self.cause = TIMED_OUT, None, None
        self._stop_everything()

    def abort(self, error: str | None = None, cause: str | None = None) -> list[Event]:
        """Stop the run as StopExecution does: ``ExecutionAborted``."""
        if self.status is not RUNNING:
            return []
        before = len(self.events)
        root = self._root()
        if root is not None:
            self.redriving.node = self._capture(root)
            # AWS writes only ExecutionAborted: no ...StateAborted for the states that were running.
            self.abort_children(root)
            details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
            self.emit(root, "ExecutionAborted", details or None)
        self.status, self.error, self.cause = ABORTED, error, cause
        self._stop_everything()
        return self.events[before:]

    def _history_reached(self) -> None:
        """A transition wrote the run's last allowed event (``max_history_events``, 25,000 at AWS)
        or more. Event 25,000 may be the run's own end (ExecutionSucceeded, or its failure,
        time-out or abort); otherwise the events from 25,000 on are dropped and the run fails as
        AWS fails it: ExecutionFailed as event 25,000, ``States.Runtime``. What the transition set
        in motion stops here, and the run cannot be redriven (AWS: "Execution history event limit
        exceeded")."""
        cap = self.redriving.event_cap
        events = self.events
        at = len(events) - (self._next_event - cap)  # where event number ``cap`` is in the list
        if 0 <= at < len(events) and events[at].type in _ENDINGS:
            del events[at + 1:]
            return
        del events[max(at, 0):]
        self._threads.clear()
        self.redriving.node = None
        cause = history_limit_cause(cap)
        self.status, self.output, self.error, self.cause = FAILED, None, HISTORY_LIMIT_ERROR, cause
        self._stop_everything()
        events.append(Event(cap, cap - 1, "ExecutionFailed", self.clock, {"error": HISTORY_LIMIT_ERROR, "cause": cause}))
        self._next_event = cap + 1
