"""Wait: pauses a thread on the virtual clock until a number of seconds or a timestamp."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import StateRuntimeError
from ..jsonata_query import Env, Expression
from ..jsonpath import PathNotFound
from ..timestamps import parse_timestamp
from .base import Fields, State, finish, quick_init, select

_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class WaitState(State):
    type: ClassVar[str] = "Wait"
    seconds: int | None = None
    seconds_path: Any = None
    timestamp: int | None = None   # microseconds since the epoch
    timestamp_path: Any = None
    seconds_expression: Any = None    # JSONata
    timestamp_expression: Any = None

    @classmethod
    def parse(cls, f: Fields) -> "WaitState":
        present = [k for k in _FIELDS if k in f.raw]
        if len(present) != 1:
            raise f.fail("WAIT_DURATION", None, f"Wait state '{f.name}' needs exactly one of "
                                                f"Seconds, SecondsPath, Timestamp or TimestampPath.")
        fields: dict[str, Any] = {}
        key = present[0]
        value = f.value(key) if key in ("Seconds", "Timestamp") else None
        if isinstance(value, Expression):
            fields["seconds_expression" if key == "Seconds" else "timestamp_expression"] = value
        elif key == "Seconds":
            fields["seconds"] = f.number("Seconds", integer=True, minimum=0)
        elif key == "Timestamp":
            micros = parse_timestamp(f.raw["Timestamp"])
            if micros is None:
                raise f.fail("INVALID_TIMESTAMP", "Timestamp",
                             f"Timestamp of Wait state '{f.name}' must look like 2024-05-01T12:00:00Z.")
            fields["timestamp"] = micros
        else:
            attr = "seconds_path" if key == "SecondsPath" else "timestamp_path"
            fields[attr] = f.path(key, nullable=False, single=True)
        return cls(**f.common(parameters=False, result=False), **f.transition(), **fields)

    def wake_time(self, data: Any, scope: Any, now_ms: int) -> int:
        if self.seconds_expression is not None:
            expression = self.seconds_expression
            value = expression.evaluate(Env(data, scope))
            if type(value) is not int or value < 0:
                raise expression.type_error("integer", value) if type(value) is not int else \
                    StateRuntimeError("States.QueryEvaluationError", f"The JSONata expression '{expression.text}' "
                                      f"specified for the field 'Seconds' returned a negative value: {value}")
            return now_ms + value * 1000
        if self.timestamp_expression is not None:
            expression = self.timestamp_expression
            value = expression.evaluate(Env(data, scope))
            if not isinstance(value, str):
                raise expression.type_error("timestamp", value)
            micros = parse_timestamp(value)
            if micros is None:
                # A string that is no timestamp is a States.Runtime, worded as for TimestampPath with the
                # expression in the path's place (what LocalStack's AWS-validated Wait reports).
                raise StateRuntimeError("States.Runtime", f"The Timestamp parameter does not reference a valid "
                                        f"ISO-8601 extended offset date-time format string: {expression.text} == "
                                        f"{value}")
            return -(-micros // 1000)
        if self.seconds is not None:
            return now_ms + self.seconds * 1000
        if self.timestamp is not None:
            return -(-self.timestamp // 1000)
        if self.seconds_path is not None:
            path = self.seconds_path
            try:
                value = path.evaluate(data, scope)
            except PathNotFound:
                raise StateRuntimeError("States.Runtime", f"The SecondsPath parameter does not reference "
                                        f"an input value: {path.text}") from None
            if type(value) is not int:
                raise StateRuntimeError("States.Runtime", f"The SecondsPath parameter cannot be parsed as a "
                                        f"long value: {path.text} == {_plain(value)}")
            if value < 0:
                raise StateRuntimeError("States.Runtime", f"The SecondsPath parameter references a negative "
                                        f"value: {path.text} == {value}")
            return now_ms + value * 1000
        path = self.timestamp_path
        try:
            value = path.evaluate(data, scope)
        except PathNotFound:
            raise StateRuntimeError("States.Runtime", f"The TimestampPath parameter does not reference "
                                    f"an input value: {path.text}") from None
        micros = parse_timestamp(value)
        if micros is None:
            raise StateRuntimeError("States.Runtime", f"The TimestampPath parameter does not reference a valid "
                                    f"ISO-8601 extended offset date-time format string: {path.text} == "
                                    f"{_plain(value)}")
        return -(-micros // 1000)

    def run(self, ex, th) -> None:
        if th.phase != "waited":
            scope = ex.scope(th)
            data = th.input if self.jsonata else select(self.input_path, th.input, scope)
            wake = self.wake_time(data, scope, ex.clock)
            if wake > ex.clock:
                ex.wait_until(th, wake)
                return
        finish(ex, th, self)


def _plain(value: Any) -> str:
    from ..jsontext import dumps
    return value if isinstance(value, str) else dumps(value)
