"""What an execution is made of: its threads (the top level, each Parallel branch, each Map
iteration), the scope paths read, the run's statuses and the errors it raises to callers.

Split out of ``execution.py`` (a pure move) so the scheduler, redrive, callbacks and snapshots can
live in their own modules without importing one another in a circle.
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .definition import Program
from .limits import HISTORY_EVENTS

if TYPE_CHECKING:
    from .execution import Execution

RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED = "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"
ENTER = "enter"
_DEADLINE = -1  # timer entry for the machine's own TimeoutSeconds

Handler = Callable[[Any, dict], Any]
_UNSET = object()
_MOVED = object()  # what _pick returns when a Distributed Map's child moved instead of a thread
_NO_CAP = 1 << 62  # max_history_events=None: no limit on the history (local experiments)
# The events that may be the last one: event number 25,000 ends the run if it is one of these.
_CONTAINERS = (dict, list, str)
_ABORTABLE = frozenset({"Task", "Wait", "Map", "Parallel"})
_ENDINGS = frozenset({"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"})
HISTORY_LIMIT_REASON = "Execution history event limit exceeded."


class InvalidToken(LookupError):
    """No task of this execution is waiting for that token."""


class ExecutionNotRedrivable(Exception):
    """AWS's ``ExecutionNotRedrivable``: the run succeeded, is still running, or is an express one."""


class RedriveState:
    """Redrive bookkeeping, kept off Thread so that starting a branch or iteration costs no more.

    It also holds the history cap, which decides whether the run can be redriven: the Execution
    keeps no more than 29 attributes of its own, since a 30th made every ``self.x`` of the hot
    loop slower (W3 by 8 %, measured)."""
    __slots__ = ("count", "node", "redo", "lost", "event_cap")

    def __init__(self, event_cap: int = HISTORY_EVENTS):
        self.event_cap = event_cap  # AWS's 25,000 events, or _NO_CAP
        self.count = 0
        self.node: dict | None = None  # the root's node once the run failed, timed out or aborted
        # By thread id: a redriven Map's iterations still to run again, by index (a node, or None
        # to start afresh); the children of a Map or Parallel that failed or were aborted, by index.
        self.redo: dict[int, dict[int, dict | None]] = {}
        self.lost: dict[int, dict[int, dict]] = {}


class Thread:
    __slots__ = ("id", "parent", "program", "state", "phase", "input", "index", "prev", "entered_id",
                 "entered_at", "retry_count", "attempts", "results", "pending", "items", "data",
                 "next_index", "limit", "children", "status", "wake_at", "token", "in_ready", "vars", "deadline",
                 "heartbeat", "size")

    _FIELDS = ("id", "parent", "state", "phase", "input", "index", "prev", "entered_id", "entered_at",
               "retry_count", "attempts", "results", "pending", "items", "data", "next_index", "limit",
               "children", "status", "wake_at", "token", "vars", "deadline", "heartbeat")

    def __init__(self, id: int, parent: int | None, program: Program, input: Any, index: int, prev: int):
        self.id, self.parent, self.program = id, parent, program
        self.state, self.phase, self.input, self.index, self.prev = program.start_at, ENTER, input, index, prev
        self.size: int | None = None  # at least the JSON size of ``input`` in bytes; None: not known yet
        self.entered_id = self.entered_at = 0
        self.retry_count = 0
        self.attempts: list[int] | None = None
        self.results = self.pending = self.items = self.data = None
        self.next_index = self.limit = 0
        self.children: list[int] = []
        self.status = "ready"
        self.wake_at: int | None = None
        self.token: str | None = None
        self.in_ready = False
        self.vars: dict | None = None  # variables this thread assigned (its own scope)
        self.deadline: int | None = None   # a waiting task's TimeoutSeconds, on the virtual clock
        self.heartbeat: int | None = None  # its HeartbeatSeconds, in milliseconds

    def to_json(self) -> dict:
        out = {f: getattr(self, f) for f in self._FIELDS}
        out["program"] = self.program.pointer
        return out


class Scope:
    """What paths and intrinsics may read: the context object (built on demand) and variables."""
    __slots__ = ("ex", "th", "with_token", "map_item", "_context", "_variables")

    def __init__(self, ex: "Execution", th: Thread, with_token: bool = False, map_item: tuple | None = None):
        self.ex, self.th, self.with_token, self.map_item, self._context = ex, th, with_token, map_item, None
        self._variables = _UNSET

    @property
    def variables(self) -> Mapping[str, Any] | None:
        """Every variable visible here: this thread's own, then each enclosing scope's."""
        if self._variables is _UNSET:
            self._variables = self.ex.variables(self.th)
        return self._variables

    @property
    def rng(self) -> random.Random:
        return self.ex.rng

    @property
    def context(self) -> dict:
        if self._context is None:
            self._context = self.ex.context_object(self.th, self.with_token, self.map_item)
        return self._context
