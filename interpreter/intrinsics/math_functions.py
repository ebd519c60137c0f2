"""States.MathAdd and States.MathRandom."""
from __future__ import annotations

from typing import Any

from .args import INT_MAX, INT_MIN, argument_error, bind, java_round, rounded_int32
from .errors import failure
from .nodes import Call, Evaluator, Literal

_MASK48 = (1 << 48) - 1
_MULTIPLIER = 0x5DEECE66D


def build_add(call: Call) -> Evaluator:
    """MathAdd is the hot intrinsic (loop counters), so integer operands take a short path.

    Each operand is rounded to the nearest integer first (Java's Math.round, so 1.49 + 1.5
    is 1 + 2 = 3, as recorded) and must fit a Java int; the sum itself is not truncated.
    """
    first, second = call.args
    g0 = first.evaluate
    if isinstance(second, Literal) and type(second.value) is int and INT_MIN <= second.value <= INT_MAX:
        constant = second.value

        def add_constant(data, scope):
            a = g0(data, scope)
            if type(a) is int and INT_MIN <= a <= INT_MAX:
                return a + constant
            return rounded_int32(call, 0, a) + constant
        return add_constant
    g1 = second.evaluate

    def add(data, scope):
        a = g0(data, scope)
        b = g1(data, scope)
        if type(a) is not int or not INT_MIN <= a <= INT_MAX:
            a = rounded_int32(call, 0, a)
        if type(b) is not int or not INT_MIN <= b <= INT_MAX:
            b = rounded_int32(call, 1, b)
        return a + b
    return add


class JavaRandom:
    """java.util.Random's generator, so a seeded MathRandom is a pure function of its seed,
    computed the way a JVM interpreter would compute it."""

    __slots__ = ("_seed",)

    def __init__(self, seed: int):
        self._seed = (seed ^ _MULTIPLIER) & _MASK48

    def _next31(self) -> int:
        self._seed = (self._seed * _MULTIPLIER + 0xB) & _MASK48
        return self._seed >> 17

    def next_int(self, bound: int) -> int:
        if bound & (bound - 1) == 0:
            return (bound * self._next31()) >> 31
        while True:
            bits = self._next31()
            value = bits % bound
            if bits - value + (bound - 1) < 1 << 31:
                return value


def _random(call: Call, scope: Any, start: Any, end: Any, seed: Any = None, *, seeded: bool = False) -> int:
    start = rounded_int32(call, 0, start)
    end = rounded_int32(call, 1, end)
    if start >= end:
        raise failure(call.text, f"The start ({start}) must be less than the end ({end})")
    # The start is inclusive and the end exclusive.
    if seeded:
        if type(seed) is bool or type(seed) not in (int, float):
            raise argument_error(call, 2, "an integer", seed)
        if type(seed) is float:
            if seed != seed or seed in (float("inf"), float("-inf")):
                raise argument_error(call, 2, "an integer", seed)
            seed = java_round(seed)
        return start + JavaRandom(seed).next_int(end - start)
    return scope.rng.randrange(start, end)


def _random_unseeded(call: Call, scope: Any, start: Any, end: Any) -> int:
    return _random(call, scope, start, end)


def _random_seeded(call: Call, scope: Any, start: Any, end: Any, seed: Any) -> int:
    return _random(call, scope, start, end, seed, seeded=True)


_build_unseeded = bind(_random_unseeded)
_build_seeded = bind(_random_seeded)


def build_random(call: Call) -> Evaluator:
    return _build_seeded(call) if len(call.args) == 3 else _build_unseeded(call)
