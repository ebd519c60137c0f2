"""Retry and Catch: which error a retrier or catcher takes, and how long a retry waits."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .diagnostic import Diagnostic, pointer as make_pointer
from .errors import DefinitionError
from .jsonpath import JsonPath

# States.ALL takes every error but States.Runtime, which no Retry or Catch can handle;
# States.TaskFailed takes every error but States.Timeout (AWS's own rule).
_UNCATCHABLE = frozenset({"States.Runtime"})


def error_matches(error_equals: tuple[str, ...], error: str | None) -> bool:
    name = error or ""
    if name in _UNCATCHABLE:
        return False
    for candidate in error_equals:
        if candidate == name or candidate == "States.ALL":
            return True
        if candidate == "States.TaskFailed" and name != "States.Timeout":
            return True
    return False


@dataclass(frozen=True, slots=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter: str = "NONE"

    def delay_millis(self, attempt: int, rng: Any) -> int:
        """Delay before retry number ``attempt + 1`` (``attempt`` retries already made)."""
        seconds = self.interval_seconds * (self.backoff_rate ** attempt)
        if self.max_delay_seconds is not None:
            seconds = min(seconds, self.max_delay_seconds)
        if self.jitter == "FULL":
            seconds = rng.uniform(0, seconds)
        return int(round(seconds * 1000))


@dataclass(frozen=True, slots=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: JsonPath | None | str = "$"  # None: discard the error output; "$": replace
    assign: Any = None   # as the state's Assign; ``$`` / ``$states.errorOutput`` is the error output
    output: Any = None   # JSONata Output


def parse_retriers(raw: Any, at: str) -> tuple[Retrier, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise DefinitionError(Diagnostic("INVALID_RETRY", at, "Retry must be a list of retriers."))
    out = []
    for i, r in enumerate(raw):
        where = at + make_pointer(i)
        if not isinstance(r, dict):
            raise DefinitionError(Diagnostic("INVALID_RETRY", where, "A retrier must be an object."))
        out.append(Retrier(
            error_equals=_error_equals(r, where),
            interval_seconds=_number(r, "IntervalSeconds", 1, where),
            max_attempts=int(_number(r, "MaxAttempts", 3, where)),
            backoff_rate=_number(r, "BackoffRate", 2.0, where),
            max_delay_seconds=_number(r, "MaxDelaySeconds", None, where),
            jitter=r.get("JitterStrategy", "NONE"),
        ))
    return tuple(out)


def _error_equals(r: dict, where: str) -> tuple[str, ...]:
    names = r.get("ErrorEquals")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise DefinitionError(Diagnostic("INVALID_ERROR_EQUALS", where + "/ErrorEquals",
                                         "ErrorEquals must be a non-empty list of error names."))
    return tuple(names)


def _number(r: dict, key: str, default: Any, where: str) -> Any:
    value = r.get(key, default)
    # null stands for "absent" only where absent means no value (MaxDelaySeconds).
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DefinitionError(Diagnostic("INVALID_RETRY", f"{where}/{key}", f"{key} must be a number."))
    return value


def error_output(error: str | None, cause: str | None) -> dict:
    out: dict = {}
    if error is not None:
        out["Error"] = error
    if cause is not None:
        out["Cause"] = cause
    return out


def parse_catchers(raw: Any, at: str, fields: Any) -> tuple[Catcher, ...]:
    from .jsonpath import JsonPathSyntaxError, compile_reference_path

    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise DefinitionError(Diagnostic("INVALID_CATCH", at, "Catch must be a list of catchers."))
    out = []
    for i, c in enumerate(raw):
        where = at + make_pointer(i)
        if not isinstance(c, dict):
            raise DefinitionError(Diagnostic("INVALID_CATCH", where, "A catcher must be an object."))
        next_ = c.get("Next")
        if not isinstance(next_, str):
            raise DefinitionError(Diagnostic("INVALID_CATCH", where + "/Next", "A catcher needs a Next state."))
        result_path: Any = "$"
        if "ResultPath" in c:
            text = c["ResultPath"]
            if text is None:
                result_path = None
            elif text != "$":
                try:
                    result_path = compile_reference_path(text, input_only=True)
                except (JsonPathSyntaxError, TypeError) as e:
                    raise DefinitionError(Diagnostic("INVALID_PATH", where + "/ResultPath", str(e))) from None
        output = None
        if fields.jsonata and "Output" in c:
            from .jsonata_query import compile_template as compile_jsonata

            output = compile_jsonata(c["Output"], "Output", where + "/Output")
        out.append(Catcher(error_equals=_error_equals(c, where), next=next_, result_path=result_path,
                           assign=fields.assign(c, where), output=output))
    return tuple(out)
