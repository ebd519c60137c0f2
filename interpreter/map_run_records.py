"""What a Map Run keeps (split out of ``map_run.py``, a pure move): the index of its running
children (:class:`MapRuns`), a child that succeeded (:class:`Finished`), the tolerated failures,
a child as ResultWriter files describe it (``entry``), and what a caller that stores children,
inputs and histories apart uses (``take_finished``, ``take_inputs``, ``fill_stored``, sinks).
Every name is importable from ``interpreter.map_run`` as before.
"""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .events import Event
from .jsontext import dumps, loads
from .timestamps import format_millis

if TYPE_CHECKING:
    from .map_run import MapRun


@dataclass
class Tolerance:
    count: int | None = None          # None: not set
    percentage: float | None = None

    def exceeded(self, failed: int, total: int) -> bool:
        if failed == 0:
            return False
        if self.count is None and self.percentage is None:
            return True
        if self.count is not None and failed > self.count:
            return True
        return self.percentage is not None and total > 0 and failed * 100 / total > self.percentage


class MapRuns(dict):
    """Every Map Run of an execution by ARN; ``active`` holds those whose children are running.

    The running children of every active run wait in ``due``, a heap by the time of each one's
    next event, so the scheduler finds the earliest in O(log n) instead of asking every child.
    Ties go to the run started first, then to the child started first (the order of ``active``
    and of each run's ``running``). An entry is stale once its child moved again: each child's
    ``MapRun.due`` names the one live entry by its sequence number. ``waiting`` holds the
    running children that wait for a callback, so asking whether one does costs nothing.
    """
    __slots__ = ("active", "due", "waiting", "_seq", "sink", "moves")

    def __init__(self):
        super().__init__()
        # Children moved so far in this process (each ``advance``): a caller that bounds its work
        # (``Execution.step(child_moves=...)``) tells from it that children moved though the
        # parent wrote no event.
        self.moves = 0
        # Called with (run, index, child) once a child ended, to take its history away
        # (``child.take_events()``); None: children keep their histories.
        self.sink: Callable[[MapRun, int, Any], None] | None = None
        self.active: list[MapRun] = []
        self.due: list[tuple] = []
        self.waiting: dict[tuple[int, int], tuple[MapRun, int]] = {}
        self._seq = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def schedule(self, run: "MapRun", index: int) -> None:
        """Index the child anew after it moved, started, or was answered."""
        child = run.children[index]
        key = (run.order, index)
        if child._tokens or child._awaiting_callback():
            self.waiting[key] = (run, index)
        else:
            self.waiting.pop(key, None)
        at = child.clock if child._ready else child.next_wake()
        if at is None:  # waits for a callback, and nothing else of it is timed
            run.due[index] = None
            return
        seq = self.next_seq()
        run.due[index] = seq
        heapq.heappush(self.due, (at, run.order, run.running[index], seq, index, run))

    def unschedule(self, run: "MapRun", index: int) -> None:
        run.due.pop(index, None)
        self.waiting.pop((run.order, index), None)

    def earliest(self) -> tuple[int | None, "MapRun | None", int]:
        """The child (its run and index) whose next event comes first, with its time; (None,
        None, -1) when every running child waits for a callback."""
        due = self.due
        while due:
            at, _, _, seq, index, run = due[0]
            if run.due.get(index) == seq and run.status == "RUNNING":
                return at, run, index
            heapq.heappop(due)
        return None, None, -1

    def rebuild(self) -> None:
        """The indexes again, from the active runs as they stand (after a restore)."""
        self.due, self.waiting = [], {}
        for run in self.active:
            run.order = self.next_seq()
            run.running = {index: self.next_seq() for index in run.running}
            run.due = {}
            for index in run.running:
                self.schedule(run, index)


_NO_RUNS = MapRuns()


class Finished:
    """A child execution that succeeded, as AWS keeps it: its outcome, not its state. Kept small
    (a million of them fit in a few hundred MB): the output as its JSON text, the ARNs shared
    or made from the name, no history unless the children keep theirs."""
    __slots__ = ("name", "arn", "state_machine_arn", "input", "output_text", "start_time", "clock",
                 "redrive_count", "events", "map_runs")
    status = "SUCCEEDED"
    error = cause = None

    def __init__(self, name: str, arn: str | None, state_machine_arn: str, input: Any, output_text: str,
                 start_time: int, stop: int, redrive_count: int, events: Any):
        """``arn``: an EXPRESS child's ARN; None for a STANDARD one (it follows from the name)."""
        self.name, self.arn, self.state_machine_arn = name, arn, state_machine_arn
        self.input, self.output_text, self.start_time, self.clock = input, output_text, start_time, stop
        self.redrive_count, self.events = redrive_count, events or _NO_EVENTS
        self.map_runs = _NO_RUNS  # a nested Distributed Map's runs, kept in memory for inspection

    @property
    def express(self) -> bool:
        return self.arn is not None

    @property
    def execution_arn(self) -> str:
        if self.arn is not None:
            return self.arn
        return self.state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":" + self.name

    @property
    def output(self) -> Any:
        return loads(self.output_text)

    @classmethod
    def of(cls, child: Any, machine_arn: str) -> "Finished":
        stop = child.events[-1].timestamp if child.events else child.clock
        done = cls(child.name, child.execution_arn if child.express else None, machine_arn, child.input,
                   dumps(child.output), child.start_time, stop, child.redrive_count, child.events)
        if child.map_runs:
            done.map_runs = child.map_runs
        return done

    def to_json(self) -> dict:
        """Its input is the run's, and a STANDARD child's ARN follows from its name: neither is
        written (a hundred thousand children make this count)."""
        out: dict = {"finished": [self.name, self.output, self.start_time, self.clock, self.redrive_count]}
        if self.arn is not None:
            out["arn"] = self.arn
        if self.events:
            out["events"] = [e.to_json() for e in self.events]
        return out

    @classmethod
    def from_json(cls, data: dict, run: "MapRun", index: int, machine_arn: str) -> "Finished":
        name, output, start, stop, redrives = data["finished"]
        return cls(name, data.get("arn"), machine_arn, run.inputs[index], dumps(output), start, stop, redrives,
                   [Event.from_json(e) for e in data.get("events", ())])


