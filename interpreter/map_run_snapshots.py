"""A Map Run in a snapshot (split out of ``map_run.py``, a pure move): ``MapRun.to_json`` and
``MapRun.from_json``, as a mixin of :class:`~interpreter.map_run.MapRun`. A child that has not
moved since it started is written as its name, seed and start, and made again from them by
``_new_child``, the function that made it the first time; runs of children never started or
stored apart are written once with their count.
"""
from __future__ import annotations

import random
from collections import deque
from typing import TYPE_CHECKING, Any

from .events import Event
from .map_run_records import Finished, Tolerance, _counts, _indexes, _ones_or, _range_or
from .threads import ENTER

if TYPE_CHECKING:
    from .map_run import MapRun


class MapRunSnapshots:
    def to_json(self) -> dict:
        return {"arn": self.arn, "stateName": self.state_name, "label": self.label,
                "executionType": self.execution_type, "maxConcurrency": self.max_concurrency,
                "tolerance": [self.tolerance.count, self.tolerance.percentage], "start": self.start,
                "length": self.length, "threadId": self.thread_id,
                "children": _repeats([None if c is None else c.to_json() if type(c) is Finished else _child_to_json(c)
                                      for c in self.children] if self.stored is None else self._live_children()),
                "itemCounts": _ones_or(self.item_counts), "inputs": None if self.inputs_stored else self.inputs, "inputsStored": self.inputs_stored, "queue": _range_or(self.queue),
                "running": list(self.running), "failedItems": self.failed_items, "exceeded": self.exceeded,
                "status": self.status, "end": self.end, "redriveCount": self.redrive_count}

    def _live_children(self) -> list:
        stored = self.stored
        return [0 if stored[i] else None if c is None else c.to_json() if type(c) is Finished else _child_to_json(c)
                for i, c in enumerate(self.children)]

    @classmethod
    def from_json(cls, data: dict, ex: Any) -> "MapRun":
        from .execution import Execution

        if data["inputs"] is None:
            raise ValueError("This snapshot's Map Run inputs were stored apart (take_inputs): put them back "
                             "in the snapshot before restoring it.")
        machine = _child_machine(ex.machine, data["stateName"])
        run = cls(arn=data["arn"], state_name=data["stateName"], label=data["label"],
                  execution_type=data["executionType"], max_concurrency=data["maxConcurrency"],
                  tolerance=Tolerance(*data["tolerance"]), start=data["start"], length=data["length"],
                  thread_id=data["threadId"], machine=machine, item_counts=_counts(data),
                  inputs=data["inputs"], queue=deque(_indexes(data["queue"])), running=dict.fromkeys(data["running"], 0),
                  failed_items=data["failedItems"], exceeded=data["exceeded"], status=data["status"],
                  end=data["end"], redrive_count=data["redriveCount"], total=0,
                  inputs_stored=data.get("inputsStored", False))
        run.total = sum(run.item_counts)
        machine_arn = run.machine_arn(ex)
        for snapshot in _expanded(data["children"]):
            if not snapshot:  # None: never started; 0: finished, stored by the caller (fill_stored)
                if snapshot == 0:
                    if run.stored is None:
                        run.stored = bytearray(len(run.item_counts))
                    run.stored[len(run.children)] = 1
                run.children.append(None)
                continue
            if "finished" in snapshot:
                run.children.append(Finished.from_json(snapshot, run, len(run.children), machine_arn))
                continue
            if "fresh" in snapshot:
                name, seed, start = snapshot["fresh"]
                run.children.append(_new_child(ex, run, len(run.children), name, seed, start))
                continue
            child = Execution.restore(machine, snapshot, mocks=ex.mocks, handlers=ex.handlers)
            child.events = [Event.from_json(e) for e in snapshot["events"]]
            child._calls = ex._calls
            run.children.append(child)
        return run


def _repeats(children: list) -> list:
    """Runs of children never started (None) or stored apart (0) as ``{"times": n, "of": value}``:
    a snapshot then grows with the children still live, not with the whole run."""
    out: list = []
    i, n = 0, len(children)
    while i < n:
        value = children[i]
        j = i + 1
        if value is None or type(value) is int:
            while j < n and children[j] is value:  # None, and small ints, are one object each
                j += 1
            if j - i > 2:
                out.append({"times": j - i, "of": value})
                i = j
                continue
        out.extend(children[i:j])
        i = j
    return out


def _expanded(children: list):
    for value in children:
        if type(value) is dict and "times" in value:
            yield from [value["of"]] * value["times"]
        else:
            yield value


def _child_to_json(child: Any) -> dict:
    if _fresh(child):  # most of a large run's live children at the start: a few bytes each
        return {"fresh": [child.name, child.seed, child.start_time]}
    snapshot = child.to_json()
    snapshot["events"] = [e.to_json() for e in child.events]
    return snapshot


def _child_machine(machine: Any, state_name: str) -> Any:
    for program in machine.programs.values():
        state = program.states.get(state_name)
        if state is not None and getattr(state, "child_machine", None) is not None:
            return state.child_machine
    raise ValueError(f"The snapshot names a Map Run of '{state_name}', which is not a Distributed Map here.")


def _new_child(ex: Any, run: MapRun, index: int, name: str, seed: int, start: int) -> Any:
    from .execution import Execution

    child = Execution(run.machine, run.inputs[index], name=name,
                      state_machine_name=f"{ex.state_machine_name}/{run.label}", mocks=ex.mocks,
                      handlers=ex.handlers, seed=seed, start_time=start, account=ex.account, region=ex.region,
                      role_arn=ex.role_arn, express=run.execution_type == "EXPRESS",
                      max_history_events=ex.max_history_events)
    child._calls = ex._calls  # one numbering of mocked calls, as for an inline Map
    child.map_runs.sink = ex.map_runs.sink
    return child


def _fresh(child: Any) -> bool:
    """Started and not moved since: ``_new_child`` makes it again from its name, seed and start."""
    if child._next_event != 2 or child.status != "RUNNING" or child.redrive_count or len(child._threads) != 1:
        return False
    (th,) = child._threads.values()
    return (th.phase is ENTER and th.state == child.machine.program.start_at and th.vars is None
            and th.token is None and child.clock == child.start_time and len(child.events) == 1
            and (child._rng is None or child._rng.getstate() == random.Random(child.seed).getstate()))
