"""Distributed Map: Map Runs of child executions, batching, tolerated failures, results.

Expectations come from AWS's developer guide (Distributed Map, Map Run, ItemBatcher,
ResultWriter, tolerated failure threshold pages) and the recorded histories in the corpus.
"""
import json

import pytest

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks
from tests.interpreter.asl_helpers import START
from tests.interpreter.distributed_helpers import FAIL_ABOVE_2, dmap, only_run, run, types

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"
SUCCEEDED_EVENTS = ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
                    "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]


# --- the parent's history and the children -------------------------------------------------

def test_parent_history_has_map_run_events_not_iterations():
    ex = run(dmap(), ["Hello", "World"])
    assert ex.result() == {"status": "SUCCEEDED", "output": ["Hello", "World"]}
    assert types(ex) == SUCCEEDED_EVENTS
    started = next(e for e in ex.events if e.type == "MapRunStarted")
    assert started.details["mapRunArn"].startswith("arn:aws:states:us-east-1:123456789012:mapRun:StateMachine/Map:")
    assert started.to_aws()["mapRunStartedEventDetails"] == started.details


def test_children_are_executions_with_their_own_history_and_context():
    processor = {"StartAt": "Who", "States": {"Who": {"Type": "Pass", "End": True, "Parameters": {
        "id.$": "$$.Execution.Id", "machine.$": "$$.StateMachine.Name", "input.$": "$"}}}}
    ex = run(dmap(processor=processor, Label="Labels"), [1, 2])
    map_run = only_run(ex)
    assert [c.status for c in map_run.children] == ["SUCCEEDED", "SUCCEEDED"]
    first = map_run.children[0]
    assert [e.type for e in first.events] == ["ExecutionStarted", "PassStateEntered", "PassStateExited",
                                              "ExecutionSucceeded"]
    assert first.execution_arn.startswith("arn:aws:states:us-east-1:123456789012:execution:StateMachine/Labels:")
    assert ex.output[0] == {"id": first.execution_arn, "machine": "StateMachine/Labels", "input": 1}
    assert ":mapRun:StateMachine/Labels:" in map_run.arn
    counts = map_run.describe()
    assert counts["status"] == "SUCCEEDED" and counts["itemCounts"]["succeeded"] == 2


def test_express_children_get_express_arns():
    ex = run(dmap(execution_type="EXPRESS"), [1])
    child = only_run(ex).children[0]
    assert child.express and ":express:StateMachine/Map:" in child.execution_arn


def test_item_selector_sees_the_map_item_and_the_state_input():
    selector = {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "all.$": "$.xs"}
    ex = run(dmap(ItemsPath="$.xs", ItemSelector=selector), {"xs": ["a", "b"]})
    assert ex.output == [{"value": "a", "index": 0, "all": ["a", "b"]}, {"value": "b", "index": 1, "all": ["a", "b"]}]


def test_items_path_must_name_an_array():
    ex = run(dmap(ItemsPath="$.xs"), {"xs": "nope"})
    assert ex.result()["error"] == "States.Runtime" and "MapRunStarted" not in types(ex)


def test_task_mocks_are_numbered_across_the_children_in_order():
    processor = {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": True}}}
    ex = run(dmap(processor=processor, MaxConcurrency=1), [1, 2, 3],
             mocks={"Work": [{"Return": "a"}, {"Return": "b"}, {"Return": "c"}]})
    assert ex.output == ["a", "b", "c"]


# --- concurrency on the virtual clock -------------------------------------------------------

@pytest.mark.parametrize("limit, seconds", [(1, 30), (2, 20), (0, 10)])
def test_max_concurrency_paces_children_on_the_virtual_clock(limit, seconds):
    processor = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 10, "End": True}}}
    ex = run(dmap(processor=processor, MaxConcurrency=limit), [1, 2, 3])
    assert ex.status == "SUCCEEDED"
    succeeded = next(e for e in ex.events if e.type == "MapRunSucceeded")
    assert succeeded.timestamp - START == seconds * 1000
    starts = sorted(c.start_time - START for c in only_run(ex).children)
    assert starts == {1: [0, 10_000, 20_000], 2: [0, 0, 10_000], 0: [0, 0, 0]}[limit]


