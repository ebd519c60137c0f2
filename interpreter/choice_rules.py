"""Choice rules in JSONPath mode, compiled into predicates ``rule(data, scope) -> bool``.

A comparison whose operand has the wrong type is simply false, as in AWS; a Variable (or a
``...Path`` operand) that matches nothing is a ``States.Runtime`` error, except for IsPresent.
"""
from __future__ import annotations

import re
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


def compile_rule(rule: Any, pointer: str, top_level: bool = True) -> Predicate:
    if not isinstance(rule, dict):
        raise DefinitionError(Diagnostic("INVALID_CHOICE_RULE", pointer, "A choice rule must be an object."))
    for combinator in ("And", "Or"):
        if combinator in rule:
            parts = rule[combinator]
            if not isinstance(parts, list) or not parts:
                raise DefinitionError(Diagnostic("INVALID_CHOICE_RULE", pointer + make_pointer(combinator),
                                                 f"{combinator} needs a non-empty list of rules."))
            preds = tuple(compile_rule(p, pointer + make_pointer(combinator, i), False)
                          for i, p in enumerate(parts))
            if combinator == "And":
                return lambda data, scope: all(p(data, scope) for p in preds)
            return lambda data, scope: any(p(data, scope) for p in preds)
    if "Not" in rule:
        inner = compile_rule(rule["Not"], pointer + make_pointer("Not"), False)
        return lambda data, scope: not inner(data, scope)
    operators = [k for k in rule if k in OPERATORS]
    if len(operators) != 1 or "Variable" not in rule:
        raise DefinitionError(Diagnostic(
            "INVALID_CHOICE_RULE", pointer,
            "A choice rule needs a Variable and exactly one comparison (e.g. StringEquals), "
            "or And / Or / Not."))
    op = operators[0]
    variable_text = rule["Variable"]
    variable = _path(variable_text, pointer + "/Variable")
    operand = rule[op]
    where = pointer + make_pointer(op)

    def read_variable(data, scope):
        try:
            return variable(data, scope)
        except PathNotFound:
            raise StateRuntimeError("States.Runtime", f"Invalid path '{variable_text}': The choice state's "
                                    f"condition path references an invalid value.") from None

    if op == "IsPresent":
        want = _operand(operand, bool, where, op)

        def is_present(data, scope):
            try:
                variable(data, scope)
            except PathNotFound:
                return not want
            return want
        return is_present
    if op in TYPE_TESTS:
        want, test = _operand(operand, bool, where, op), TYPE_TESTS[op]
        return lambda data, scope: test(read_variable(data, scope)) is want
    if op == "StringMatches":
        matches = string_matcher(_operand(operand, str, where, op))
        return lambda data, scope: (lambda v: type(v) is str and matches(v))(read_variable(data, scope))
    if op.endswith("Path"):
        compare = COMPARISONS[op[:-4]]
        other = _path(operand, where)

        def compare_paths(data, scope):
            value = read_variable(data, scope)
            try:
                expected = other(data, scope)
            except PathNotFound:
                raise StateRuntimeError("States.Runtime", f"Invalid path '{operand}': The choice state's "
                                        f"condition path references an invalid value.") from None
            return compare(value, expected)
        return compare_paths
    compare = COMPARISONS[op]
    kind = {"String": str, "Numeric": (int, float), "Boolean": bool, "Timestamp": str}[
        next(k for k in ("String", "Numeric", "Boolean", "Timestamp") if op.startswith(k))]
    expected = _operand(operand, kind, where, op)
    if op.startswith("Timestamp") and parse_timestamp(expected) is None:
        raise DefinitionError(Diagnostic("INVALID_TIMESTAMP", where,
                                         f"{op} needs a timestamp like 2024-05-01T12:00:00Z, not '{expected}'."))
    return lambda data, scope: compare(read_variable(data, scope), expected)


def _operand(value: Any, kind: Any, pointer: str, op: str) -> Any:
    ok = isinstance(value, kind) and not (kind != bool and kind != str and isinstance(value, bool))
    if kind is bool:
        ok = isinstance(value, bool)
    if not ok:
        names = {bool: "true or false", str: "a string"}
        raise DefinitionError(Diagnostic("INVALID_CHOICE_OPERAND", pointer,
                                         f"{op} must be compared with {names.get(kind, 'a number')}."))
    return value


def _path(text: Any, pointer: str):
    try:
        return compile_path(text).evaluate
    except (JsonPathSyntaxError, TypeError):
        raise DefinitionError(Diagnostic("INVALID_PATH", pointer, f"{text!r} is not a valid JSONPath.")) from None
