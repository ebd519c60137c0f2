"""Parallel: runs every branch on the state's input; the result is the list of branch outputs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import StatesError
from .base import Fields, State, arguments, finish, quick_init


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelState(State):
    type: ClassVar[str] = "Parallel"
    branches: tuple = ()

    @classmethod
    def parse(cls, f: Fields) -> "ParallelState":
        from ..definition import parse_program

        raw = f.raw.get("Branches")
        if not isinstance(raw, list) or not raw:
            raise f.fail("MISSING_BRANCHES", "Branches", f"Parallel state '{f.name}' needs at least one branch.")
        branches = tuple(parse_program(b, f.at("Branches", i), f.machine_language) for i, b in enumerate(raw))
        return cls(**f.common(), **f.transition(), **f.error_handling(), branches=branches)

    def children(self) -> tuple:
        return self.branches

    def run(self, ex, th) -> None:
        phase = th.phase
        if phase == "joined":
            # AWS records no ParallelStateExited for a Parallel nested in another's branch.
            finish(ex, th, self, th.results, silent=ex.inside(th, "Parallel"))
            return
        if phase == "child_failed":
            error, cause, task_aborted = th.pending
            failure = StatesError(error, cause)
            # AWS writes TaskStateAborted for a Task that failed a branch, and then no
            # ParallelStateFailed (recorded); a Fail state failing a branch gets ParallelStateFailed.
            failure.failed_event = None if task_aborted else "ParallelStateFailed"
            raise failure
        data = arguments(ex, th, self)
        ex.emit(th, "ParallelStateStarted", None)
        th.results = [None] * len(self.branches)
        ex.spawn_all(th, [(branch, data, i) for i, branch in enumerate(self.branches)])

    def child_succeeded(self, ex, th, child, output) -> None:
        th.results[child.index] = output
        if ex.active_children(th) == 0:
            ex.resume(th, "joined")

    def child_failed(self, ex, th, child, error, cause) -> None:
        task_aborted = child.program.states[child.state].type == "Task"
        if task_aborted:
            ex.emit(th, "TaskStateAborted", None, after=child)
        for other in sorted(ex.abort_children(th), key=lambda other: other.index):
            ex.emit_state_aborted(th, other)
        th.pending = [error, cause, task_aborted]
        ex.resume(th, "child_failed")
