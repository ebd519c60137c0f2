"""Services and callbacks of an execution: mocked or handled Task calls, tasks waiting for a
token (``send_task_success`` / ``_failure`` / ``_heartbeat``), their timeouts and heartbeats.

A mixin of :class:`~interpreter.execution.Execution` (split out of ``execution.py``, a pure move).
"""
from __future__ import annotations

from typing import Any

from . import map_run, unmocked
from .errors import StateRuntimeError, StatesError
from .events import Event
from .threads import RUNNING, InvalidToken, Thread


class Callbacks:
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
        mode = self.mocks.unmocked
        if state.resource.pattern == "waitForTaskToken" or (state.resource.kind == "activity"
                                                            and mode in (unmocked.FAIL, unmocked.ASK)):
            # Someone answers by hand: send_task_success / send_task_failure with the token.
            self._ensure_token(th)
            return {"Callback": True}
        default = unmocked.answer(mode, state.resource, params, self.mocks.shape(state.name))
        if default is not None:
            if default.get("Callback"):
                self._ensure_token(th)
            return default
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
        for run, index in self.map_runs.waiting.values():
            tokens.update(run.children[index].waiting_tokens())
        return tokens

    def _awaiting_callback(self) -> bool:
        """Whether a task waits for a callback, here or in a Distributed Map's running child
        (without building the token list, as the run loop asks this before every step)."""
        if self._tokens:
            return True
        return bool(self.map_runs.waiting)

    def _children_due(self) -> bool:
        """Whether a Distributed Map's child can move now, without time passing."""
        if not self.map_runs.active:
            return False
        at, _, _ = self.map_runs.earliest()
        return at is not None and at <= self.clock

    def _accept(self, token: str, answer: dict) -> None:
        tid = self._tokens.pop(token, None)
        if tid is None or self.status is not RUNNING:
            raise InvalidToken(f"No task is waiting for token '{token}'.")
        th = self._threads[tid]
        th.pending, th.wake_at = answer, None
        self.resume(th, "answered")

    def _answer(self, token: str, answer: dict) -> list[Event]:
        found = map_run.waiting_child(self, token) if token not in self._tokens else None
        if found is not None and self.status is RUNNING:
            run, index = found
            child = run.children[index]
            child.clock = max(child.clock, self.clock)
            child._accept(token, answer)
            self.map_runs.schedule(run, index)
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
        found = map_run.waiting_child(self, token) if tid is None else None
        if found is not None and self.status is RUNNING:
            run, index = found
            child = run.children[index]
            child.clock = max(child.clock, self.clock)
            child.send_task_heartbeat(token)
            self.map_runs.schedule(run, index)
            return
        if tid is None or self.status is not RUNNING:
            raise InvalidToken(f"No task is waiting for token '{token}'.")
        self._arm(self._threads[tid])
