"""The nutrition-labels sample: a Distributed Map over a CSV file, run with its mock config.

Each test case of ``designer/samples/nutrition-labels.mocks.json`` holds its own products file
(S3 extension) and the validation function's answers for its batches of two rows; the outcome
follows from the rows: bad rows fail their batch, and more than 25% of the items failing fails
the Map Run.
"""
import json
from pathlib import Path

import pytest

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"
DEFINITION = json.loads((SAMPLES / "nutrition-labels.asl.json").read_text())
INPUT = json.loads((SAMPLES / "nutrition-labels.input.json").read_text())
CONFIG = json.loads((SAMPLES / "nutrition-labels.mocks.json").read_text())


def run(test_case: str) -> Execution:
    mocks = Mocks.from_config(CONFIG, "nutrition-labels", test_case)
    return Execution(parse(DEFINITION), INPUT, mocks=mocks, seed=3, start_time=1_700_000_000_000).run()


def item_counts(ex: Execution) -> dict:
    (map_run,) = ex.map_runs.values()
    return {k: v for k, v in map_run.describe()["itemCounts"].items() if v}


def test_every_test_case_is_covered():
    assert set(CONFIG["StateMachines"]["nutrition-labels"]["TestCases"]) == {
        "CleanFile", "OneBadRowTolerated", "TooManyBadRows", "FileMissing"}


def test_clean_file_labels_every_batch():
    ex = run("CleanFile")
    assert ex.result() == {"status": "SUCCEEDED", "output": {"file": "2026-11/products.csv", "summary": {"batches": 3}}}
    assert item_counts(ex) == {"succeeded": 6, "total": 6}
    (map_run,) = ex.map_runs.values()
    first = map_run.children[0]
    assert first.express and first.input["Items"][0]["sku"] == "GR-001"
    assert first.output["count"] == 2 and [l["sku"] for l in first.output["labels"]] == ["GR-001", "GR-002"]


def test_one_bad_row_is_within_the_tolerated_quarter():
    ex = run("OneBadRowTolerated")
    assert ex.status == "SUCCEEDED" and ex.output["summary"] == {"batches": 4}
    assert item_counts(ex) == {"succeeded": 6, "failed": 2, "total": 8}
    (map_run,) = ex.map_runs.values()
    failed = map_run.children[1]
    assert (failed.error, failed.cause) == ("InvalidNutritionData", "DA-011: calories cannot be negative (-70)")


def test_too_many_bad_rows_exceed_the_tolerated_failures():
    ex = run("TooManyBadRows")
    assert ex.result() == {"status": "FAILED", "error": "States.ExceedToleratedFailureThreshold",
                           "cause": "The specified tolerated failure threshold was exceeded"}
    assert [e.type for e in ex.events][-4:] == ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"]
    assert item_counts(ex)["failed"] == 4


@pytest.mark.parametrize("case", ["FileMissing"])
def test_a_missing_file_fails_the_item_reader(case):
    ex = run(case)
    assert ex.result()["error"] == "States.ItemReaderFailed"
    assert "NoSuchKey" in ex.result()["cause"]
