"""History events: AWS's types and detail fields, as ``GetExecutionHistory`` returns them.

Events keep JSON payloads as values and turn them into JSON text only when exported, so that
recording full history costs little. Values are never mutated after they enter an event.
"""
from __future__ import annotations

from typing import Any, Callable

from .jsontext import dumps, encode_basestring, fast_dumps_function
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


class EventStream(list):
    """The events of a run that does not keep its history, given as ``Execution(events=...)``.

    Events still go into this list as they are emitted (``self.events`` is the run's buffer);
    between transitions the run hands each batch to ``write`` (the CLI's streamed
    ``--history``), or drops it when there is none, and forgets it. Event ids, and AWS's
    25,000-event limit, count every event whether or not it is kept (``written`` counts those
    handed over). ``execution.events`` then holds only the events not handed over yet."""
    __slots__ = ("write", "written")

    BATCH = 512  # events held before a batch is handed over: bounded memory, few write calls

    def __init__(self, write: "Callable[[list[Event]], Any] | None" = None):
        super().__init__()
        self.write = write
        self.written = 0

    def flush(self) -> None:
        if self:
            if self.write is not None:
                self.write(self[:])
            self.written += len(self)
            self.clear()


class HistoryEncoder:
    """Events as ``GetExecutionHistory``'s items in JSON text, a batch at a time: the same text
    as ``dumps([e.to_aws() for e in events])``, at a fraction of the cost. Events in a row mostly
    share a timestamp, and pass one payload along (a state's output is the next one's input):
    each is formatted once. Payloads are never mutated once in an event, so a payload seen a
    moment ago (the same object) has the same text."""
    __slots__ = ("_ms", "_stamp", "_seen", "_names", "_text")

    def __init__(self):
        self._text = fast_dumps_function()  # a payload's JSON text: jsontext.dumps's, through orjson if there
        self._ms: int | None = None
        self._stamp = ""
        self._seen: dict[int, tuple[Any, str]] = {}
        self._names: dict[str, str] = {}

    def items(self, events: list[Event], sep: str = ",") -> str:
        """The events as JSON array items, separated by commas (no brackets); ``sep="\\n"``
        gives JSON Lines (no newline after the last)."""
        out = []
        append = out.append
        names, seen, forms = self._names, self._seen, _FORMS
        ms, stamp = self._ms, self._stamp
        head = '{"timestamp":"' + stamp
        for e in events:
            if e.timestamp != ms:
                ms = e.timestamp
                stamp = format_history(ms)
                head = '{"timestamp":"' + stamp
            details = e.details
            if details is not None and len(details) == 2:
                # Most events: a state entered or exited (its name and one payload), a Map's
                # iteration (its name and index). Their text is put together from pieces made
                # once per event type (event types are plain words: nothing to escape).
                form = forms.get(e.type)
                if form is not None:
                    first, second = details
                    if first == "name" and second == form[0]:
                        value = details[second]
                        if form[1]:
                            hit = seen.get(id(value))
                            text = hit[1] if hit is not None and hit[0] is value else self._quoted(value)
                        elif type(value) is int:
                            text = str(value)
                        else:
                            text = None
                        name = details["name"]
                        quoted = names.get(name)
                        if quoted is None and type(name) is str:
                            quoted = names[name] = encode_basestring(name)
                        if text is not None and quoted is not None:
                            append(f'{head}{form[2]}{e.id},"previousEventId":{e.previous_event_id}'
                                   f'{form[3]}{quoted}{form[4]}{text}{form[5]}')
                            continue
            item = {"timestamp": stamp, "type": e.type, "id": e.id, "previousEventId": e.previous_event_id}
            if details is not None:
                key = _KEYS.get(e.type, _UNKNOWN)
                if key is _UNKNOWN:
                    key = _KEYS[e.type] = details_key(e.type)
                if key is not None:
                    item[key] = self._details(details)
            append(dumps(item))
        self._ms, self._stamp = ms, stamp
        return sep.join(out)

    def _quoted(self, value: Any) -> str:
        """The value's JSON text, as a JSON string."""
        seen = self._seen
        hit = seen.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        quoted = encode_basestring(self._text(value))
        if type(value) is dict or type(value) is list:
            if len(seen) >= 8:
                seen.clear()
            seen[id(value)] = (value, quoted)  # the value held, so that its id is not reused meanwhile
        return quoted

    def _details(self, details: dict) -> dict:
        out = dict(details)
        for field in _JSON_TEXT_FIELDS:
            if field in out:
                out[field] = self._text(out[field])
                if field != "parameters":
                    out[field + "Details"] = _NOT_TRUNCATED
        if "assignedVariables" in out:
            out["assignedVariables"] = {k: self._text(v) for k, v in out["assignedVariables"].items()}
            out["assignedVariablesDetails"] = _NOT_TRUNCATED
        return out


_NOT_TRUNCATED = {"truncated": False}
_KEYS: dict[str, str | None] = {}  # details_key by event type, filled as types are met
_UNKNOWN = object()


def _form(event_type: str, field: str, payload: bool) -> tuple:
    """The pieces of an event's text whose details are its state's name and one more field:
    (that field, whether it is a payload written as JSON text, then the text before the id,
    before the name, before the field's value, and after it)."""
    key = details_key(event_type)
    return (field, payload, f'","type":"{event_type}","id":', f',"{key}":{{"name":', f',"{field}":',
            f',"{field}Details":{{"truncated":false}}}}}}' if payload else "}}")


# Entered and exited events with a name and a payload; a Map's iterations with a name and index.
_FORMS = {f"{kind}State{what}": _form(f"{kind}State{what}", field, True)
          for kind in ("Pass", "Choice", "Task", "Wait", "Map", "Parallel", "Succeed", "Fail")
          for what, field in (("Entered", "input"), ("Exited", "output"))}
_FORMS.update((f"MapIteration{what}", _form(f"MapIteration{what}", "index", False))
              for what in ("Started", "Succeeded", "Failed", "Aborted"))
