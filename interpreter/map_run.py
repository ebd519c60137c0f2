"""A Map Run: the child executions a Distributed Map starts, one per item or batch.

Each child is an :class:`~interpreter.execution.Execution` of the item processor with its own
name, ARN (``...:execution:MACHINE/LABEL:NAME``), context object and history, as AWS runs them;
none of their events enter the parent's history, which records only ``MapRunStarted`` and
``MapRunSucceeded`` / ``MapRunFailed`` (and ``MapRunRedriven``). The parent keeps every Map Run
in ``execution.map_runs`` (by ARN), so the children and their histories can be inspected.

A Map Run is live inside its parent: the parent's scheduler moves the child whose next event is
earliest whenever nothing of its own comes sooner, so the children share the parent's virtual
clock with its other branches and timers, a child waiting for a callback is answered through the
parent (``send_task_success`` with the child's token), and stopping the parent aborts the
children still running. At most MaxConcurrency children run at a time (0: no limit), each
started when a slot frees. A failed or timed-out child counts its items as failed; once the
failures exceed the tolerated count or percentage the Map Run fails, the running children are
aborted and the rest never start.

A child is kept as AWS keeps it. While it runs, it is an Execution (its own compact state); once
it succeeded, only its outcome (:class:`Finished`: name, ARN, input, output, dates). One that
failed, timed out or was aborted stays an Execution, as a redrive goes on from where it stopped.
A child's history goes, once it ended, to ``MapRuns.sink`` when the caller set one (the web app
and the CLI write it out); otherwise it stays with the child for inspection. Without a
MaxConcurrency, at most 10,000 children run at a time, as at AWS.

Children share nothing but the mocks: their Task calls take numbers from the parent's counters,
in the order the runs make them, as an inline Map's iterations do, so one mock config serves
both modes.

Redrive (AWS's "Redriving Map Runs"): a redriven parent redrives a Map Run that had started
children: ``MapRunRedriven``, then the STANDARD children that failed, timed out or were aborted
are redriven (their own ``ExecutionRedriven``, from the state that failed), EXPRESS ones start
again as new executions, those never started start, and the succeeded ones keep their outputs.

What a Map Run keeps is in ``map_run_records.py``, how it goes into a snapshot and back in
``map_run_snapshots.py``; every name callers import stays importable here.
"""
from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .map_run_records import (Finished, MapRuns, Tolerance, drop_history, entry, fill_stored,  # noqa: F401
                              set_sink, take_finished, take_inputs)
from .map_run_snapshots import MapRunSnapshots, _new_child
from .timestamps import format_millis

# AWS: with MaxConcurrency 0 or unset, a Distributed Map runs up to 10,000 child executions at once.
DEFAULT_MAX_CONCURRENCY = 10_000
NESTED_MOVES = 64  # a child's own children moved per move of the child (see ``advance``)
EXCEEDED = "States.ExceedToleratedFailureThreshold"
EXCEEDED_CAUSE = "The specified tolerated failure threshold was exceeded"
_ENDED_BADLY = ("FAILED", "TIMED_OUT", "ABORTED")
_KEYS = {"SUCCEEDED": "succeeded", "FAILED": "failed", "TIMED_OUT": "timedOut", "ABORTED": "aborted"}


