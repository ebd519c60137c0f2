"""The scheduler of an execution: the ready stack, the timers, and the Distributed Map children
that move when nothing of the parent's comes sooner.

A mixin of :class:`~interpreter.execution.Execution` (split out of ``execution.py``, a pure move).
"""
from __future__ import annotations

import heapq
from typing import Any

from . import map_run
from .definition import Program
from .events import EventStream
from .limits import STANDARD_MAX_SECONDS
from .threads import _ABORTABLE, _DEADLINE, _MOVED, ENTER, RUNNING, Thread


class Scheduling:
    # --- threads and scheduling -------------------------------------------------------------

    def _new_thread(self, parent: Thread | None, program: Program, input: Any, index: int, prev: int) -> Thread:
        self._seq += 1
        th = Thread(self._seq, parent.id if parent else None, program, input, index, prev)
        self._threads[th.id] = th
        return th

    def _push(self, th: Thread) -> None:
        if not th.in_ready:
            th.in_ready = True
            self._ready.append(th)

    def _unready(self, th: Thread) -> None:
        if th.in_ready:
            th.in_ready = False
            ready = self._ready
            if ready[-1] is th:
                ready.pop()
            else:
                ready.remove(th)

    def _add_timer(self, at: int, thread_id: int) -> None:
        self._seq += 1
        heapq.heappush(self._timers, (at, self._seq, thread_id))

    def spawn(self, th: Thread, program: Program, input: Any, index: int) -> Thread:
        child = self._new_thread(th, program, input, index, th.prev)
        th.children.append(child.id)
        redo = self.redriving.redo
        if redo and index in redo.get(th.id, ()):
            self._reenter(child, redo[th.id].pop(index))  # a redriven Map's iteration
        else:
            self._push(child)
        return child

    def spawn_all(self, th: Thread, specs: list[tuple[Program, Any, int]]) -> None:
        """Start several children at once (Parallel); the first one runs first."""
        self.block(th, "waiting_children")
        children = [self._new_thread(th, program, data, index, th.prev) for program, data, index in specs]
        th.children.extend(c.id for c in children)
        for child in reversed(children):
            self._push(child)
        if not children:
            self.resume(th, "joined")

    def active_children(self, th: Thread) -> int:
        return len(th.children)

    def block(self, th: Thread, phase: str) -> None:
        th.phase, th.status = phase, "blocked"
        self._unready(th)

    def resume(self, th: Thread, phase: str) -> None:
        th.phase, th.status = phase, "ready"
        self._push(th)

    def sleep(self, th: Thread, until: int, phase: str) -> None:
        th.phase, th.status, th.wake_at = phase, "sleeping", until
        self._unready(th)
        self._add_timer(until, th.id)

    def abort_children(self, th: Thread) -> list[Thread]:
        aborted = []
        for cid in th.children:
            child = self._threads[cid]
            self._lose(th, child)
            self._abort(child)
            aborted.append(child)
        th.children = []
        return aborted

    def wait_until(self, th: Thread, wake: int) -> None:
        """A Wait's sleep. A Standard execution runs for at most a year (AWS's guide: past the
        one-year maximum it times out), so a wait that ends later ends the run at the year."""
        limit = self.start_time + STANDARD_MAX_SECONDS * 1000
        if wake > limit and not self.express:
            self._add_timer(limit, _DEADLINE)
        self.sleep(th, wake, "waited")

    def emit_state_aborted(self, parent: Thread, child: Thread) -> None:
        """``TaskStateAborted`` (or Wait/Map/Parallel's) for the state an aborted branch or iteration
        was in; nothing when it had not entered one yet."""
        if child.phase is ENTER:
            return
        kind = child.program.states[child.state].type
        if kind in _ABORTABLE:
            self.emit(parent, kind + "StateAborted", None, after=child)

    def _abort(self, th: Thread) -> None:
        if th.phase == "map_run":
            map_run.abort(self, self.map_runs[th.data["arn"]])
        for cid in th.children:
            self._abort(self._threads[cid])
        th.children = []
        self._unready(th)
        if th.token is not None:
            self._tokens.pop(th.token, None)
        self._forget(th)
        th.status = "aborted"
        self._threads.pop(th.id, None)

    def _pick(self, until: int | None = None) -> Any:
        """The thread to advance next; None when nothing can move (by ``until``, when given);
        ``_MOVED`` when a Distributed Map's child moved instead, so the caller looks again."""
        while not self._ready:
            if self.map_runs.active:
                # A Distributed Map's children move when nothing of the parent's comes sooner.
                at, run, index = self.map_runs.earliest()
                if run is not None:
                    due = self._next_timer()
                    if due is None or at < due:
                        if until is not None and at > until:
                            return None
                        if at > self.clock:
                            self.clock = at
                        map_run.advance(self, run, index)
                        return _MOVED
                if until is not None:
                    due = self._next_timer()
                    if due is None or due > until:
                        return None
            if not self._timers:
                return None
            at, _, tid = heapq.heappop(self._timers)
            if tid == _DEADLINE:
                if at > self.clock:
                    self.clock = at
                self._time_out()
                return None
            th = self._threads.get(tid)
            if th is None or th.wake_at != at or th.status not in ("sleeping", "awaiting"):
                continue
            if at > self.clock:
                self.clock = at
            th.wake_at = None
            if th.status == "awaiting":
                if th.token is not None:
                    self._tokens.pop(th.token, None)
                th.phase = "timed_out"
            th.status = "ready"
            self._push(th)
        return self._ready[-1]

    def next_wake_is_now(self) -> bool:
        """Whether another timer is due at this very instant (a sibling's timeout, say)."""
        return self._next_timer() == self.clock

    def _next_timer(self) -> int | None:
        """When the earliest timer still armed fires (dropping those that no longer count)."""
        timers = self._timers
        while timers:
            at, _, tid = timers[0]
            if tid == _DEADLINE:
                return at
            th = self._threads.get(tid)
            if th is not None and th.wake_at == at and th.status in ("sleeping", "awaiting"):
                return at
            heapq.heappop(timers)
        return None

    # --- driving from outside ---------------------------------------------------------------

    def run_to_callback(self, max_steps: int | None = None) -> Any:
        """Like ``run()``, but stop while a task waits for a callback and nothing else is ready:
        its answer or heartbeat then comes before the clock jumps to a timeout."""
        steps = 0
        stream = self.events if type(self.events) is EventStream else None
        while self.status is RUNNING:
            if max_steps is not None and steps >= max_steps:
                break
            waiting = self._awaiting_callback()
            if not self._ready and waiting and not self._children_due():
                break
            th = self._pick(self.clock if waiting else None)
            if th is None:
                break
            if th is not _MOVED:
                self._advance(th)
                steps += 1
                if stream is not None and len(stream) >= EventStream.BATCH:
                    self.flush_events()
        self.flush_events()
        return self

    def run_until(self, at: int) -> Any:
        """Let virtual time pass up to ``at`` (milliseconds): run what is ready and every timer due
        by then (waits, retries, timeouts, missed heartbeats), then set the clock to ``at``."""
        stream = self.events if type(self.events) is EventStream else None
        while self.status is RUNNING:
            if not self._ready:
                wake = self.next_wake()
                if wake is None or wake > at:
                    break
            th = self._pick(at)
            if th is None:
                break
            if th is not _MOVED:
                self._advance(th)
                if stream is not None and len(stream) >= EventStream.BATCH:
                    self.flush_events()
        if self.status is RUNNING and at > self.clock:
            self.clock = at
        self.flush_events()
        return self
