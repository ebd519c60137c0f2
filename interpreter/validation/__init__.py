"""Validation of ASL definitions: every problem AWS would reject, as diagnostics.

``validate(definition)`` takes the parsed JSON (any value) and returns a list of
:class:`~interpreter.diagnostic.Diagnostic`; ``validate_text(text)`` reads JSON or YAML text
first, so it also sees what parsing hides (duplicate keys) and the size AWS limits. Neither
raises for any input. A definition is valid when no diagnostic has severity ``"error"``
(:func:`is_valid`); warnings are for what AWS accepts but is probably a mistake.

Where the rules live: ``fields.py`` (which fields, which query language, what kind of value,
also the source of ``schema.py``'s JSON Schema), ``machine.py`` (the walk, transitions and
reachability, Task/Wait rules), ``choice.py``, ``retriers.py``, ``map_state.py``,
``variables.py`` (Assign), ``expressions.py`` (templates, JSONata), and the interpreter's own
``jsonpath`` and ``intrinsics`` grammars, ``resources.py`` (Task ARNs) and ``text.py`` (reading text).
"""
from __future__ import annotations

from typing import Any

from ..diagnostic import Diagnostic
from ..limits import DEFINITION_BYTES, json_size
from .machine import check_definition
from .report import SCHEMA_CODES, Report
from .text import MAX_DEFINITION_BYTES, read_definition

__all__ = ["validate", "validate_text", "is_valid", "clear_caches", "Diagnostic", "SCHEMA_CODES",
           "MAX_DEFINITION_BYTES"]

# Compact JSON of a definition is at most this many times its JSON text in ASCII (whitespace goes;
# only a number written short, "1e15" for 1000000000000000.0, grows, by 4.5 times at worst).
_JSON_GROWTH = 5


def validate(definition: Any, *, text: str | None = None) -> list[Diagnostic]:
    """Every problem in a parsed definition (any JSON value), errors and warnings.

    ``text``, when given, is the JSON text ``definition`` was read from: a short one is known to
    be under 1 MB without measuring the definition again.
    """
    report = Report()
    try:
        size = _oversize(definition, text)
        if size:
            report.error("DEFINITION_TOO_LARGE", (),
                         f"The definition is {size:,} bytes as compact JSON; Step Functions accepts at most "
                         f"{DEFINITION_BYTES:,} (1 MB). Split it, e.g. into nested state machines.")
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
    return report.problems + validate(definition)


def clear_caches() -> None:
    """Forget what the checkers have memoised (paths, intrinsic calls, JSONata parses, variable
    names), so that a benchmark can time a first validation."""
    from .. import intrinsics, jsonpath
    from . import choice, expressions, variables

    for memo in (choice._good_paths, expressions._jsonata_cache, expressions._good_payload_values,
                 variables._checked):
        memo.clear()
    jsonpath.clear_caches()
    intrinsics.clear_caches()


def is_valid(problems: list[Diagnostic]) -> bool:
    return not any(p.severity == "error" for p in problems)


def _oversize(definition: Any, text: str | None) -> int:
    """The definition's size in bytes of compact UTF-8 JSON when that is over 1 MB, else 0: the
    same measure however the definition arrived (JSON text, YAML, the editor's object)."""
    if type(definition) is not dict:
        return 0
    if text is not None and text.isascii() and len(text) * _JSON_GROWTH <= DEFINITION_BYTES:
        return 0
    try:
        size = json_size(definition)
    except (TypeError, ValueError):  # not JSON (a YAML date, NaN): other checks say so
        return 0
    return size if size > DEFINITION_BYTES else 0