def test_parent_timeout_fires_while_the_map_run_is_under_way():
    processor = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 100, "End": True}}}
    ex = run({**dmap(processor=processor), "TimeoutSeconds": 5}, [1])
    assert ex.status == "TIMED_OUT"


# --- tolerated failures ------------------------------------------------------------------------

def test_any_failure_fails_the_run_by_default():
    ex = run(dmap(processor=FAIL_ABOVE_2), [1, 2, 3])
    assert ex.result() == {"status": "FAILED", "error": "States.ExceedToleratedFailureThreshold",
                           "cause": "The specified tolerated failure threshold was exceeded"}
    assert types(ex)[-4:] == ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"]
    failed = next(e for e in ex.events if e.type == "MapRunFailed")
    assert failed.details["error"] == "States.ExceedToleratedFailureThreshold"


@pytest.mark.parametrize("fields, status", [
    ({"ToleratedFailureCount": 1}, "SUCCEEDED"),       # 1 failure, 1 tolerated
    ({"ToleratedFailureCount": 0}, "FAILED"),
    ({"ToleratedFailurePercentage": 25}, "SUCCEEDED"),  # 1 of 4 = 25%: not above
    ({"ToleratedFailurePercentage": 24.9}, "FAILED"),
    ({"ToleratedFailurePercentage": 100, "ToleratedFailureCount": 0}, "FAILED"),  # either exceeded fails
])
def test_tolerated_count_and_percentage(fields, status):
    ex = run(dmap(processor=FAIL_ABOVE_2, **fields), [1, 2, 3, 0])
    assert ex.status == status
    if status == "SUCCEEDED":
        assert ex.output == [1, 2, None, 0]  # a tolerated failure leaves null in its place


def test_tolerated_paths_and_their_errors():
    definition = dmap(processor=FAIL_ABOVE_2, ToleratedFailureCountPath="$.count",
                      ToleratedFailurePercentagePath="$.pct", ItemsPath="$.items")
    ok = run(definition, {"items": [1, 3], "count": 1, "pct": 50})
    assert ok.status == "SUCCEEDED"
    cases = [({"count": -1, "pct": 0}, "ToleratedFailureCount cannot be negative."),
             ({"count": "NoNumber", "pct": 0}, 'The ToleratedFailureCountPath field refers to value "NoNumber" '
                                               'which is not a valid integer: $.count'),
             ({"count": {}, "pct": 0}, 'The ToleratedFailureCountPath field refers to value "{}" '
                                       'which is not a valid integer: $.count'),
             ({"count": 0, "pct": 101}, "ToleratedFailurePercentage must be between 0 and 100."),
             ({"count": 0, "pct": "x"}, 'The ToleratedFailurePercentagePath field refers to value "x" '
                                        'which is not a valid float: $.pct')]
    for values, cause in cases:
        ex = run(definition, {"items": [1], **values})
        assert ex.result() == {"status": "FAILED", "error": "States.Runtime", "cause":
                               "An error occurred while executing the state 'Map' (entered at the event id #2). "
                               + cause}
        assert types(ex) == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "ExecutionFailed"]


def test_exceeding_the_threshold_aborts_running_children_and_starts_no_more():
    processor = {"StartAt": "Check", "States": {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Bad"}],
                  "Default": "Slow"},
        "Bad": {"Type": "Fail", "Error": "Zero"},
        "Slow": {"Type": "Wait", "Seconds": 60, "End": True}}}
    ex = run(dmap(processor=processor, MaxConcurrency=2), [5, 0, 5, 5])
    children = only_run(ex).children
    assert [c.status if c else None for c in children] == ["ABORTED", "FAILED", None, None]
    assert only_run(ex).describe()["executionCounts"]["pending"] == 2


