"""Where a run stands, for a caller between steps: what it waits for and until when, the states
it is in, and DescribeExecution's status, output or error.

A mixin of :class:`~interpreter.execution.Execution` (split out of ``execution.py``, a pure move).
"""
from __future__ import annotations

from typing import Any

from .threads import _DEADLINE, RUNNING, SUCCEEDED
from .timestamps import format_millis


class Standing:
    # --- where things stand -----------------------------------------------------------------

    def next_wake(self) -> int | None:
        """When the next step would set the clock to, if nothing is ready now."""
        if self.status is not RUNNING or self._ready:
            return None
        live = [at for at, _, tid in self._timers
                if tid == _DEADLINE or (tid in self._threads and self._threads[tid].wake_at == at)]
        if self.map_runs.active:
            at, _, _ = self.map_runs.earliest()
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
                tokens = self.waiting_tokens()
                out["waiting"] = {"reason": "callback", "tokens": tokens}
                answers = {s: a for s in dict.fromkeys(tokens.values()) if (a := self.mocks.suggested(s)) is not None}
                if answers:  # for the person answering: what the workflow reads from each answer
                    out["waiting"]["answers"] = answers
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
