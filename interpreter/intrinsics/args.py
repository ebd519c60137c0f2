"""Shared pieces of the function implementations: argument checks and closure building."""
from __future__ import annotations

import math
from typing import Any, Callable

from .errors import failure
from .nodes import Call, Evaluator
from .render import format_value

INT_MIN = -2**31
INT_MAX = 2**31 - 1


def describe(value: Any) -> str:
    t = type(value)
    if value is None:
        return "null"
    if t is bool:
        return "a boolean"
    if t is int or t is float:
        return "a number"
    if t is str:
        return "a string"
    if t is list:
        return "an array"
    if t is dict:
        return "an object"
    return type(value).__name__


def bind(impl: Callable[..., Any]) -> Callable[[Call], Evaluator]:
    """Build an evaluator calling ``impl(call, scope, *argument_values)``.

    The common arities get their own closure so that a call costs no argument-list
    allocation beyond the values themselves.
    """
    def build(call: Call) -> Evaluator:
        getters = tuple(arg.evaluate for arg in call.args)
        n = len(getters)
        if n == 0:
            return lambda data, scope: impl(call, scope)
        if n == 1:
            (g0,) = getters
            return lambda data, scope: impl(call, scope, g0(data, scope))
        if n == 2:
            g0, g1 = getters
            return lambda data, scope: impl(call, scope, g0(data, scope), g1(data, scope))
        if n == 3:
            g0, g1, g2 = getters
            return lambda data, scope: impl(call, scope, g0(data, scope), g1(data, scope), g2(data, scope))
        return lambda data, scope: impl(call, scope, *[g(data, scope) for g in getters])
    return build


def argument_error(call: Call, index: int, expected: str, value: Any):
    return failure(call.text, f"The argument at position {index + 1} must be {expected}, "
                              f"but {describe(value)} was given")


def require_string(call: Call, index: int, value: Any) -> str:
    if type(value) is not str:
        raise argument_error(call, index, "a string", value)
    return value


def require_array(call: Call, index: int, value: Any) -> list:
    if type(value) is not list:
        raise argument_error(call, index, "an array", value)
    return value


def require_object(call: Call, index: int, value: Any) -> dict:
    if type(value) is not dict:
        raise argument_error(call, index, "an object", value)
    return value


def require_integer(call: Call, index: int, value: Any) -> int:
    """An integer argument; a double with no fractional part is accepted as that integer."""
    t = type(value)
    if t is int:
        return value
    if t is float and math.isfinite(value) and value == int(value):
        return int(value)
    raise argument_error(call, index, "an integer", value)


def java_round(x: float) -> int:
    # Java's Math.round: half-way values go up (towards positive infinity), unlike Python's
    # round-half-even; the recorded MathAdd executions (0.5 -> 1, -2.5 -> -2) show it.
    f = math.floor(x)
    return f + 1 if x - f >= 0.5 else f


def rounded_int32(call: Call, index: int, value: Any) -> int:
    """A number rounded to the nearest integer, which must fit a Java int (MathAdd, MathRandom)."""
    t = type(value)
    if t is int:
        n = value
    elif t is float and math.isfinite(value):
        n = java_round(value)
    else:
        raise argument_error(call, index, "a number", value)
    if not INT_MIN <= n <= INT_MAX:
        raise failure(call.text, f"The argument at position {index + 1} must be an integer between "
                                 f"{INT_MIN} and {INT_MAX}, but {format_value(value)} was given")
    return n
