"""History events: AWS's types and detail fields, as ``GetExecutionHistory`` returns them.

Events keep JSON payloads as values and turn them into JSON text only when exported, so that
recording full history costs little. Values are never mutated after they enter an event.
"""
from __future__ import annotations

from typing import Any

from .jsontext import dumps
from .timestamps import format_history

# Detail fields whose values are JSON documents that AWS sends as JSON text.
_JSON_TEXT_FIELDS = ("input", "output", "parameters")

_DETAILS_KEY = {
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
    "ExecutionAborted": "executionAbortedEventDetails",
    "ExecutionTimedOut": "executionTimedOutEventDetails",
    "ExecutionRedriven": "executionRedrivenEventDetails",
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskStarted": "taskStartedEventDetails",
    "TaskStartFailed": "taskStartFailedEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "TaskSubmitFailed": "taskSubmitFailedEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "LambdaFunctionScheduled": "lambdaFunctionScheduledEventDetails",
    "LambdaFunctionScheduleFailed": "lambdaFunctionScheduleFailedEventDetails",
    "LambdaFunctionStartFailed": "lambdaFunctionStartFailedEventDetails",
    "LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails",
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "LambdaFunctionTimedOut": "lambdaFunctionTimedOutEventDetails",
    "ActivityScheduled": "activityScheduledEventDetails",
    "ActivityStarted": "activityStartedEventDetails",
    "ActivitySucceeded": "activitySucceededEventDetails",
    "ActivityFailed": "activityFailedEventDetails",
    "ActivityTimedOut": "activityTimedOutEventDetails",
    "ActivityScheduleFailed": "activityScheduleFailedEventDetails",
    "MapStateStarted": "mapStateStartedEventDetails",
    "MapIterationStarted": "mapIterationStartedEventDetails",
    "MapIterationSucceeded": "mapIterationSucceededEventDetails",
    "MapIterationFailed": "mapIterationFailedEventDetails",
    "MapIterationAborted": "mapIterationAbortedEventDetails",
    "MapRunStarted": "mapRunStartedEventDetails",
    "MapRunFailed": "mapRunFailedEventDetails",
    "MapRunRedriven": "mapRunRedrivenEventDetails",
    "EvaluationFailed": "evaluationFailedEventDetails",
}


def details_key(event_type: str) -> str | None:
    key = _DETAILS_KEY.get(event_type)
    if key is not None:
        return key
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return None


class Event:
    __slots__ = ("id", "previous_event_id", "type", "timestamp", "details")

    def __init__(self, id: int, previous_event_id: int, type: str, timestamp: int, details: dict | None):
        self.id = id
        self.previous_event_id = previous_event_id
        self.type = type
        self.timestamp = timestamp  # virtual milliseconds since the epoch
        self.details = details

    def __repr__(self) -> str:
        return f"Event({self.id}, {self.type})"

    def to_aws(self) -> dict:
        """This event as one item of ``GetExecutionHistory``'s ``events`` list."""
        out: dict[str, Any] = {"timestamp": format_history(self.timestamp), "type": self.type,
                               "id": self.id, "previousEventId": self.previous_event_id}
        if self.details is not None:
            key = details_key(self.type)
            if key is not None:
                out[key] = aws_details(self.details)
        return out

    def to_json(self) -> dict:
        """A lossless JSON form (payloads kept as values) for storage and streaming."""
        return {"id": self.id, "previousEventId": self.previous_event_id, "type": self.type,
                "timestamp": self.timestamp, "details": self.details}

    @classmethod
    def from_json(cls, data: dict) -> "Event":
        return cls(data["id"], data["previousEventId"], data["type"], data["timestamp"], data.get("details"))


def aws_details(details: dict) -> dict:
    out = dict(details)
    for field in _JSON_TEXT_FIELDS:
        if field in out:
            out[field] = dumps(out[field])
            if field != "parameters":
                out[field + "Details"] = {"truncated": False}
    if "assignedVariables" in out:
        out["assignedVariables"] = {k: dumps(v) for k, v in out["assignedVariables"].items()}
        out["assignedVariablesDetails"] = {"truncated": False}
    return out
