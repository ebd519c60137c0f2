"""An execution: advances one state transition at a time on a virtual clock, emitting AWS events.

The run is a tree of *threads*: the top level, each Parallel branch, each Map iteration. The
ready threads form a stack; the one on top advances until it finishes or blocks (a Wait, a
retry delay, a callback, children to wait for), then the one below goes on. When nothing is
ready, the clock jumps to the earliest timer. Nothing here sleeps, spawns a thread or does I/O:
the caller decides whether to skip ahead, pace a demo, or wait for a person.

The execution's parts live beside it, as mixins: the scheduler (``scheduling.py``), redrive
(``redriving.py``), services and callbacks (``callbacks.py``), snapshots (``snapshots.py``), how
threads and the run end (``endings.py``) and where the run stands (``standing.py``); threads,
statuses and errors in ``threads.py``. Every name callers import stays importable here.
"""
from __future__ import annotations

import random
import uuid
from collections import ChainMap
from typing import Any, Iterable, Mapping

from . import map_run
from .callbacks import Callbacks
from .definition import StateMachine
from .endings import Endings
from .error_handling import error_matches, error_output
from .errors import StateRuntimeError, StatesError
from .events import Event, EventStream
from .jsonata_query import Env
from .jsonpath import ResultPathMatchFailure, set_reference_path
from .jsontext import dumps
from .limits import EXPRESS_MAX_SECONDS, HISTORY_EVENTS, PAYLOAD_BYTES, json_size
from .mocks import Mocks
from .redriving import Redriving
from .scheduling import Scheduling
from .sizes import small_bound as _small_bound, upper_bound
from .snapshots import SNAPSHOT_VERSION, Snapshots
from .standing import Standing
from .timestamps import format_millis, now_millis
from .threads import (_CONTAINERS, _DEADLINE, _MOVED, _NO_CAP, ABORTED, ENTER, FAILED, HISTORY_LIMIT_REASON,
                      RUNNING, SUCCEEDED, TIMED_OUT, ExecutionNotRedrivable, Handler, InvalidToken,
                      RedriveState, Scope, Thread)

__all__ = ["ABORTED", "ENTER", "FAILED", "HISTORY_LIMIT_REASON", "RUNNING", "SNAPSHOT_VERSION", "SUCCEEDED",
           "TIMED_OUT", "Execution", "ExecutionNotRedrivable", "InvalidToken", "Scope", "Thread"]


class Execution(Scheduling, Redriving, Callbacks, Snapshots, Endings, Standing):
    def __init__(self, machine: StateMachine, input: Any = None, *, name: str | None = None,
                 state_machine_name: str = "StateMachine", mocks: Mocks | None = None,
                 handlers: dict[str, Handler] | None = None, seed: int | None = None,
                 start_time: int | None = None, account: str = "123456789012", region: str = "us-east-1",
                 role_arn: str | None = None, express: bool = False, synchronous: bool = False,
                 max_history_events: int | None = HISTORY_EVENTS, events: EventStream | None = None,
                 _restoring: bool = False):
        """``events``: where the history goes when the caller does not keep it (see EventStream);
        by default every event stays in ``self.events``."""
        self.machine = machine
        self.mocks = mocks or Mocks()
        if self.mocks.root is None:
            self.mocks.root = machine.definition
        self.handlers = dict(handlers or {})
        self.map_runs = map_run.MapRuns()  # Distributed Map runs by ARN, their child executions inside
        self.events: list[Event] = [] if events is None else events
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
        self._rng: random.Random | None = None  # made on first use (``rng``): seeding one costs microseconds
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

    @property
    def rng(self) -> random.Random:
        """The run's random source (names, task tokens, jitter), seeded with ``seed`` when first
        drawn from: most of a Distributed Map's children never draw."""
        rng = self._rng
        if rng is None:
            rng = self._rng = random.Random(self.seed)
        return rng

    @rng.setter
    def rng(self, value: random.Random | None) -> None:
        self._rng = value

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

    def take_events(self) -> list[Event]:
        """Hand over the events recorded so far and forget them (for long runs that persist them)."""
        events = self.events[:]
        self.events.clear()
        return events

    def flush_events(self) -> None:
        """With an EventStream: hand the events held so far to its writer. Events from AWS's
        history limit on wait while the run goes on: the limit may still drop them."""
        events = self.events
        if type(events) is EventStream and (self._next_event <= self.redriving.event_cap or self.status is not RUNNING):
            events.flush()

    # --- the step --------------------------------------------------------------------------

    def step(self, child_moves: int | None = None) -> list[Event]:
        """Advance one transition; returns the events it emitted (none when nothing can move).
        While a Distributed Map's children move and the parent waits for them, the step goes on
        until the parent moves; ``child_moves`` bounds that: the step returns (with no event)
        once that many children moved, and ``map_runs.moves`` tells the caller they did."""
        before = len(self.events)
        if self.status is RUNNING:
            th = self._pick()
            moved = 0
            while th is _MOVED and self.status is RUNNING:
                moved += 1
                if child_moves is not None and moved >= child_moves:
                    th = None
                    break
                th = self._pick()
            if th is not None and th is not _MOVED:
                self._advance(th)
        new = self.events[before:]
        self.flush_events()
        return new

    def run(self, breakpoints: Iterable[str] = (), max_steps: int | None = None) -> "Execution":
        """Run until the end, a breakpoint (before entering a named state), or nothing can move."""
        stops = frozenset(breakpoints)
        steps = 0
        pick, advance = self._pick, self._advance
        stream = self.events if type(self.events) is EventStream else None
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
            if stream is not None and len(stream) >= EventStream.BATCH:
                self.flush_events()
        self.flush_events()
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
