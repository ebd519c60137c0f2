"""Redrive (AWS's ``RedriveExecution``): when a run ends FAILED, TIMED_OUT or ABORTED, the thread
tree is discarded, but first each unfinished thread is *captured* as a plain-JSON node: the
state to enter again and its input, its variables, and for a Map or Parallel that had begun,
the results that succeeded and a node per iteration or branch to run again. ``redrive()``
rebuilds the tree from those nodes, so successful steps, branches and iterations are not re-run.

A mixin of :class:`~interpreter.execution.Execution` (split out of ``execution.py``, a pure move).
"""
from __future__ import annotations

from typing import Any

from .events import Event
from .mocks import Mocks
from .threads import (_DEADLINE, ENTER, HISTORY_LIMIT_REASON, RUNNING, SUCCEEDED, ExecutionNotRedrivable,
                      Thread)


class Redriving:
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
            if mocks.root is None:
                mocks.root = self.machine.definition
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
