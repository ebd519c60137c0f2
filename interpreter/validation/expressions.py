"""The values inside templates: ``.$`` paths and intrinsic calls (JSONPath), ``{% %}``
expressions (JSONata), and field names that clash.

``check_template`` walks a payload template (Parameters, ResultSelector, ItemSelector,
Arguments, Output, Assign...) once. JSONata expressions are only parsed, never evaluated: the
parse is what AWS does when the state machine is created. The parse is the interpreter's own
compile (kept for the run); jsonata-python takes about a millisecond for an expression's first.
"""
from __future__ import annotations

from typing import Any

from .fields import JSONATA
from ..jsonpath import path_error
from .report import Report

_MAX_DEPTH = 200
_MAX_EXPRESSION = 100_000
_jsonata_cache: dict[str, str | None] = {}
# '.$' values already found good; most definitions repeat a few paths many times
_good_payload_values: set[str] = set()


def jsonata_error(expression_text: str) -> str | None:
    """Why a ``{% ... %}`` string is not a JSONata expression AWS accepts, or None."""
    found = _jsonata_cache.get(expression_text, _jsonata_cache)
    if found is not _jsonata_cache:
        return found
    # AWS needs only the '{%' start and the '%}' end: samples deployed to AWS write
    # "{%$states.input%}" and "{% $states.result%}"
    body = expression_text[2:-2].strip()
    if not body:
        found = "the expression between '{%' and '%}' is empty"
    elif len(body) > _MAX_EXPRESSION:
        found = "the expression is too long"
    else:
        from ..jsonata_query import syntax_error  # the interpreter's compiler: one parse for both

        found = syntax_error(body)
    if len(_jsonata_cache) < 50_000:
        _jsonata_cache[expression_text] = found
    return found


def check_payload_value(key: str, value: Any, where: tuple, report: Report, state: str | None,
                        what: str) -> None:
    """A ``.$`` field's value: a path or an intrinsic call."""
    if type(value) is not str:
        report.error("INVALID_PATH", where,
                     f"{what}: '{key}' ends in '.$', so its value must be a path or an intrinsic function "
                     f"given as text: quote it, or drop '.$' from the name to use the value as it is.", state)
        return
    if value.startswith("States."):
        from ..intrinsics import intrinsic_error  # loaded only by definitions that call one

        problem = intrinsic_error(value)
        if problem:
            report.error("INVALID_INTRINSIC", where,
                         f"{what}: the intrinsic function in '{key}' is not valid: {problem}.", state)
        elif len(_good_payload_values) < 100_000:
            _good_payload_values.add(value)
        return
    problem = path_error(value)
    if problem is None:
        if len(_good_payload_values) < 100_000:
            _good_payload_values.add(value)
    else:
        report.error("INVALID_PATH", where,
                     f"{what}: '{key}' ends in '.$', so '{_cut(value)}' must be a JSONPath such as $.field "
                     f"or an intrinsic function such as States.Format(...): {problem}.", state)


def check_template(value: Any, language: str, where: tuple, report: Report, state: str | None,
                   what: str, depth: int = 0) -> None:
    """Walk a payload template once, in the given query language."""
    if depth > _MAX_DEPTH:
        report.error("INVALID_VALUE", where, f"{what}: this value is nested too deeply.", state)
        return
    t = type(value)
    if t is dict:
        if language == JSONATA:
            for key, item in value.items():
                kind = type(item)
                if kind is dict or kind is list or kind is str:
                    check_template(item, language, (*where, key), report, state, what, depth + 1)
            return
        for key, item in value.items():
            if type(key) is str and key.endswith(".$"):
                plain = key[:-2]
                if plain in value:
                    report.error("DUPLICATE_TEMPLATE_FIELD", (*where, key),
                                 f"{what} has both '{plain}' and '{key}', which set the same field: keep one.",
                                 state)
                if item.__class__ is not str or item not in _good_payload_values:
                    check_payload_value(key, item, (*where, key), report, state, what)
            elif type(item) is dict or type(item) is list:
                check_template(item, language, (*where, key), report, state, what, depth + 1)
    elif t is list:
        for i, item in enumerate(value):
            if type(item) in (dict, list) or (language == JSONATA and type(item) is str):
                check_template(item, language, (*where, i), report, state, what, depth + 1)
    elif t is str and language == JSONATA:
        check_expression_string(value, where, report, state, what)


def check_expression_string(value: str, where: tuple, report: Report, state: str | None, what: str) -> None:
    if value.startswith("{%") and value.endswith("%}") and len(value) >= 4:
        problem = jsonata_error(value)
        if problem:
            report.error("INVALID_JSONATA", where,
                         f"{what}: the JSONata expression '{_cut(value)}' is not valid: {problem}.", state)


def _cut(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
