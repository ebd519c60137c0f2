"""Task: one call of a service, answered by a mock, a Python handler or (for callbacks) a person."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import StateRuntimeError, StatesError
from ..jsonata_query import Env, Expression
from ..jsontext import dumps, size
from ..services import Resource, describe, request_problem
from .base import Fields, State, arguments, finish, quick_init, read_count

PAYLOAD_LIMIT = 262_144
WORKER = "statewise-simulated-worker"


def _deploy_time_text(value: dict) -> str:
    """A CloudFormation reference such as {"Ref": "Fn"} as the ${Fn} it is filled in from on
    deploy: the validator warns about it, and a simulation runs it as an unknown resource."""
    (function, argument), = value.items() if len(value) == 1 else ((None, None),)
    if function == "Fn::Sub" and isinstance(argument, (str, list)):
        return argument if isinstance(argument, str) else str(argument[0])
    if function == "Fn::GetAtt" and isinstance(argument, list):
        argument = ".".join(str(part) for part in argument)
    return "${" + (str(argument) if function in ("Ref", "Fn::GetAtt") else str(function)) + "}"


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class TaskState(State):
    type: ClassVar[str] = "Task"
    resource: Resource
    timeout_seconds: Any = None     # int, or a path
    heartbeat_seconds: Any = None
    credentials: Any = None

    @classmethod
    def parse(cls, f: Fields) -> "TaskState":
        raw = f.raw.get("Resource")
        arn = _deploy_time_text(raw) if isinstance(raw, dict) else f.string("Resource", required=True)
        timeouts = {}
        for key, attr in (("TimeoutSeconds", "timeout_seconds"), ("HeartbeatSeconds", "heartbeat_seconds")):
            if key in f.raw and key + "Path" in f.raw:
                raise f.fail("INVALID_FIELD", key + "Path", f"State '{f.name}' cannot have both {key} and {key}Path.")
            if isinstance(f.value(key), Expression):
                timeouts[attr] = f.value(key)
            elif key in f.raw:
                timeouts[attr] = f.number(key, integer=True, minimum=1)
            elif key + "Path" in f.raw:
                timeouts[attr] = f.path(key + "Path", nullable=False, single=True)
        return cls(**f.common(), **f.transition(), **f.error_handling(), resource=describe(arn),
                   credentials=f.raw.get("Credentials"), **timeouts)

    def seconds(self, value: Any, field: str, data: Any, scope: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        if isinstance(value, Expression):
            seconds = value.evaluate(Env(data, scope))
            if type(seconds) is not int or seconds < 1:
                raise value.type_error("positive integer", seconds)
            return seconds
        return read_count(value, data, scope, field + "Path", 1)

    def run(self, ex, th) -> None:
        phase = th.phase
        if phase == "answered":
            if self.resource.kind == "activity":
                ex.emit(th, "ActivityStarted", {"workerName": WORKER})
            self.complete(ex, th, th.pending)
            return
        if phase == "timed_out":
            res = self.resource
            ex.emit(th, res.event_prefix + "TimedOut", self._details({"error": "States.Timeout"}))
            # Tasks of other branches or iterations timing out at this same instant record their
            # timeouts before this failure reaches the Map or Parallel (recorded: an inline Map whose
            # four iterations time out together writes four TaskTimedOut, then MapIterationFailed).
            if ex.next_wake_is_now():
                ex.sleep(th, ex.clock, "timeout_raise")
                return
            raise StatesError("States.Timeout", None)
        if phase == "timeout_raise":
            raise StatesError("States.Timeout", None)
        # A .sync task has a token too (recorded: test_sync_with_task_token passes $$.Task.Token to the
        # job, whose worker ends the task early with SendTaskSuccess); it is made only when read.
        pattern = self.resource.pattern
        scope = ex.scope(th, with_token=pattern == "waitForTaskToken" or pattern == "sync",
                         lazy_token=pattern == "sync")
        params = arguments(ex, th, self, scope)
        timeout = self.seconds(self.timeout_seconds, "TimeoutSeconds", th.input, scope)
        heartbeat = self.seconds(self.heartbeat_seconds, "HeartbeatSeconds", th.input, scope)
        res = self.resource
        problem = request_problem(res, params)
        if problem:
            raise StateRuntimeError("States.Runtime", f"The Parameters '{dumps(params)}' could not be used to "
                                    f"start the Task: [{problem}]")
        if res.kind == "lambda":
            details = {"resource": res.arn, "input": params}
            if timeout is not None:
                details["timeoutInSeconds"] = timeout
            ex.emit(th, "LambdaFunctionScheduled", details)
            ex.emit(th, "LambdaFunctionStarted", None)
        elif res.kind == "activity":
            details = {"resource": res.arn, "input": params}
            if timeout is not None:
                details["timeoutInSeconds"] = timeout
            if heartbeat is not None:
                details["heartbeatInSeconds"] = heartbeat
            ex.emit(th, "ActivityScheduled", details)
        else:
            details = {"resourceType": res.resource_type, "resource": res.resource, "region": res.region,
                       "parameters": params}
            if timeout is not None:
                details["timeoutInSeconds"] = timeout
            if heartbeat is not None:
                details["heartbeatInSeconds"] = heartbeat
            ex.emit(th, "TaskScheduled", details)
            ex.emit(th, "TaskStarted", {"resourceType": res.resource_type, "resource": res.resource})
        answer = ex.call_service(th, self, params)
        waiting = bool(answer.get("Pending") or answer.get("Callback"))
        if res.kind == "activity" and not waiting:
            # A simulated worker took the task; by hand, the answer itself starts it.
            ex.emit(th, "ActivityStarted", {"workerName": WORKER})
        if res.pattern and res.kind == "integration" and not answer.get("NotSubmitted"):
            # The request went out; what follows is the job's or the callback's outcome.
            ex.emit(th, "TaskSubmitted", self._details({"output": answer.get("submitted", {})}))
        thrown = answer.get("Throw")
        if thrown and thrown.get("Error") == "States.Timeout" and (timeout or heartbeat):
            # A recorded timeout: let the virtual clock run to it, as the real one did.
            waiting = True
        if waiting:
            token_answer = bool(answer.get("Callback")) or (res.kind == "activity" and not answer.get("Pending")) \
                or (res.pattern == "sync" and th.token is not None)
            ex.await_answer(th, self, timeout, heartbeat, callback=token_answer)
            return
        self.complete(ex, th, answer)

    def complete(self, ex, th, answer: dict) -> None:
        res = self.resource
        if "Throw" in answer:
            thrown = answer["Throw"]
            error, cause = thrown.get("Error"), thrown.get("Cause")
            outcome = "TimedOut" if error == "States.Timeout" else "Failed"
            ex.emit(th, res.event_prefix + outcome, self._details({"error": error, "cause": cause}))
            raise StatesError(error, cause)
        result = answer.get("Return")
        if size(result) > PAYLOAD_LIMIT:
            state_or_task = res.resource_type if res.kind == "integration" else res.arn
            cause = (f"The state/task '{state_or_task}' returned a result with a size exceeding the maximum "
                     f"number of bytes service limit.")
            ex.emit(th, res.event_prefix + "Failed", self._details({"error": "States.DataLimitExceeded",
                                                                   "cause": cause}))
            raise StatesError("States.DataLimitExceeded", cause)
        ex.emit(th, res.event_prefix + "Succeeded", self._details({"output": result}))
        finish(ex, th, self, result)

    def _details(self, details: dict) -> dict:
        res = self.resource
        details = {k: v for k, v in details.items() if v is not None or k == "output"}
        if res.kind == "integration":
            return {"resourceType": res.resource_type, "resource": res.resource, **details}
        return details
