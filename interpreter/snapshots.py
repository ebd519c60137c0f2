"""Snapshots of an execution: ``to_json()`` captures everything needed to go on later;
``Execution.restore`` rebuilds it.

A mixin of :class:`~interpreter.execution.Execution` (split out of ``execution.py``, a pure move).
"""
from __future__ import annotations

import heapq
import random
from typing import Any

from . import map_run
from .definition import StateMachine
from .limits import HISTORY_EVENTS
from .mocks import Mocks
from .threads import _NO_CAP, ABORTED, ENTER, FAILED, RUNNING, SUCCEEDED, TIMED_OUT, Handler, Thread

SNAPSHOT_VERSION = 3  # 2: adds "redo", "lost", "redrive", "redriveCount" (for a redrive); 3: "mapRuns"


class Snapshots:
    # --- snapshots --------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "version": SNAPSHOT_VERSION, "status": self.status, "output": self.output, "error": self.error,
            "cause": self.cause, "clock": self.clock, "startTime": self.start_time, "input": self.input,
            "name": self.name, "stateMachineName": self.state_machine_name, "account": self.account,
            "region": self.region, "roleArn": self.role_arn, "seed": self.seed, "express": self.express,
            "synchronous": self.synchronous,
            "rng": _rng_to_json(self._rng, self.seed), "nextEventId": self._next_event, "seq": self._seq,
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
                handlers: dict[str, Handler] | None = None) -> Any:
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
        ex.rng = _rng_from_json(snapshot["rng"], ex.seed)
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
        ex.map_runs.rebuild()
        return ex


def _first(pair: tuple) -> Any:
    return pair[0]


def _rng_to_json(rng: random.Random | None, seed: int) -> list | None:
    """None while the generator has drawn nothing since it was seeded (most of a Distributed Map's
    children): its 625 numbers would make each child's snapshot some 6 KB longer."""
    if rng is None:  # never made: nothing drawn
        return None
    state = rng.getstate()
    if state == random.Random(seed).getstate():
        return None
    version, internal, gauss = state
    return [version, list(internal), gauss]


def _rng_from_json(data: list | None, seed: int) -> random.Random | None:
    if data is None:
        return None  # seeded when first drawn from
    rng = random.Random()
    rng.setstate((data[0], tuple(data[1]), data[2]))
    return rng