_NO_EVENTS: tuple = ()


def take_finished(ex: Any) -> list[tuple[str, list]]:
    """The children that succeeded since the last call, by Map Run ARN, as ``[index, snapshot]``
    pairs; from now on the run's snapshots leave them out. A caller that stores them gives them
    back to ``fill_stored`` after a restore."""
    out = []
    for run in ex.map_runs.values():
        if run.stored is None:  # from now on: every child that succeeded so far, then as they do
            run.stored = bytearray(len(run.children))
            run.unstored = [i for i, c in enumerate(run.children) if type(c) is Finished]
        if run.unstored:
            done = [[i, run.children[i].to_json()] for i in run.unstored if type(run.children[i]) is Finished]
            for i, _ in done:
                run.stored[i] = 1
            run.unstored = []
            if done:
                out.append((run.arn, done))
    return out


def take_inputs(ex: Any) -> list[tuple[str, list]]:
    """The items' inputs of the Map Runs that began since the last call, by ARN; from now on the
    run's snapshots write null for them, and a caller that stores them puts them back in the
    snapshot (``"mapRuns"[i]["inputs"]``) before ``Execution.restore``. They never change."""
    out = []
    for run in ex.map_runs.values():
        if not run.inputs_stored and run.children:
            run.inputs_stored = True
            out.append((run.arn, run.inputs))
    return out


def fill_stored(ex: Any, arn: str, pairs: list) -> None:
    """Put back children that ``take_finished`` handed out (after ``Execution.restore``)."""
    run = ex.map_runs[arn]
    run.tally = None
    machine_arn = run.machine_arn(ex)
    for index, snapshot in pairs:
        run.children[index] = Finished.from_json(snapshot, run, index, machine_arn)


# Compact forms of long lists in snapshots: an item per child (no ItemBatcher), the children
# still to start in order.

def _ones_or(counts: list) -> Any:
    return {"ones": len(counts)} if counts and counts.count(1) == len(counts) else counts


def _counts(data: dict) -> list:
    counts = data["itemCounts"]
    return [1] * counts["ones"] if isinstance(counts, dict) else counts


def _range_or(queue: deque) -> Any:
    if len(queue) > 2 and queue[-1] - queue[0] == len(queue) - 1:
        first = queue[0]
        if all(index == first + i for i, index in enumerate(queue)):
            return {"from": first, "to": queue[-1] + 1}
    return list(queue)


def _indexes(queue: Any) -> Any:
    return range(queue["from"], queue["to"]) if isinstance(queue, dict) else queue


def set_sink(ex: Any, sink: Callable[[MapRun, int, Any], None] | None) -> None:
    """Send the histories of this execution's children, and of theirs, to ``sink`` from now on."""
    ex.map_runs.sink = sink
    for run in ex.map_runs.active:
        for index in run.running:
            set_sink(run.children[index], sink)


def drop_history(run: MapRun, index: int, child: Any) -> None:
    """A sink for callers that show no child's history: it is not kept."""
    child.events.clear()


def entry(child: Any) -> dict:
    """A child execution as ResultWriter files describe it (Transformation NONE)."""
    stop = child.events[-1].timestamp if child.events else child.clock
    entry = {"ExecutionArn": child.execution_arn, "Input": dumps(child.input), "InputDetails": {"Included": True},
             "Name": child.name}
    if child.status == "SUCCEEDED":
        entry["Output"] = child.output_text if type(child) is Finished else dumps(child.output)
        entry["OutputDetails"] = {"Included": True}
        entry["RedriveCount"] = child.redrive_count
        entry["RedriveStatus"] = "NOT_REDRIVABLE"
        entry["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
    else:
        if child.error is not None:
            entry["Error"] = child.error
        if child.cause is not None:
            entry["Cause"] = child.cause
        entry["RedriveCount"] = child.redrive_count
        # AWS's value for an EXPRESS child: only a redrive of its Map Run can run it again
        entry["RedriveStatus"] = "REDRIVABLE_BY_MAP_RUN" if child.express else "REDRIVABLE"
    entry.update({"StartDate": format_millis(child.start_time), "StateMachineArn": child.state_machine_arn,
                  "Status": child.status, "StopDate": format_millis(stop)})
    return entry