def test_a_failed_batch_counts_all_its_items():
    # 2 items of 4 fail (one batch): 50% > 40%.
    ex = run(dmap(processor={"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}},
                  ItemBatcher={"MaxItemsPerBatch": 2}, ToleratedFailurePercentage=40, MaxConcurrency=1),
             [1, 2, 3, 4])
    assert ex.result()["error"] == "States.ExceedToleratedFailureThreshold"


def test_catch_and_retry_see_the_map_run_failure():
    definition = dmap(processor=FAIL_ABOVE_2, ItemsPath="$.items",
                      Retry=[{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 1}],
                      Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.error"}])
    definition["States"]["Map"].pop("End")
    definition["States"]["Map"]["Next"] = "Done"
    definition["States"]["Done"] = {"Type": "Pass", "End": True}
    ex = run(definition, {"items": [3]})
    assert ex.output["error"]["Error"] == "States.ExceedToleratedFailureThreshold"
    assert types(ex).count("MapRunStarted") == 2 and types(ex).count("MapRunFailed") == 2
    assert types(ex).count("MapStateFailed") == 1 and len(ex.map_runs) == 2


# --- batching -------------------------------------------------------------------------------------

def test_batches_hold_max_items_and_the_batch_input():
    ex = run(dmap(ItemsPath="$.xs", ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"day.$": "$.day"}}),
             {"day": "mon", "xs": [1, 2, 3]})
    assert ex.output == [{"BatchInput": {"day": "mon"}, "Items": [1, 2]}, {"BatchInput": {"day": "mon"}, "Items": [3]}]
    assert only_run(ex).item_counts == [2, 1]


def test_batches_by_bytes_and_by_path():
    items = ["x" * 8] * 4  # each "xxxxxxxx" is 10 bytes of JSON; {"Items":[...]} adds 11 and a comma each
    ex = run(dmap(ItemsPath="$.xs", ItemBatcher={"MaxInputBytesPerBatch": 33}), {"xs": items})
    assert [len(batch["Items"]) for batch in ex.output] == [2, 2]
    assert all(len(json.dumps(b, separators=(",", ":"))) <= 33 for b in ex.output)
    ex = run(dmap(ItemsPath="$.xs", ItemBatcher={"MaxItemsPerBatchPath": "$.n"}), {"xs": [1, 2, 3], "n": 3})
    assert ex.output == [{"Items": [1, 2, 3]}]
    # A string of digits is a count, as AWS takes MaxConcurrencyPath's "1" (see test_recorded_behaviour.py).
    ex = run(dmap(ItemsPath="$.xs", ItemBatcher={"MaxItemsPerBatchPath": "$.n"}), {"xs": [1, 2, 3], "n": "2"})
    assert ex.output == [{"Items": [1, 2]}, {"Items": [3]}]
    bad = run(dmap(ItemsPath="$.xs", ItemBatcher={"MaxItemsPerBatchPath": "$.n"}), {"xs": [1], "n": "three"})
    assert bad.result()["error"] == "States.Runtime" and "MapRunFailed" in types(bad)


# --- results ----------------------------------------------------------------------------------------