@dataclass
class MapRun(MapRunSnapshots):
    arn: str
    state_name: str
    label: str
    execution_type: str
    max_concurrency: int
    tolerance: Tolerance
    start: int
    length: int = 0                                    # MapStateStarted's length
    thread_id: int | None = None                       # the parent's thread in the Map state
    machine: Any = None                                # the children's StateMachine
    children: list = field(default_factory=list)       # Execution per child, None if never started
    item_counts: list = field(default_factory=list)    # items each child holds
    inputs: list = field(default_factory=list)
    queue: deque = field(default_factory=deque)        # indexes still to start, in order
    running: dict = field(default_factory=dict)        # running children: index -> start order
    due: dict = field(default_factory=dict)            # running children: index -> live heap entry
    order: int = 0                                     # when it became active (ties in MapRuns.due)
    total: int = 0                                     # items in all (sum of item_counts)
    # Set by a caller that stores finished children itself (``take_finished``): 1 for a child
    # stored there, which the snapshot then leaves out (0); None: the snapshot holds every child.
    stored: bytearray | None = None
    unstored: list = field(default_factory=list)       # finished since the last take_finished
    # Set by a caller that stores the items' inputs itself (``take_inputs``): the snapshot then
    # writes null for them, and the caller puts them back in it before a restore.
    inputs_stored: bool = False
    failed_items: int = 0
    exceeded: bool = False
    status: str = "RUNNING"
    end: int | None = None
    redrive_count: int = 0
    # Children that ended, by status: [executions, items]; kept as they end so the counts are
    # read without going over every child. None: not counted yet (``progress`` counts them).
    tally: dict | None = None
    children_machine_arn: str = ""                     # machine_arn's last answer, shared by the children

    def progress(self) -> dict:
        """DescribeMapRun's status and counts, from the tally (cheap enough to report per batch)."""
        if self.tally is None:
            self._recount()
        tally, counts = self.tally, self.item_counts
        ones = self.total == len(counts)  # an item per child (no ItemBatcher)
        running = len(self.running)
        running_items = running if ones else sum(counts[i] for i in self.running)
        ended = sum(n for n, _ in tally.values())
        ended_items = sum(n for _, n in tally.values())
        executions = {"pending": len(counts) - running - ended, "running": running}
        items = {"pending": self.total - running_items - ended_items, "running": running_items}
        for status, key in _KEYS.items():
            executions[key], items[key] = tally.get(status, (0, 0))
        executions["total"], items["total"] = len(counts), self.total
        return {"mapRunArn": self.arn, "stateName": self.state_name, "label": self.label, "status": self.status,
                "executionCounts": executions, "itemCounts": items}

    def _recount(self) -> None:
        self.tally = {}
        for child, n in zip(self.children, self.item_counts):
            if child is not None and child.status != "RUNNING":
                _count(self, child.status, n)

    def describe(self) -> dict:
        """What DescribeMapRun reports (counts per child execution and per item)."""
        executions = {"pending": 0, "running": 0, "succeeded": 0, "failed": 0, "timedOut": 0, "aborted": 0}
        items = dict(executions)
        for child, n in zip(self.children, self.item_counts):
            key = "pending" if child is None else {"RUNNING": "running", "SUCCEEDED": "succeeded",
                                                   "FAILED": "failed", "TIMED_OUT": "timedOut",
                                                   "ABORTED": "aborted"}[child.status]
            executions[key] += 1
            items[key] += n
        executions["total"], items["total"] = len(self.children), sum(self.item_counts)
        out = {"mapRunArn": self.arn, "status": self.status, "startDate": format_millis(self.start),
               "maxConcurrency": self.max_concurrency,
               "toleratedFailureCount": self.tolerance.count or 0,
               "toleratedFailurePercentage": self.tolerance.percentage or 0.0,
               "executionCounts": executions, "itemCounts": items, "redriveCount": self.redrive_count}
        if self.end is not None:
            out["stopDate"] = format_millis(self.end)
        return out

    def machine_arn(self, ex: Any) -> str:
        """The children's state machine ARN (``...:stateMachine:PARENT/LABEL``), one string for all."""
        arn = f"arn:aws:states:{ex.region}:{ex.account}:stateMachine:{ex.state_machine_name}/{self.label}"
        if arn != self.children_machine_arn:
            self.children_machine_arn = arn
        return self.children_machine_arn

    def outputs(self) -> list:
        """The children's outputs in item order (None for one that did not succeed)."""
        return [c.output if c is not None and c.status == "SUCCEEDED" else None for c in self.children]

    def entries(self) -> list:
        """The children as ResultWriter files describe them (None for one never started)."""
        return [entry(c) if c is not None else None for c in self.children]

    def redrivable(self) -> bool:
        """Whether a redrive of the parent redrives this run (it had started children and did not
        succeed); otherwise the Map state starts a new Map Run."""
        return self.status in ("RUNNING", "FAILED", "ABORTED") and any(c is not None for c in self.children)


def map_run_arn(ex: Any, label: str) -> str:
    return (f"arn:aws:states:{ex.region}:{ex.account}:mapRun:{ex.state_machine_name}/{label}:"
            f"{uuid.UUID(int=ex.rng.getrandbits(128), version=4)}")


# --- running -----------------------------------------------------------------------------------

def begin(ex: Any, th: Any, run: MapRun, inputs: list, counts: list[int]) -> None:
    """Start the children; the parent's thread waits in the Map state until the run ends."""
    n = len(inputs)
    run.thread_id, run.inputs = th.id, inputs
    run.children, run.item_counts, run.total = [None] * n, list(counts), sum(counts)
    run.queue, run.running, run.tally = deque(range(n)), {}, {}
    _go(ex, th, run)


def redrive(ex: Any, th: Any, run: MapRun) -> None:
    """Redrive the run (its redrive count already counts this one): its unsuccessful and
    unstarted children run again."""
    run.thread_id, run.status, run.end = th.id, "RUNNING", None
    run.failed_items, run.exceeded, run.running, run.due = 0, False, {}, {}
    run.queue = deque(i for i, child in enumerate(run.children) if child is None or child.status != "SUCCEEDED")
    for child in run.children:
        if child is not None and type(child) is not Finished:
            child.mocks, child._calls = ex.mocks, ex._calls  # a redrive may bring new mocks
    _go(ex, th, run)


