"""Helpers for Distributed Map tests: a machine with one DISTRIBUTED Map, run with S3 objects."""
from __future__ import annotations

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks
from tests.interpreter.asl_helpers import START

PASS_PROCESSOR = {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}}

# Fails for items greater than 2, succeeds for the others.
FAIL_ABOVE_2 = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "Bad"}],
              "Default": "Good"},
    "Bad": {"Type": "Fail", "Error": "TooBig", "Cause": "item above 2"},
    "Good": {"Type": "Succeed"}}}


def dmap(fields: dict | None = None, processor: dict | None = None, execution_type: str = "STANDARD",
         **map_fields) -> dict:
    item_processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                      **(processor or PASS_PROCESSOR)}
    state = {"Type": "Map", "ItemProcessor": item_processor, "End": True, **(fields or {}), **map_fields}
    return {"StartAt": "Map", "States": {"Map": state}}


def run(definition: dict, input=None, mocks: dict | None = None, s3: dict | None = None, **kwargs) -> Execution:
    ex = Execution(parse(definition), {} if input is None else input,
                   mocks=Mocks.from_lists(mocks or {}, s3), seed=1, start_time=START, **kwargs)
    return ex.run()


def types(ex: Execution) -> list[str]:
    return [e.type for e in ex.events]


def only_run(ex: Execution):
    (map_run,) = ex.map_runs.values()
    return map_run
