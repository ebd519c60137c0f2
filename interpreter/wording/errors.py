"""Why a run failed, in a sentence: "'Check Address' needed the field `application.address` in
its input, and there was none". AWS's error name and cause stay what they are; this says what
they mean, for the run page (with the name and cause one click away).

Causes are matched as Statewise's interpreter words them, which are AWS's own texts
(``An error occurred while executing the state 'X' (entered at the event id #N). …``).
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from . import path_words
from .retries import error_phrase

_WHERE = re.compile(r"An error occurred while executing the state '(?P<state>.+?)' \(entered at the event id #\d+\)\.\s*"
                    r"(?P<detail>.*)", re.S)
_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"The JSONPath '(?P<path>[^']+)' specified for the field '(?P<field>[^']+)' could not be found"),
     "{state} needed the field {path} in its input, and there was none"),
    (re.compile(r"Invalid path '(?P<path>[^']+)': The choice state's condition path references an invalid value"),
     "{state} could not decide: the field {path} it looks at is not in its input"),
    (re.compile(r"Invalid path '(?P<path>[^']+)' ?: No results for path"),
     "{state} needed the field {path} in its input, and there was none"),
    (re.compile(r"The function '(?P<fn>.+?)' had the following error: The JsonPath argument for the field "
                r"'(?P<path>[^']+)' could not be found"),
     "{state} needed the field {path} in its input, and there was none"),
    (re.compile(r"The (?P<kind>SecondsPath|TimestampPath) parameter does not reference an input value: (?P<path>\S+)"),
     "{state} needed the time to wait in the field {path}, and there was none"),
    (re.compile(r"The JSONata expression '(?P<expr>.+?)' specified for the field '(?P<field>[^']+)' returned nothing"),
     "{state}: the expression for {field} found nothing in the data"),
    (re.compile(r"No mocked response for Task state"),
     "{state} has no simulated answer in this test case: add one to its mock config, or answer it by hand"),
    (re.compile(r"Unable to apply step"),
     "{state} could not put its result where it was told to: that part of its input is not an object"),
]
_BY_ERROR = {
    "States.NoChoiceMatched": "{state} could not decide: none of its rules held, and it has no \u201cotherwise\u201d",
    "States.Timeout": "{state} took too long: it had no answer within its time limit",
    "States.HeartbeatTimeout": "{state} stopped sending heartbeats, so it was given up",
    "States.ExceedToleratedFailureThreshold": "Too many items failed in {state}",
    "States.ItemReaderFailed": "{state} could not read its items",
    "States.ResultWriterFailed": "{state} could not write its results",
    "States.DataLimitExceeded": "{state} produced more data than a run may pass on (256 KB)",
    "States.Permissions": "{state} was not allowed to do what it asked",
    "States.QueryEvaluationError": "{state} could not work out one of its expressions",
    "States.Runtime": "{state} could not go on",
    "States.BranchFailed": "A branch of {state} failed",
}


def _said_path(path: str, glossary: Mapping[str, str] | None) -> str:
    name = (glossary or {}).get(path)
    words = path_words(path)
    return f"{name} (`{words}`)" if name else f"`{words}`"


def explain_error(error: Any, cause: Any, *, state: str | None = None,
                  glossary: Mapping[str, str] | None = None) -> str:
    """A sentence on why the run failed. ``state`` is the step that failed, when the caller knows
    it from the history; the cause names it for most of AWS's own errors."""
    error = error if isinstance(error, str) else ""
    cause = cause if isinstance(cause, str) else ""
    m = _WHERE.match(cause)
    detail = cause
    if m:
        state, detail = m.group("state"), m.group("detail")
    who = f"\u2018{state}\u2019" if state else "A step"
    for pattern, template in _PATTERNS:
        found = pattern.search(detail)
        if found:
            groups = found.groupdict()
            path = _said_path(groups["path"], glossary) if "path" in groups else ""
            return template.format(state=who, path=path, field=groups.get("field", "")) + "."
    if error in _BY_ERROR:
        return _BY_ERROR[error].format(state=who) + "."
    if not error:
        return f"{who} failed." if state else "The run failed."
    # A service's error or a Fail state's own: its name says most; the cause, when short, the rest.
    said = error_phrase(error)
    sentence = f"{who} failed with {said}" if state else f"The run failed with {said}"
    short = cause.strip()
    if short and len(short) <= 160 and "\n" not in short:
        sentence += f": {short.rstrip('.')}"
    return sentence + "."
