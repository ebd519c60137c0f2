"""An execution: advances one state transition at a time on a virtual clock, emitting AWS events.

The run is a tree of *threads*: the top level, each Parallel branch, each Map iteration. The
ready threads form a stack; the one on top advances until it finishes or blocks (a Wait, a
retry delay, a callback, children to wait for), then the one below goes on. When nothing is
ready, the clock jumps to the earliest timer. Nothing here sleeps, spawns a thread or does I/O:
the caller decides whether to skip ahead, pace a demo, or wait for a person.

``to_json()`` captures everything needed to go on later; ``Execution.restore`` rebuilds it.

Redrive (AWS's ``RedriveExecution``): when a run ends FAILED, TIMED_OUT or ABORTED, the thread
tree is discarded, but first each unfinished thread is *captured* as a plain-JSON node: the
state to enter again and its input, its variables, and for a Map or Parallel that had begun,
the results that succeeded and a node per iteration or branch to run again. ``redrive()``
rebuilds the tree from those nodes, so successful steps, branches and iterations are not re-run.
"""
from __future__ import annotations

import heapq
import random
import uuid
from collections import ChainMap
from typing import Any, Callable, Iterable, Mapping

from . import map_run
from .definition import Program, StateMachine
from .error_handling import error_matches, error_output
from .errors import StateRuntimeError, StatesError
from .events import Event
from .jsonata_query import Env
from .jsonpath import ResultPathMatchFailure, set_reference_path
from .jsontext import dumps
from .limits import (EXPRESS_MAX_SECONDS, HISTORY_EVENTS, HISTORY_LIMIT_ERROR, PAYLOAD_BYTES, STANDARD_MAX_SECONDS,
                     history_limit_cause, json_size)
from .mocks import Mocks
from .sizes import small_bound as _small_bound, upper_bound
from .timestamps import format_millis, now_millis

RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED = "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"
ENTER = "enter"
_DEADLINE = -1  # timer entry for the machine's own TimeoutSeconds
SNAPSHOT_VERSION = 3  # 2: adds "redo", "lost", "redrive", "redriveCount" (for a redrive); 3: "mapRuns"

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


