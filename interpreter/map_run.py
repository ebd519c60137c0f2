"""A Map Run: the child executions a Distributed Map starts, one per item or batch.

Each child is an :class:`~interpreter.execution.Execution` of the item processor with its own
name, ARN (``...:execution:MACHINE/LABEL:NAME``), context object and history, as AWS runs them;
none of their events enter the parent's history, which records only ``MapRunStarted`` and
``MapRunSucceeded`` / ``MapRunFailed``. The parent keeps every Map Run in
``execution.map_runs`` (by ARN), so the children and their histories can be inspected.

Children share nothing but the mocks: their Task calls take numbers from the parent's
counters, in the order the runs make them, as an inline Map's iterations do, so one mock config
serves both modes. They run on one virtual clock: at most MaxConcurrency at a time (0: no
limit), each started when a slot frees, and the child whose next event is earliest always
moves first. A failed or timed-out child counts its items as failed; once the failures exceed
the tolerated count or percentage the Map Run fails, the running children are aborted and the
rest never start. ``run`` returns when every child has ended (or the run has failed), with the
time that happened; the Map state sleeps until then, so its siblings and the parent's own
timeout interleave correctly.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from .timestamps import format_millis

EXCEEDED = "States.ExceedToleratedFailureThreshold"
EXCEEDED_CAUSE = "The specified tolerated failure threshold was exceeded"


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


@dataclass
class MapRun:
    arn: str
    state_name: str
    label: str
    execution_type: str
    max_concurrency: int
    tolerance: Tolerance
    start: int
    children: list = field(default_factory=list)      # Execution per child, None if never started
    item_counts: list = field(default_factory=list)   # items each child holds
    status: str = "RUNNING"
    end: int | None = None

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
               "executionCounts": executions, "itemCounts": items}
        if self.end is not None:
            out["stopDate"] = format_millis(self.end)
        return out


def map_run_arn(ex: Any, label: str) -> str:
    return (f"arn:aws:states:{ex.region}:{ex.account}:mapRun:{ex.state_machine_name}/{label}:"
            f"{uuid.UUID(int=ex.rng.getrandbits(128), version=4)}")


def run(ex: Any, run: MapRun, machine: Any, inputs: list, counts: list[int]) -> dict:  # noqa: C901
    """Run the children; returns the outcome the Map state finishes with (plain JSON)."""
    from .execution import RUNNING, Execution

    n = len(inputs)
    run.children, run.item_counts = [None] * n, list(counts)
    total = sum(counts)
    limit = run.max_concurrency
    express = run.execution_type == "EXPRESS"
    now = run.start
    running: list = []
    index: dict[int, int] = {}
    started = failed_items = 0
    exceeded = False
    while True:
        while not exceeded and started < n and (not limit or len(running) < limit):
            child = Execution(machine, inputs[started], name=str(uuid.UUID(int=ex.rng.getrandbits(128), version=4)),
                              state_machine_name=f"{ex.state_machine_name}/{run.label}", mocks=ex.mocks,
                              handlers=ex.handlers, seed=ex.rng.getrandbits(64), start_time=now,
                              account=ex.account, region=ex.region, role_arn=ex.role_arn, express=express)
            child._calls = ex._calls  # one numbering of mocked calls, as for an inline Map
            run.children[started] = child
            index[id(child)] = started
            running.append(child)
            started += 1
        if not running:
            break
        best, best_at = None, None
        for child in running:
            at = child.clock if child._ready else child.next_wake()
            if at is not None and (best_at is None or at < best_at):
                best, best_at = child, at
        if best is None:
            run.status = "WAITING"  # every running child waits for a callback: the run cannot end
            return {"waiting": True}
        best.step()
        while best.status is RUNNING and best._ready:
            best.step()
        now = max(now, best.clock)
        if best.status is not RUNNING:
            running.remove(best)
            if best.status != "SUCCEEDED":
                failed_items += counts[index[id(best)]]
                if run.tolerance.exceeded(failed_items, total):
                    exceeded = True
                    for other in running:
                        other.abort()
                    running.clear()
    run.end = now
    run.status = "FAILED" if exceeded else "SUCCEEDED"
    outcome: dict = {"end": now, "outputs": [c.output if c is not None and c.status == "SUCCEEDED" else None
                                             for c in run.children],
                     "entries": [_entry(c) if c is not None else None for c in run.children]}
    if exceeded:
        outcome["error"], outcome["cause"] = EXCEEDED, EXCEEDED_CAUSE
    return outcome


def _entry(child: Any) -> dict:
    """A child execution as ResultWriter files describe it (Transformation NONE)."""
    from .jsontext import dumps

    stop = child.events[-1].timestamp if child.events else child.clock
    entry = {"ExecutionArn": child.execution_arn, "Input": dumps(child.input), "InputDetails": {"Included": True},
             "Name": child.name}
    if child.status == "SUCCEEDED":
        entry["Output"] = dumps(child.output)
        entry["OutputDetails"] = {"Included": True}
        entry["RedriveCount"] = 0
        entry["RedriveStatus"] = "NOT_REDRIVABLE"
        entry["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
    else:
        if child.error is not None:
            entry["Error"] = child.error
        if child.cause is not None:
            entry["Cause"] = child.cause
        entry["RedriveCount"] = 0
        entry["RedriveStatus"] = "NOT_REDRIVABLE" if child.express else "REDRIVABLE"
    entry.update({"StartDate": format_millis(child.start_time), "StateMachineArn": child.state_machine_arn,
                  "Status": child.status, "StopDate": format_millis(stop)})
    return entry
