"""Helpers shared by the intrinsic-function tests."""
import random

import pytest

from interpreter.errors import StatesError
from interpreter.intrinsics import compile_intrinsic


class Scope:
    """What the interpreter hands an evaluation: context object, variables, seeded generator."""

    def __init__(self, context=None, variables=None, seed=0):
        self.context = context if context is not None else {}
        self.variables = variables if variables is not None else {}
        self.rng = random.Random(seed)


def run(text, data=None, scope=None):
    return compile_intrinsic(text).evaluate(data, scope or Scope())


def failure(text, data=None, scope=None) -> StatesError:
    with pytest.raises(StatesError) as info:
        run(text, data, scope)
    assert info.value.name == "States.IntrinsicFailure"
    assert info.value.cause.startswith(f"The function '")
    return info.value
