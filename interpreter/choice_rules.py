"""Choice rules in JSONPath mode, compiled into predicates ``rule(data, scope) -> bool``.

A comparison whose operand has the wrong type is simply false, as in AWS; a Variable (or a
``...Path`` operand) that matches nothing is a ``States.Runtime`` error, except for IsPresent.
"""
from __future__ import annotations

import functools
import re
from types import MethodType
from typing import Any, Callable

from .diagnostic import Diagnostic, pointer as make_pointer
from .errors import DefinitionError, StateRuntimeError
from .jsonpath import JsonPathSyntaxError, PathNotFound, compile_path
from .timestamps import parse_timestamp

Predicate = Callable[[Any, Any], bool]
_MISSING = object()


def _is_number(v: Any) -> bool:
    t = type(v)
    return t is int or t is float


def _is_string(v: Any) -> bool:
    return type(v) is str


def _compare(kind: str, test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    if kind == "String":
        return lambda a, b: type(a) is str and type(b) is str and test(a, b)
    if kind == "Numeric":
        return lambda a, b: _is_number(a) and _is_number(b) and test(a, b)
    if kind == "Boolean":
        return lambda a, b: type(a) is bool and type(b) is bool and test(a, b)

    def timestamps(a, b):
        ta, tb = parse_timestamp(a), parse_timestamp(b)
        return ta is not None and tb is not None and test(ta, tb)
    return timestamps


_TESTS = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "GreaterThan": lambda a, b: a > b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThanEquals": lambda a, b: a >= b,
}

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {}
for _kind in ("String", "Numeric", "Timestamp"):
    for _name, _test in _TESTS.items():
        COMPARISONS[_kind + _name] = _compare(_kind, _test)
COMPARISONS["BooleanEquals"] = _compare("Boolean", _TESTS["Equals"])

TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsBoolean": lambda v: type(v) is bool,
    "IsNumeric": _is_number,
    "IsString": _is_string,
    "IsTimestamp": lambda v: parse_timestamp(v) is not None,
}

# What a literal comparison's operand must be.
_OPERAND_KINDS = {op: {"String": str, "Numeric": (int, float), "Boolean": bool, "Timestamp": str}[
    next(k for k in ("String", "Numeric", "Boolean", "Timestamp") if op.startswith(k))] for op in COMPARISONS}

OPERATORS = frozenset(COMPARISONS) | frozenset(k + "Path" for k in COMPARISONS) | frozenset(TYPE_TESTS) \
    | {"IsPresent", "StringMatches"}


