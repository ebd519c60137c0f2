"""Workflow variables: the limits AWS puts on what one Assign may store."""
from __future__ import annotations

from typing import Any, Callable

from .errors import StateRuntimeError
from .jsontext import size

MAX_VARIABLE_BYTES = 256 * 1024
MAX_ASSIGN_BYTES = 256 * 1024


def check_sizes(assigned: dict) -> dict:
    total = 0
    for name, value in assigned.items():
        n = size(value)
        if n > MAX_VARIABLE_BYTES:
            raise StateRuntimeError("States.Runtime", f"The value assigned to the variable '{name}' is {n} bytes, "
                                    f"more than the {MAX_VARIABLE_BYTES} bytes a variable may hold.")
        total += n
    if total > MAX_ASSIGN_BYTES:
        raise StateRuntimeError("States.Runtime", f"The variables assigned by this state take {total} bytes, "
                                f"more than the {MAX_ASSIGN_BYTES} bytes one Assign may store.")
    return assigned


def checked(assign: Callable) -> Callable:
    """An Assign evaluator whose result is checked against the limits."""
    return lambda *args: check_sizes(assign(*args))