def _go(ex: Any, th: Any, run: MapRun) -> None:
    ex.block(th, "map_run")
    run.order = ex.map_runs.next_seq()
    ex.map_runs.active.append(run)
    _fill(ex, run)
    if not run.running:
        _complete(ex, run)


def _uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, in half the time (a name per child)."""
    bits = (bits & ~(0xc000 << 48) | (0x8000 << 48)) & ~(0xf000 << 64) | (4 << 76)
    h = "%032x" % bits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _fill(ex: Any, run: MapRun) -> None:
    limit = run.max_concurrency or DEFAULT_MAX_CONCURRENCY
    runs = ex.map_runs
    while run.queue and not run.exceeded and len(run.running) < limit:
        index = run.queue.popleft()
        child = run.children[index]
        if child is not None and run.tally is not None:  # ended badly, run again: no longer counted so
            _count(run, child.status, run.item_counts[index], -1)
        if child is not None and not child.express and child.status in _ENDED_BADLY:
            child.clock = max(child.clock, ex.clock)
            child.redrive()
        else:
            name = _uuid4_text(ex.rng.getrandbits(128))
            child = _new_child(ex, run, index, name, ex.rng.getrandbits(64), ex.clock)
            run.children[index] = child
        run.running[index] = runs.next_seq()
        runs.schedule(run, index)


def advance(ex: Any, run: MapRun, index: int) -> None:
    """Move one child (at the parent's clock) until it waits or ends. A child running a
    Distributed Map of its own moves at most NESTED_MOVES of its children here, then waits its
    turn again: a move is bounded work however deep the Map Runs nest."""
    child = run.children[index]
    ex.map_runs.moves += 1
    if child.clock < ex.clock:
        child.clock = ex.clock
    child.step(NESTED_MOVES)
    while child.status == "RUNNING" and child._ready:
        child.step(NESTED_MOVES)
    if child.clock > ex.clock:
        ex.clock = child.clock
    runs = ex.map_runs
    if child.status == "RUNNING":
        runs.schedule(run, index)
        return
    del run.running[index]
    runs.unschedule(run, index)
    _ended(ex, run, index)
    if child.status != "SUCCEEDED":
        run.failed_items += run.item_counts[index]
        if run.tolerance.exceeded(run.failed_items, run.total):
            run.exceeded = True
            for other in run.running:
                run.children[other].abort()
                runs.unschedule(run, other)
                _ended(ex, run, other)
            run.running = {}
    _fill(ex, run)
    if not run.running:
        _complete(ex, run)


def _complete(ex: Any, run: MapRun) -> None:
    ex.map_runs.active.remove(run)
    run.end = ex.clock
    run.status = "FAILED" if run.exceeded else "SUCCEEDED"
    # The outputs are read from the run when the state finishes: a snapshot taken in between
    # does not carry them twice.
    outcome: dict = {"arn": run.arn}
    if run.exceeded:
        outcome["error"], outcome["cause"] = EXCEEDED, EXCEEDED_CAUSE
    th = ex._threads[run.thread_id]
    th.results = outcome
    ex.resume(th, "map_run_done")


def abort(ex: Any, run: MapRun) -> None:
    """The parent stopped, or its Map state was aborted: the running children are aborted."""
    if run in ex.map_runs.active:
        ex.map_runs.active.remove(run)
    for index in run.running:
        child = run.children[index]
        child.clock = max(child.clock, ex.clock)
        child.abort()
        ex.map_runs.unschedule(run, index)
        _ended(ex, run, index)
    run.running = {}
    run.status, run.end = "ABORTED", ex.clock


def _ended(ex: Any, run: MapRun, index: int) -> None:
    """A child ended: its history goes to the sink, and one that succeeded is kept as its outcome."""
    child = run.children[index]
    sink = ex.map_runs.sink
    if sink is not None:
        sink(run, index, child)
    if run.tally is not None:
        _count(run, child.status, run.item_counts[index])
    if child.status == "SUCCEEDED":
        run.children[index] = Finished.of(child, run.machine_arn(ex))
        if run.stored is not None:
            run.unstored.append(index)


def _count(run: MapRun, status: str, items: int, sign: int = 1) -> None:
    """Add to the run's tally one child that ended (with ``sign`` -1: take it away)."""
    executions, total = run.tally.get(status, (0, 0))
    run.tally[status] = (executions + sign, total + sign * items)


def progress(ex: Any, limit: int = 20) -> list[dict]:
    """The Map Runs of this execution (not of its children) with their counts, the running ones
    first, at most ``limit`` of them: what a page following the run shows."""
    runs = list(ex.map_runs.values())
    runs.sort(key=lambda r: r.status != "RUNNING")
    return [run.progress() for run in runs[:limit]]


def waiting_child(ex: Any, token: str) -> tuple[MapRun, int] | None:
    """The running child (its run and index) whose task waits for this token, if any."""
    for run, index in ex.map_runs.waiting.values():
        if token in run.children[index]._tokens:
            return run, index
    return None