class Execution:
    def __init__(self, machine: StateMachine, input: Any = None, *, name: str | None = None,
                 state_machine_name: str = "StateMachine", mocks: Mocks | None = None,
                 handlers: dict[str, Handler] | None = None, seed: int | None = None,
                 start_time: int | None = None, account: str = "123456789012", region: str = "us-east-1",
                 role_arn: str | None = None, express: bool = False, synchronous: bool = False,
                 max_history_events: int | None = HISTORY_EVENTS, _restoring: bool = False):
        self.machine = machine
        self.mocks = mocks or Mocks()
        self.handlers = dict(handlers or {})
        self.map_runs = map_run.MapRuns()  # Distributed Map runs by ARN, their child executions inside
        self.events: list[Event] = []
        self.status = RUNNING
        self.output: Any = None
        self.error: str | None = None
        self.cause: str | None = None
        self._threads: dict[int, Thread] = {}
        self._ready: list[Thread] = []
        self._timers: list[tuple[int, int, int]] = []
        self._tokens: dict[str, int] = {}
        self._calls: dict[str, int] = {}
        self._seq = 0
        self._next_event = 1
        # One attribute for all of redrive: CPython keeps an instance's attributes inline (fast
        # ``self.x`` in the hot loop) only up to about 30 of them.
        # AWS ends a run at its 25,000th event; None lifts the cap. One comparison a transition
        # (at the end of _advance) finds a transition that reached it: see _history_reached.
        # Express executions keep no history in Step Functions, so its quota does not apply.
        self.redriving = RedriveState((None if express else max_history_events) or _NO_CAP)
        if _restoring:
            return
        self.seed = seed if seed is not None else random.SystemRandom().getrandbits(64)
        self.rng = random.Random(self.seed)
        self.clock = start_time if start_time is not None else now_millis()
        self.start_time = self.clock
        self.input = input
        self.name = name or str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self.state_machine_name = state_machine_name
        self.account, self.region, self.express = account, region, express
        # StartSyncExecution of an express workflow: its context has no RedriveCount.
        self.synchronous = synchronous
        self.role_arn = role_arn or f"arn:aws:iam::{account}:role/StatewiseSimulation"
        root = self._new_thread(None, machine.program, input, 0, 0)
        self._push(root)
        self.emit(root, "ExecutionStarted", {"input": input, "roleArn": self.role_arn})
        timeout = machine.timeout_seconds
        if express:  # an Express execution runs for at most five minutes
            timeout = min(timeout or EXPRESS_MAX_SECONDS, EXPRESS_MAX_SECONDS)
        if timeout:
            self._add_timer(self.clock + timeout * 1000, _DEADLINE)

    # --- identity -----------------------------------------------------------------------

    @property
    def max_history_events(self) -> int | None:
        cap = self.redriving.event_cap
        return None if cap == _NO_CAP else cap

    @property
    def redrive_count(self) -> int:
        return self.redriving.count

    @property
    def state_machine_arn(self) -> str:
        return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{self.state_machine_name}"

    @property
    def execution_arn(self) -> str:
        if self.express:
            return (f"arn:aws:states:{self.region}:{self.account}:express:{self.state_machine_name}:"
                    f"{self.name}:{uuid.UUID(int=self.seed % (1 << 128), version=4)}")
        return f"arn:aws:states:{self.region}:{self.account}:execution:{self.state_machine_name}:{self.name}"

    def context_object(self, th: Thread, with_token: bool = False, map_item: tuple | None = None) -> dict:
        state = th.program.states[th.state]
        state_ctx: dict[str, Any] = {"Name": th.state, "EnteredTime": format_millis(th.entered_at)}
        if state.type in ("Task", "Parallel", "Map"):
            state_ctx["RetryCount"] = th.retry_count
        execution = {"Id": self.execution_arn, "Input": self.input, "StartTime": format_millis(self.start_time),
                     "Name": self.name, "RoleArn": self.role_arn}
        if not self.synchronous:
            execution["RedriveCount"] = self.redrive_count
        ctx: dict[str, Any] = {
            "Execution": execution,
            "StateMachine": {"Id": self.state_machine_arn, "Name": self.state_machine_name},
            "State": state_ctx,
        }
        if with_token:
            ctx["Task"] = {"Token": self._ensure_token(th)}
        if map_item is not None:
            ctx["Map"] = {"Item": {"Index": map_item[0], "Value": map_item[1]}}
        return ctx

    def scope(self, th: Thread, with_token: bool = False, map_item: tuple | None = None,
              lazy_token: bool = False) -> Scope:
        """``with_token``: ``$$.Task.Token`` is there (made now, or only once read with ``lazy_token``)."""
        if with_token and not lazy_token:
            self._ensure_token(th)
        return Scope(self, th, with_token, map_item)

    def _ensure_token(self, th: Thread) -> str:
        if th.token is None:
            th.token = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return th.token

    def variables(self, th: Thread) -> Mapping[str, Any] | None:
        scopes = []
        while True:
            if th.vars:
                scopes.append(th.vars)
            if th.parent is None:
                break
            th = self._threads[th.parent]
        if not scopes:
            return None
        return scopes[0] if len(scopes) == 1 else ChainMap(*scopes)

    def runtime_prefix(self, th: Thread) -> str:
        return (f"An error occurred while executing the state '{th.state}' "
                f"(entered at the event id #{th.entered_id}). ")

    # --- events ---------------------------------------------------------------------------

    def emit(self, th: Thread, type: str, details: dict | None, after: Thread | None = None) -> int:
        eid = self._next_event
        self._next_event = eid + 1
        self.events.append(Event(eid, (after or th).prev, type, self.clock, details))
        th.prev = eid
        return eid

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

    def take_events(self) -> list[Event]:
        """Hand over the events recorded so far and forget them (for long runs that persist them)."""
        events, self.events = self.events, []
        return events

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
                at, run, index = map_run.earliest(self.map_runs.active)
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

    # --- the step --------------------------------------------------------------------------

    def step(self) -> list[Event]:
        """Advance one transition; returns the events it emitted (none when nothing can move)."""
        before = len(self.events)
        if self.status is RUNNING:
            th = self._pick()
            while th is _MOVED and self.status is RUNNING:
                th = self._pick()
            if th is not None and th is not _MOVED:
                self._advance(th)
        return self.events[before:]

    def run(self, breakpoints: Iterable[str] = (), max_steps: int | None = None) -> "Execution":
        """Run until the end, a breakpoint (before entering a named state), or nothing can move."""
        stops = frozenset(breakpoints)
        steps = 0
        pick, advance = self._pick, self._advance
        while self.status is RUNNING:
            if max_steps is not None and steps >= max_steps:
                break
            th = pick()
            if th is None:
                break
            if th is _MOVED:
                continue
            if stops and steps and th.phase is ENTER and th.state in stops:
                break
            advance(th)
            steps += 1
        return self

    def _advance(self, th: Thread) -> None:
        state = th.program.states[th.state]
        try:
            if th.phase is ENTER:
                th.entered_at = self.clock
                th.retry_count = 0
                th.attempts = None
                th.token = None
                th.entered_id = self.emit(th, state.type + "StateEntered", {"name": th.state, "input": th.input})
                th.phase = "start"
            state.run(self, th)
        except StatesError as e:
            self._handle_error(th, state, e)
        except (RecursionError, ArithmeticError, TypeError, ValueError, LookupError) as e:
            # A defect of ours must not surface as a traceback; it fails the run, saying so.
            self.fail_thread(th, "States.Runtime", self.runtime_prefix(th) +
                             f"Internal interpreter error ({type(e).__name__}: {e}).")
        if self._next_event > self.redriving.event_cap:
            self._history_reached()

    def inside(self, th: Thread, state_type: str) -> bool:
        """Whether the thread is a branch or iteration of a state of this type."""
        if th.parent is None:
            return False
        parent = self._threads[th.parent]
        return parent.program.states[parent.state].type == state_type

    def exit_state(self, th: Thread, state: Any, output: Any, target: str | None = None,
                   silent: bool = False, assigned: dict | None = None, size: int | None = None) -> None:
        """``size``, when the caller knows it, bounds the output's JSON size (sizes.merged_bound)."""
        if output is th.input:
            size = th.size  # passed through: measured, if at all, when it was made
        elif type(output) in _CONTAINERS:
            if size is None:
                size = _small_bound(output)  # the usual output: a few plain fields, added up here
                if size < 0:
                    size = upper_bound(output, th, PAYLOAD_BYTES)
            if size > PAYLOAD_BYTES:
                size = json_size(output)  # the bound is loose: measure, the one time it matters
                if size > PAYLOAD_BYTES:
                    # Recorded (test_start_large_input): a state whose output passes 256 KiB fails
                    # with no StateExited, and the cause names the state.
                    raise StatesError("States.DataLimitExceeded", f"The state/task '{state.name}' returned a "
                                      f"result with a size exceeding the maximum number of bytes service limit.")
        else:
            size = 24
        if assigned is not None:
            self._assign(th, assigned)
        if not silent:
            details = {"name": state.name, "output": output}
            if assigned is not None:
                details["assignedVariables"] = assigned
            self.emit(th, state.type + "StateExited", details)
        following = target or state.next
        if following is None:
            self._finish(th, output)
        else:
            th.state, th.input, th.phase, th.size = following, output, ENTER, size

    def _handle_error(self, th: Thread, state: Any, e: StatesError) -> None:
        name, cause = e.name, e.cause
        if isinstance(e, StateRuntimeError):
            cause = self.runtime_prefix(th) + (cause or "")
        location = getattr(e, "location", None)
        if location is not None:
            self.emit(th, "EvaluationFailed", {"error": name, "cause": cause, "location": location,
                                               "state": th.state})
            if state.type in ("Map", "Parallel") and getattr(e, "failed_event", None) is None:
                e.failed_event = state.type + "StateFailed"
        for i, retrier in enumerate(state.retriers):
            if error_matches(retrier.error_equals, name):
                if th.attempts is None:
                    th.attempts = [0] * len(state.retriers)
                done = th.attempts[i]
                if done < retrier.max_attempts:
                    th.attempts[i] = done + 1
                    th.retry_count += 1
                    self._forget(th)  # a retried Map or Parallel starts afresh
                    self.sleep(th, self.clock + retrier.delay_millis(done, self.rng), "start")
                    return
                break
        if getattr(e, "failed_event", None):
            # AWS writes MapStateFailed / ParallelStateFailed only once the failure is final.
            self.emit(th, e.failed_event, None)
        for catcher in state.catchers:
            if error_matches(catcher.error_equals, name):
                try:
                    output, assigned = self._caught(th, state, catcher, error_output(name, cause))
                except StatesError as failure:
                    cause = failure.cause
                    if isinstance(failure, StateRuntimeError):
                        cause = self.runtime_prefix(th) + (cause or "")
                    self.fail_thread(th, failure.name, cause)
                    return
                self._forget(th)
                self.exit_state(th, state, output, catcher.next, assigned=assigned)
                return
        self.fail_thread(th, name, cause)

    def _caught(self, th: Thread, state: Any, catcher: Any, caught: dict) -> tuple[Any, dict | None]:
        """A catcher's output and Assign: both read the error output (``$`` or ``$states.errorOutput``)."""
        scope = self.scope(th)
        if state.jsonata:
            env = Env(th.input, scope, error_output=caught)
            assigned = catcher.assign(env) if catcher.assign is not None else None
            return (catcher.output(env) if catcher.output is not None else caught), assigned
        assigned = catcher.assign(caught, scope) if catcher.assign is not None else None
        path = catcher.result_path
        if path == "$":
            return caught, assigned
        if path is None:
            return th.input, assigned
        try:
            return set_reference_path(th.input, path, caught), assigned
        except ResultPathMatchFailure as failure:
            raise StateRuntimeError("States.ResultPathMatchFailure", f"Unable to apply step "
                                    f"\"{failure.args[0]}\" to input {dumps(th.input)}") from None

    def _assign(self, th: Thread, assigned: dict) -> None:
        if not assigned:
            return
        if th.vars is None:
            th.vars = {}
        th.vars.update(assigned)

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

    # --- redrive ---------------------------------------------------------------------------

    def redrive(self, mocks: Mocks | None = None) -> list[Event]:
        """AWS's ``RedriveExecution``: go on from where a FAILED, TIMED_OUT or ABORTED run stopped.

        Writes ``ExecutionRedriven`` and enters again, with the input it had, each state that did
        not finish: only the iterations and branches of a Map or Parallel that failed, were
        aborted or never started run again; the others keep their results. Retry counts start
        again, and so does the machine's TimeoutSeconds. ``mocks``, when given, replace the run's
        mocks and their call numbers start again at 0 (otherwise the next calls take the next
        numbers). Returns the events written; ``run()`` goes on.
        """
        if self.express or self.synchronous:
            raise ExecutionNotRedrivable("Redrive is not supported for EXPRESS workflows.")
        if self.status is RUNNING or self.status is SUCCEEDED:
            raise ExecutionNotRedrivable(f"Execution is {self.status} and cannot be redriven.")
        if self._next_event >= self.redriving.event_cap:
            raise ExecutionNotRedrivable(HISTORY_LIMIT_REASON)
        root = self._root()
        rd = self.redriving
        if root is None or rd.node is None:
            raise ExecutionNotRedrivable("This execution holds no record of where it stopped.")
        before = len(self.events)
        if mocks is not None:
            self.mocks, self._calls = mocks, {}
        rd.count += 1
        self.status, self.output, self.error, self.cause = RUNNING, None, None, None
        self._threads = {root.id: root}
        rd.redo.clear()
        rd.lost.clear()
        root.in_ready = False  # _stop_everything emptied the ready stack under it
        self.emit(root, "ExecutionRedriven", {"redriveCount": self.redrive_count})
        node, rd.node = rd.node, None
        self._reenter(root, node)
        if self.machine.timeout_seconds:
            self._add_timer(self.clock + self.machine.timeout_seconds * 1000, _DEADLINE)
        if self._next_event > self.redriving.event_cap:
            self._history_reached()
        return self.events[before:]

    def _lose(self, parent: Thread, child: Thread) -> None:
        """A branch or iteration failed or is being aborted: remember where, for a redrive."""
        self.redriving.lost.setdefault(parent.id, {})[child.index] = self._capture(child)

    def _forget(self, th: Thread) -> None:
        rd = self.redriving
        if rd.redo or rd.lost:
            rd.redo.pop(th.id, None)
            rd.lost.pop(th.id, None)

    def _capture(self, th: Thread) -> dict:
        """What a redrive needs to enter this thread's state again (plain JSON, for snapshots)."""
        node: dict[str, Any] = {"state": th.state, "input": th.input}
        if th.vars:
            node["vars"] = dict(th.vars)
        if th.phase is ENTER:
            return node
        if th.phase in ("map_run", "map_run_done"):
            run = self.map_runs.get(th.data["arn"])
            if run is not None and run.redrivable():
                node["mapRun"] = run.arn
            return node
        kind = th.program.states[th.state].type
        begun = (kind == "Map" and th.phase in ("iterate", "child_failed")) or \
            (kind == "Parallel" and th.phase in ("waiting_children", "joined", "child_failed"))
        if not begun:  # not started its children, or a Distributed Map: enter it afresh
            return node
        rd = self.redriving
        rerun: dict[int, dict | None] = dict(rd.lost.get(th.id, {}))
        for cid in th.children:
            child = self._threads[cid]
            rerun[child.index] = self._capture(child)
        if kind == "Map":
            if th.id not in rd.redo:
                for index in range(th.next_index, len(th.items)):
                    rerun.setdefault(index, None)  # never started
            else:
                for index, left in rd.redo[th.id].items():
                    rerun.setdefault(index, left)  # a redrive's iterations not started again yet
            node.update(items=th.items, data=th.data, limit=th.limit)
        node["results"] = list(th.results)
        node["rerun"] = sorted(rerun.items(), key=lambda pair: pair[0])
        return node

    def _reenter(self, th: Thread, node: dict | None, push: bool = True) -> None:
        """Set a thread going again from a captured node (None: start its program afresh)."""
        th.phase, th.status = ENTER, "ready"
        th.retry_count, th.attempts, th.token, th.pending = 0, None, None, None
        th.wake_at = th.deadline = th.heartbeat = None
        self._forget(th)
        th.children = []
        if node is not None:
            th.state, th.input, th.size = node["state"], node["input"], None
            th.vars = dict(node["vars"]) if "vars" in node else None
            if "rerun" in node:
                self._reenter_begun(th, node)
            elif "mapRun" in node:
                state = th.program.states[th.state]
                th.entered_at = self.clock
                th.entered_id = self.emit(th, "MapStateEntered", {"name": th.state, "input": th.input})
                state.redrive_run(self, th, self.map_runs[node["mapRun"]])
        if push and th.status == "ready":
            self._push(th)

    def _reenter_begun(self, th: Thread, node: dict) -> None:
        """A Map or Parallel that had begun: enter it again, keeping what succeeded."""
        state = th.program.states[th.state]
        th.entered_at = self.clock
        th.entered_id = self.emit(th, state.type + "StateEntered", {"name": th.state, "input": th.input})
        th.results = list(node["results"])
        rerun = [(index, left) for index, left in node["rerun"]]
        if state.type == "Map":
            th.items, th.data, th.limit, th.next_index = node["items"], node["data"], node["limit"], 0
            self.redriving.redo[th.id] = dict(rerun)  # MapState.run skips the other indexes; spawn() re-enters these
            self.emit(th, "MapStateStarted", {"length": len(th.items)})
            th.phase = "iterate"
            return
        self.emit(th, "ParallelStateStarted", None)
        self.block(th, "waiting_children")
        children = []
        for index, left in rerun:
            child = self._new_thread(th, state.branches[index], left["input"], index, th.prev)
            th.children.append(child.id)
            self._reenter(child, left, push=False)
            children.append(child)
        for child in reversed(children):  # the first branch runs first, as in spawn_all
            if child.status == "ready":
                self._push(child)
        if not children:
            self.resume(th, "joined")

    # --- driving from outside ---------------------------------------------------------------

    def run_to_callback(self, max_steps: int | None = None) -> "Execution":
        """Like ``run()``, but stop while a task waits for a callback and nothing else is ready:
        its answer or heartbeat then comes before the clock jumps to a timeout."""
        steps = 0
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
        return self

    def run_until(self, at: int) -> "Execution":
        """Let virtual time pass up to ``at`` (milliseconds): run what is ready and every timer due
        by then (waits, retries, timeouts, missed heartbeats), then set the clock to ``at``."""
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
        if self.status is RUNNING and at > self.clock:
            self.clock = at
        return self

    # --- services and callbacks -----------------------------------------------------------

    def call_service(self, th: Thread, state: Any, params: Any) -> dict:
        call = self._calls.get(state.name, 0)
        self._calls[state.name] = call + 1
        answer = self.mocks.response(state.name, call)
        if answer is not None:
            return answer
        handler = self.handlers.get(state.resource.arn)
        if handler is not None:
            try:
                return {"Return": handler(params, self.context_object(th))}
            except StatesError as e:
                return {"Throw": {"Error": e.name, "Cause": e.cause}}
            except Exception as e:  # noqa: BLE001 - a handler's own failure is the task's failure
                return {"Throw": {"Error": type(e).__name__, "Cause": str(e)}}
        if state.resource.pattern == "waitForTaskToken" or state.resource.kind == "activity":
            # Someone answers by hand: send_task_success / send_task_failure with the token.
            self._ensure_token(th)
            return {"Callback": True}
        raise StateRuntimeError("States.Runtime", f"No mocked response for Task state '{state.name}' "
                                f"(call {call + 1}): add one to the test case's mock config, or supply a "
                                f"handler for '{state.resource.arn}'.")

    def await_answer(self, th: Thread, state: Any, timeout: int | None, heartbeat: int | None,
                     callback: bool) -> None:
        th.phase, th.status = "awaiting", "awaiting"
        self._unready(th)
        if callback and th.token is not None:
            self._tokens[th.token] = th.id
        th.deadline = self.clock + timeout * 1000 if timeout is not None else None
        th.heartbeat = heartbeat * 1000 if heartbeat is not None else None
        self._arm(th)

    def _arm(self, th: Thread) -> None:
        """Wake a waiting task at its timeout or its next missed heartbeat, whichever comes first."""
        wakes = [at for at in (th.deadline, th.heartbeat and self.clock + th.heartbeat) if at]
        th.wake_at = min(wakes) if wakes else None
        if th.wake_at is not None:
            self._add_timer(th.wake_at, th.id)

    def waiting_tokens(self) -> dict[str, str]:
        """Task tokens awaiting a callback, with the state that waits for each (a Distributed
        Map's children included: their tokens are answered through this execution)."""
        tokens = {token: self._threads[tid].state for token, tid in self._tokens.items()}
        for run in self.map_runs.active:
            for index in run.running:
                tokens.update(run.children[index].waiting_tokens())
        return tokens

    def _awaiting_callback(self) -> bool:
        """Whether a task waits for a callback, here or in a Distributed Map's running child
        (without building the token list, as the run loop asks this before every step)."""
        if self._tokens:
            return True
        return any(run.children[index]._tokens for run in self.map_runs.active for index in run.running)

    def _children_due(self) -> bool:
        """Whether a Distributed Map's child can move now, without time passing."""
        if not self.map_runs.active:
            return False
        at, _, _ = map_run.earliest(self.map_runs.active)
        return at is not None and at <= self.clock

    def _accept(self, token: str, answer: dict) -> None:
        tid = self._tokens.pop(token, None)
        if tid is None or self.status is not RUNNING:
            raise InvalidToken(f"No task is waiting for token '{token}'.")
        th = self._threads[tid]
        th.pending, th.wake_at = answer, None
        self.resume(th, "answered")

    def _answer(self, token: str, answer: dict) -> list[Event]:
        child = map_run.waiting_child(self, token) if token not in self._tokens else None
        if child is not None and self.status is RUNNING:
            child.clock = max(child.clock, self.clock)
            child._accept(token, answer)
        else:
            self._accept(token, answer)
        return self.step()

    def send_task_success(self, token: str, output: Any) -> list[Event]:
        return self._answer(token, {"Return": output})

    def send_task_failure(self, token: str, error: str | None = None, cause: str | None = None) -> list[Event]:
        return self._answer(token, {"Throw": {"Error": error, "Cause": cause}})

    def send_task_heartbeat(self, token: str) -> None:
        """The worker is alive: HeartbeatSeconds starts again (no history event, as in AWS)."""
        tid = self._tokens.get(token)
        child = map_run.waiting_child(self, token) if tid is None else None
        if child is not None and self.status is RUNNING:
            child.clock = max(child.clock, self.clock)
            child.send_task_heartbeat(token)
            return
        if tid is None or self.status is not RUNNING:
            raise InvalidToken(f"No task is waiting for token '{token}'.")
        self._arm(self._threads[tid])

    # --- where things stand -----------------------------------------------------------------

    def next_wake(self) -> int | None:
        """When the next step would set the clock to, if nothing is ready now."""
        if self.status is not RUNNING or self._ready:
            return None
        live = [at for at, _, tid in self._timers
                if tid == _DEADLINE or (tid in self._threads and self._threads[tid].wake_at == at)]
        if self.map_runs.active:
            at, _, _ = map_run.earliest(self.map_runs.active)
            if at is not None:
                live.append(max(at, self.clock))
        return min(live) if live else None

    def current_states(self) -> list[str]:
        """Names of the states the run is in or about to enter (innermost, ready first)."""
        return [th.state for th in self._threads.values() if not th.children and th.status != "done"]

    def describe_status(self) -> dict:
        out: dict[str, Any] = {"status": self.status, "clock": format_millis(self.clock)}
        if self.status is RUNNING and not self._ready and not self._children_due():
            wake = self.next_wake()
            if self._awaiting_callback():
                out["waiting"] = {"reason": "callback", "tokens": self.waiting_tokens()}
            elif wake is not None:
                out["waiting"] = {"reason": "timer", "resumeAt": format_millis(wake), "resumeAtMillis": wake}
            else:
                out["waiting"] = {"reason": "task", "states": self.current_states()}
        return out

    def result(self) -> dict:
        out: dict[str, Any] = {"status": self.status}
        if self.redrive_count:
            out["redriveCount"] = self.redrive_count
        if self.status is SUCCEEDED:
            out["output"] = self.output
        elif self.status is not RUNNING:
            out["error"], out["cause"] = self.error, self.cause
        else:
            out.update(self.describe_status())
        return out

    # --- snapshots --------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "version": SNAPSHOT_VERSION, "status": self.status, "output": self.output, "error": self.error,
            "cause": self.cause, "clock": self.clock, "startTime": self.start_time, "input": self.input,
            "name": self.name, "stateMachineName": self.state_machine_name, "account": self.account,
            "region": self.region, "roleArn": self.role_arn, "seed": self.seed, "express": self.express,
            "synchronous": self.synchronous,
            "rng": _rng_to_json(self.rng), "nextEventId": self._next_event, "seq": self._seq,
            "threads": [th.to_json() for th in self._threads.values()],
            "ready": [th.id for th in self._ready], "timers": [list(t) for t in self._timers],
            "tokens": self._tokens, "calls": self._calls,
            "redriveCount": self.redriving.count, "redrive": self.redriving.node,
            # JSON object keys are strings: thread ids and indexes as pairs
            "redo": [[tid, sorted(nodes.items(), key=_first)] for tid, nodes in self.redriving.redo.items()],
            "lost": [[tid, sorted(nodes.items(), key=_first)] for tid, nodes in self.redriving.lost.items()],
            "mapRuns": [run.to_json() for run in self.map_runs.values()],
            "maxHistoryEvents": self.max_history_events,
        }

    @classmethod
    def restore(cls, machine: StateMachine, snapshot: dict, *, mocks: Mocks | None = None,
                handlers: dict[str, Handler] | None = None) -> "Execution":
        if snapshot.get("version") not in (1, 2, SNAPSHOT_VERSION):  # older ones lack fields added since
            raise ValueError("This snapshot was written by another version of the interpreter.")
        ex = cls(machine, mocks=mocks, handlers=handlers, _restoring=True)
        for key, attr in (("status", "status"), ("output", "output"), ("error", "error"), ("cause", "cause"),
                          ("clock", "clock"), ("startTime", "start_time"), ("input", "input"), ("name", "name"),
                          ("stateMachineName", "state_machine_name"), ("account", "account"),
                          ("region", "region"), ("roleArn", "role_arn"), ("seed", "seed"), ("express", "express"),
                          ("synchronous", "synchronous"),
                          ("nextEventId", "_next_event"), ("seq", "_seq")):
            setattr(ex, attr, snapshot[key])
        ex.status = {s: s for s in (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)}[ex.status]
        ex.rng = _rng_from_json(snapshot["rng"])
        for data in snapshot["threads"]:
            program = machine.programs[data["program"]]
            th = Thread(data["id"], data["parent"], program, data["input"], data["index"], data["prev"])
            for field in Thread._FIELDS:
                setattr(th, field, data[field])
            if th.phase == ENTER:
                th.phase = ENTER  # the interned constant: the scheduler compares by identity
            ex._threads[th.id] = th
        for tid in snapshot["ready"]:
            ex._push(ex._threads[tid])
        ex._timers = [tuple(t) for t in snapshot["timers"]]
        heapq.heapify(ex._timers)
        ex._tokens = dict(snapshot["tokens"])
        ex._calls = dict(snapshot["calls"])
        rd = ex.redriving
        rd.count, rd.node = snapshot.get("redriveCount", 0), snapshot.get("redrive")
        ex.redriving.event_cap = snapshot.get("maxHistoryEvents", HISTORY_EVENTS) or _NO_CAP
        rd.redo = {tid: {index: node for index, node in pairs} for tid, pairs in snapshot.get("redo", ())}
        rd.lost = {tid: {index: node for index, node in pairs} for tid, pairs in snapshot.get("lost", ())}
        for data in snapshot.get("mapRuns", ()):
            run = map_run.MapRun.from_json(data, ex)
            ex.map_runs[run.arn] = run
            if run.status == "RUNNING" and run.thread_id in ex._threads:
                ex.map_runs.active.append(run)
        return ex


def _first(pair: tuple) -> Any:
    return pair[0]


def _rng_to_json(rng: random.Random) -> list:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _rng_from_json(data: list) -> random.Random:
    rng = random.Random()
    rng.setstate((data[0], tuple(data[1]), data[2]))
    return rng
