"""Shared helpers for interpreter tests: build and run small machines."""
from __future__ import annotations

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks

START = 1_700_000_000_000  # a fixed virtual start time: 2023-11-14T22:13:20Z


def machine(states: dict, start: str | None = None, **top) -> dict:
    return {"StartAt": start or next(iter(states)), "States": states, **top}


def execute(definition: dict, input=None, mocks: dict | None = None, **kwargs) -> Execution:
    ex = Execution(parse(definition), {} if input is None else input,
                   mocks=Mocks.from_lists(mocks or {}), seed=1, start_time=START, **kwargs)
    return ex.run()