def writer(**fields):
    return {"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                             "Parameters": {"Bucket": "results", "Prefix": "runs"}, **fields}}


def test_result_writer_writes_manifest_and_files_and_returns_their_place():
    ex = run(dmap(processor=FAIL_ABOVE_2, ToleratedFailureCount=1, **writer()), [1, 3])
    arn = only_run(ex).arn
    run_id = arn.rsplit(":", 1)[-1]
    assert ex.output == {"MapRunArn": arn, "ResultWriterDetails": {
        "Bucket": "results", "Key": f"runs/{run_id}/manifest.json"}}
    s3 = ex.mocks.s3
    manifest = json.loads(s3.get("results", f"runs/{run_id}/manifest.json"))
    assert manifest["DestinationBucket"] == "results" and manifest["MapRunArn"] == arn
    assert [f["Key"] for f in manifest["ResultFiles"]["SUCCEEDED"]] == [f"runs/{run_id}/SUCCEEDED_0.json"]
    assert manifest["ResultFiles"]["PENDING"] == []
    succeeded = json.loads(s3.get("results", f"runs/{run_id}/SUCCEEDED_0.json"))
    assert succeeded[0]["Output"] == "1" and succeeded[0]["Status"] == "SUCCEEDED"
    assert succeeded[0]["ExecutionArn"] == only_run(ex).children[0].execution_arn
    failed = json.loads(s3.get("results", f"runs/{run_id}/FAILED_0.json"))
    assert (failed[0]["Status"], failed[0]["Error"], failed[0]["Cause"]) == ("FAILED", "TooBig", "item above 2")
    assert manifest["ResultFiles"]["FAILED"][0]["Size"] == len(s3.get("results", f"runs/{run_id}/FAILED_0.json"))


@pytest.mark.parametrize("transformation, expected", [("COMPACT", [[1, 2], [3], 4]), ("FLATTEN", [1, 2, 3, 4])])
def test_writer_config_alone_transforms_the_state_output(transformation, expected):
    ex = run(dmap(ResultWriter={"WriterConfig": {"Transformation": transformation, "OutputType": "JSON"}}),
             [[1, 2], [3], 4])
    assert ex.output == expected


def test_jsonl_output_and_compact_transformation_in_s3():
    ex = run(dmap(**writer(WriterConfig={"Transformation": "COMPACT", "OutputType": "JSONL"})), [{"a": 1}, 2])
    key = ex.output["ResultWriterDetails"]["Key"].replace("manifest.json", "SUCCEEDED_0.json")
    assert ex.mocks.s3.get("results", key) == '{"a":1}\n2\n'


def test_result_selector_and_result_path_apply_to_the_map_result():
    ex = run(dmap(ResultSelector={"n.$": "States.ArrayLength($)"}, ResultPath="$.summary", ItemsPath="$.xs"),
             {"xs": [1, 2, 3]})
    assert ex.output == {"xs": [1, 2, 3], "summary": {"n": 3}}


def test_history_exports_map_run_failed_details():
    ex = run(dmap(processor=FAIL_ABOVE_2), [3])
    exported = next(e.to_aws() for e in ex.events if e.type == "MapRunFailed")
    assert exported["mapRunFailedEventDetails"]["error"] == "States.ExceedToleratedFailureThreshold"


def test_mock_config_s3_objects():
    config = {"S3Objects": {"b/shared.json": [1]}, "StateMachines": {"M": {"TestCases": {
        "Own": {"S3Objects": {"b/own.json": "[2, 3]"}}, "Shared": {}}}}, "MockedResponses": {}}
    definition = dmap(ItemReader={"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                                  "Parameters": {"Bucket": "b", "Key.$": "$.key"}})
    own = Execution(parse(definition), {"key": "own.json"}, mocks=Mocks.from_config(config, "M", "Own")).run()
    shared = Execution(parse(definition), {"key": "shared.json"}, mocks=Mocks.from_config(config, "M", "Shared")).run()
    assert (own.output, shared.output) == ([2, 3], [1])


def test_a_run_waiting_for_its_map_run_survives_a_snapshot():
    processor = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 10, "End": True}}}
    machine = parse(dmap(processor=processor, MaxConcurrency=1))
    ex = Execution(machine, [1, 2], seed=1, start_time=START)
    ex.run_until(START + 15_000)  # the first child has ended, the second waits until 20 s
    assert ex.describe_status()["waiting"]["resumeAtMillis"] == START + 20_000
    restored = Execution.restore(machine, json.loads(json.dumps(ex.to_json()))).run()
    assert restored.result() == {"status": "SUCCEEDED", "output": [1, 2]}
    assert [e.type for e in restored.events][:2] == ["MapRunSucceeded", "MapStateSucceeded"]
    first, second = only_run(restored).children
    assert [e.type for e in first.events] == [e.type for e in second.events] == [
        "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]
    assert second.events[-1].timestamp == START + 20_000
