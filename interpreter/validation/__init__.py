"""Validation of ASL definitions: every problem AWS would reject, as diagnostics.

``validate(definition)`` takes the parsed JSON (any value) and returns a list of
:class:`~interpreter.diagnostic.Diagnostic`; ``validate_text(text)`` reads JSON or YAML text
first, so it also sees what parsing hides (duplicate keys) and the size AWS limits. Neither
raises for any input. A definition is valid when no diagnostic has severity ``"error"``
(:func:`is_valid`); warnings are for what AWS accepts but is probably a mistake.

Where the rules live: ``fields.py`` (which fields, which query language, what kind of value,
also the source of ``schema.py``'s JSON Schema), ``machine.py`` (the walk, transitions and
reachability, Task/Wait rules), ``choice.py``, ``retriers.py``, ``map_state.py``,
``variables.py`` (Assign), ``expressions.py`` (templates, JSONata), ``jsonpath.py``,
``intrinsics.py``, ``resources.py`` (Task ARNs) and ``text.py`` (reading text).
"""
from __future__ import annotations

import json
from typing import Any

from ..diagnostic import Diagnostic
from .machine import check_definition
from .report import SCHEMA_CODES, Report
from .text import MAX_DEFINITION_BYTES, read_definition

__all__ = ["validate", "validate_text", "is_valid", "clear_caches", "Diagnostic", "SCHEMA_CODES",
           "MAX_DEFINITION_BYTES"]

# Serialising a definition to measure it costs about as much as checking it, so validate()
# measures only definitions with this many states or more; a smaller one reaches 1 MB only through
# a huge value (a giant Result), which validate_text() catches because it measures the text itself.
_SIZE_CHECK_STATES = 500


def validate(definition: Any) -> list[Diagnostic]:
    """Every problem in a parsed definition (any JSON value), errors and warnings."""
    report = Report()
    try:
        if _too_large(definition):
            report.error("DEFINITION_TOO_LARGE", (),
                         f"The definition is larger than {MAX_DEFINITION_BYTES:,} bytes (1 MB), the most Step "
                         f"Functions accepts: split it, e.g. into nested state machines.")
        check_definition(definition, report)
    except RecursionError:
        report.error("NESTED_TOO_DEEPLY", (), "The definition is nested too deeply to check.")
    except Exception as exc:  # a bug here must not take the caller down; say so plainly instead
        report.error("VALIDATOR_ERROR", (), f"The validator failed on this definition ({type(exc).__name__}: "
                                            f"{exc}); please report it. The definition may still be valid.")
    return report.problems


def validate_text(text: str) -> list[Diagnostic]:
    """Every problem in a definition given as JSON or YAML text."""
    report = Report()
    if not isinstance(text, str):
        report.error("UNREADABLE", (), "The definition must be given as text.")
        return report.problems
    try:
        ok, definition = read_definition(text, report)
    except Exception as exc:
        report.error("UNREADABLE", (), f"The definition could not be read ({type(exc).__name__}: {exc}).")
        return report.problems
    if not ok:
        return report.problems
    return report.problems + [d for d in validate(definition) if d.code != "DEFINITION_TOO_LARGE"]


def clear_caches() -> None:
    """Forget what the checkers have memoised (paths, intrinsic calls, JSONata parses, variable
    names), so that a benchmark can time a first validation."""
    from . import choice, expressions, intrinsics, jsonpath, variables

    for memo in (choice._good_paths, expressions._jsonata_cache, expressions._good_payload_values,
                 intrinsics._cache, jsonpath._reference_cache, jsonpath._path_cache, variables._checked):
        memo.clear()


def is_valid(problems: list[Diagnostic]) -> bool:
    return not any(p.severity == "error" for p in problems)


def _too_large(definition: Any) -> bool:
    if type(definition) is not dict:
        return False
    states = definition.get("States")
    if type(states) is dict and len(states) < _SIZE_CHECK_STATES:
        return False
    try:
        text = json.dumps(definition, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return False
    return len(text) > MAX_DEFINITION_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_DEFINITION_BYTES
