"""Reading a definition from text: JSON, or YAML as Serverless and SAM users write it.

Python's ``json`` and PyYAML both keep the last of two equal keys without a word; AWS rejects
the definition. So both readers here build objects that remember their duplicate keys, and a
walk afterwards (only when some were found) reports them with their JSON Pointers.

YAML, Terraform and templates (SAM, CloudFormation, Serverless) are read by
:mod:`interpreter.sources`, as the web app and ``run`` read them: a template's state machine is
what gets checked, its placeholders kept as ``${...}`` text.
"""
from __future__ import annotations

import json
from typing import Any

from ..limits import DEFINITION_BYTES, DEFINITION_TEXT_BYTES
from ..sources import SourceError, read_source
from .report import Report

MAX_DEFINITION_BYTES = DEFINITION_BYTES


class _Duplicates(dict):
    """A JSON object that had repeated keys; ``repeated`` lists them in order."""
    __slots__ = ("repeated",)


def _pairs(pairs: list, found: list | None = None) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        if found is not None:
            found.append(True)
        seen: set = set()
        repeated = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        dup = _Duplicates(obj)
        dup.repeated = repeated
        return dup
    return obj


def read_definition(text: str, report: Report) -> tuple[bool, Any]:
    """Parse ``text``; return (ok, value). Problems with the text itself go into ``report``."""
    # The 1 MB quota is checked on the definition read (validate()), the same measure for JSON,
    # YAML and the editor; a text this large is not even read.
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > DEFINITION_TEXT_BYTES:
        report.error("DEFINITION_TOO_LARGE", (),
                     f"The definition text is {size:,} bytes; Statewise reads at most {DEFINITION_TEXT_BYTES:,} "
                     f"and Step Functions accepts at most {MAX_DEFINITION_BYTES:,} (1 MB) of compact JSON. "
                     f"Split it, e.g. into nested state machines.")
        return False, None
    stripped = text.strip()
    if not stripped:
        report.error("NOT_AN_OBJECT", (), "The definition is empty: it must be a JSON object with StartAt and States.")
        return False, None
    found: list = []
    try:
        value = json.loads(text, object_pairs_hook=lambda pairs: _pairs(pairs, found))
    except (ValueError, RecursionError):
        return _from_source(text, stripped, report)
    if _is_template(value):
        return _from_source(text, stripped, report)
    if not found:
        return True, value
    try:
        value = _report_duplicates(value, (), report)
    except RecursionError:
        report.error("UNREADABLE", (), "The definition is nested too deeply to read.")
        return False, None
    return True, value


def _is_template(value: Any) -> bool:
    return isinstance(value, dict) and "States" not in value and "StartAt" not in value and (
        "Resources" in value or "stepFunctions" in value or "definition" in value)


def _from_source(text: str, stripped: str, report: Report) -> tuple[bool, Any]:
    """YAML, Terraform or a template: read as the web app and ``run`` read them."""
    try:
        source = read_source(text)
    except SourceError as error:
        message = error.message.rstrip(".")
        if message.startswith("Not valid JSON"):
            report.error("UNREADABLE", (), f"The definition is not valid JSON: {message[len('Not valid JSON: '):]}.")
        elif message.startswith("Not valid YAML"):
            report.error("UNREADABLE", (), f"The definition is neither JSON nor YAML: "
                                           f"{message[len('Not valid YAML: '):]}.")
        else:
            report.error("UNREADABLE", (), f"{message}.")
        return False, None
    for path, key in source.duplicates:
        if path and path[-1] == "States":
            report.error("DUPLICATE_STATE_NAME", (*path, key),
                         f"State name '{key}' is defined twice in the same States: rename one of them "
                         f"(only the last one would be kept).", key)
        else:
            report.error("DUPLICATE_KEY", (*path, key),
                         f"Field '{key}' appears twice in the same object: keep one "
                         f"(only the last one would be kept).", _state_of(path))
    return True, source.definition


def _report_duplicates(value: Any, where: tuple, report: Report) -> Any:
    """Replace duplicate-remembering objects by plain dicts, reporting each repeated key."""
    if isinstance(value, dict):
        if isinstance(value, _Duplicates):
            for key in value.repeated:
                at = (*where, key)
                if where and where[-1] == "States":
                    report.error("DUPLICATE_STATE_NAME", at,
                                 f"State name '{key}' is defined twice in the same States: rename one of them "
                                 f"(only the last one would be kept).", key)
                else:
                    report.error("DUPLICATE_KEY", at,
                                 f"Field '{key}' appears twice in the same object: keep one "
                                 f"(only the last one would be kept).", _state_of(where))
            value = dict(value)
        for key, item in value.items():
            value[key] = _report_duplicates(item, (*where, key), report)
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _report_duplicates(item, (*where, i), report)
        return value
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return [_report_duplicates(v, where, report) for v in value]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _state_of(where: tuple) -> str | None:
    """The innermost state name on the path, if any."""
    for i in range(len(where) - 2, -1, -1):
        if where[i] == "States" and isinstance(where[i + 1], str):
            return where[i + 1]
    return None