def string_matcher(pattern: str) -> Callable[[str], bool]:
    """AWS's StringMatches: ``*`` matches any run of characters, ``\\*`` a star, ``\\\\`` a backslash."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    regex = re.compile("".join(out), re.S)
    return lambda s: regex.fullmatch(s) is not None


class _Problem(Exception):
    """A rule error; the JSON Pointer is joined from ``keys`` (innermost first) only when one
    happens, as nearly every rule compiles cleanly."""

    def __init__(self, code: str, message: str, key: str | None = None) -> None:
        self.code, self.message, self.keys = code, message, [] if key is None else [key]


def compile_rule(rule: Any, pointer: str, top_level: bool = True) -> Predicate:
    try:
        return _compile_rule(rule)
    except _Problem as e:
        raise DefinitionError(Diagnostic(e.code, pointer + make_pointer(*reversed(e.keys)), e.message)) from None


def _compile_rule(rule: Any) -> Predicate:
    # Each predicate is a module function bound to a tuple of what it needs, rather than a
    # closure: two objects per rule instead of one per captured name, fewer for the GC to walk.
    if not isinstance(rule, dict):
        raise _Problem("INVALID_CHOICE_RULE", "A choice rule must be an object.")
    for combinator in ("And", "Or"):
        if combinator in rule:
            parts = rule[combinator]
            if not isinstance(parts, list) or not parts:
                raise _Problem("INVALID_CHOICE_RULE", f"{combinator} needs a non-empty list of rules.", combinator)
            preds = []
            for i, p in enumerate(parts):
                try:
                    preds.append(_compile_rule(p))
                except _Problem as e:
                    e.keys += (i, combinator)
                    raise
            return MethodType(_all_of if combinator == "And" else _any_of, tuple(preds))
    if "Not" in rule:
        try:
            inner = _compile_rule(rule["Not"])
        except _Problem as e:
            e.keys.append("Not")
            raise
        return MethodType(_not, inner)
    op = None
    for key in rule:
        if key in OPERATORS:
            if op is not None:
                op = None  # more than one: the same problem as none
                break
            op = key
    if op is None or "Variable" not in rule:
        raise _Problem(
            "INVALID_CHOICE_RULE",
            "A choice rule needs a Variable and exactly one comparison (e.g. StringEquals), "
            "or And / Or / Not.")
    variable_text, operand = rule["Variable"], rule[op]
    if type(variable_text) is str and type(operand) in _SCALARS:
        return _cached_leaf(op, variable_text, operand)
    return _compile_leaf(op, variable_text, operand)


# Literal operands that can key the cache: typed, so that 1, 1.0 and true stay apart.
_SCALARS = frozenset({str, int, float, bool})


def _compile_leaf(op: str, variable_text: Any, operand: Any) -> Predicate:
    variable = _path(variable_text, "Variable")
    if op == "IsPresent":
        return MethodType(_is_present, (variable, _operand(operand, bool, op)))
    if op in TYPE_TESTS:
        return MethodType(_type_test, (variable, variable_text, TYPE_TESTS[op], _operand(operand, bool, op)))
    if op == "StringMatches":
        return MethodType(_string_matches, (variable, variable_text, string_matcher(_operand(operand, str, op))))
    if op.endswith("Path"):
        return MethodType(_compare_paths, (variable, variable_text, COMPARISONS[op[:-4]], _path(operand, op), operand))
    expected = _operand(operand, _OPERAND_KINDS[op], op)
    if op.startswith("Timestamp") and parse_timestamp(expected) is None:
        raise _Problem("INVALID_TIMESTAMP", f"{op} needs a timestamp like 2024-05-01T12:00:00Z, not '{expected}'.", op)
    return MethodType(_compare_value, (variable, variable_text, COMPARISONS[op], expected))


# A comparison is immutable once compiled, and definitions repeat the same tests (one status
# checked by several Choice states), so each is compiled once per process, as paths are.
_cached_leaf = functools.lru_cache(maxsize=4096, typed=True)(_compile_leaf)


# The predicates: ``rule`` is the tuple each is bound to; a Variable that matches nothing is an
# error except for IsPresent.

def _all_of(preds: tuple, data: Any, scope: Any) -> bool:
    for p in preds:
        if not p(data, scope):
            return False
    return True


def _any_of(preds: tuple, data: Any, scope: Any) -> bool:
    for p in preds:
        if p(data, scope):
            return True
    return False


def _not(inner: Predicate, data: Any, scope: Any) -> bool:
    return not inner(data, scope)


def _is_present(rule: tuple, data: Any, scope: Any) -> bool:
    variable, want = rule
    try:
        variable(data, scope)
    except PathNotFound:
        return not want
    return want


def _type_test(rule: tuple, data: Any, scope: Any) -> bool:
    variable, text, test, want = rule
    try:
        value = variable(data, scope)
    except PathNotFound:
        raise _no_value(text) from None
    return test(value) is want


def _string_matches(rule: tuple, data: Any, scope: Any) -> bool:
    variable, text, matches = rule
    try:
        value = variable(data, scope)
    except PathNotFound:
        raise _no_value(text) from None
    return type(value) is str and matches(value)


def _compare_paths(rule: tuple, data: Any, scope: Any) -> bool:
    variable, text, compare, other, other_text = rule
    try:
        value = variable(data, scope)
    except PathNotFound:
        raise _no_value(text) from None
    try:
        expected = other(data, scope)
    except PathNotFound:
        raise _no_value(other_text) from None
    return compare(value, expected)


def _compare_value(rule: tuple, data: Any, scope: Any) -> bool:
    variable, text, compare, expected = rule
    try:
        value = variable(data, scope)
    except PathNotFound:
        raise _no_value(text) from None
    return compare(value, expected)


def _no_value(path: Any) -> StateRuntimeError:
    return StateRuntimeError("States.Runtime", f"Invalid path '{path}': The choice state's "
                                               f"condition path references an invalid value.")


def _operand(value: Any, kind: Any, op: str) -> Any:
    ok = isinstance(value, kind) and not (kind != bool and kind != str and isinstance(value, bool))
    if kind is bool:
        ok = isinstance(value, bool)
    if not ok:
        names = {bool: "true or false", str: "a string"}
        raise _Problem("INVALID_CHOICE_OPERAND", f"{op} must be compared with {names.get(kind, 'a number')}.", op)
    return value


def _path(text: Any, key: str):
    try:
        return compile_path(text).evaluate
    except (JsonPathSyntaxError, TypeError):
        raise _Problem("INVALID_PATH", f"{text!r} is not a valid JSONPath.", key) from None
