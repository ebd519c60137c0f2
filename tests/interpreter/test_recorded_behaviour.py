"""Behaviours AWS recorded that the interpreter got wrong, each matched and generalised.

Sources, named on each test:
- [corpus] a recording in tests/interpreter/conformance/cases (AWS executions, see its NOTICE);
- [localstack] LocalStack's Step Functions test suite, whose tests are validated against AWS
  (``@markers.aws.validated``, snapshots recorded on AWS) and whose implementation follows them:
  tests/aws/services/stepfunctions/v2/... and localstack-core/.../stepfunctions/asl/...
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks

CASES = Path(__file__).parent / "conformance" / "cases"


def run(definition, input=None, s3=None, mocks=None):
    ex = Execution(parse(definition), {} if input is None else input, mocks=Mocks.from_lists(mocks or {}, s3), seed=7)
    ex.run()
    return ex


def types(ex):
    return [e.type for e in ex.events]


def cause(ex):
    return ex.result().get("cause", "").split("). ", 1)[-1]


FACTS = [{"verdict": "true"}, {"verdict": "false"}, {"verdict": "mostly-true"}, {"verdict": "false"}]


def _distributed(**more):
    return {"StartAt": "Start", "States": {
        "Start": {"Type": "Pass", "Assign": {"count": "2", "bytes": "15000"}, "Next": "Map"},
        "Map": {"Type": "Map", "MaxConcurrency": 1, "End": True,
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                               "Parameters": {"Bucket.$": "$.Bucket", "Key.$": "$.Key"},
                               "ReaderConfig": {"InputType": "JSON", **more.pop("reader", {})}},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                  "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, **more}}}


def test_counts_set_from_variables_as_strings_are_counts():
    # [corpus] assign::test_reference_in_map_state[MAP_STATE_REFERENCE_IN_MAX_CONCURRENCY_PATH] and
    # [..._TOLERATED_FAILURE_PATH]: variables holding "1" are taken as 1. [localstack] the same test class
    # records MAP_STATE_REFERENCE_IN_MAX_ITEMS_PATH ({"maxItems": "2"}) and ..._MAX_PER_BATCH_PATH
    # ({"maxItemsPerBatch": "2", "maxBytesPerBatch": "15000"}) on AWS, where both runs succeed.
    where = {"Bucket": "facts", "Key": "file.json"}
    ex = run(_distributed(reader={"MaxItemsPath": "$count"}), where, s3={"facts/file.json": FACTS})
    assert ex.status == "SUCCEEDED" and ex.output == FACTS[:2]
    ex = run(_distributed(reader={"MaxItems": 4},
                          ItemBatcher={"MaxItemsPerBatchPath": "$count", "MaxInputBytesPerBatchPath": "$bytes"}),
             where, s3={"facts/file.json": FACTS})
    assert ex.status == "SUCCEEDED" and ex.output == [{"Items": FACTS[:2]}, {"Items": FACTS[2:]}]


MAX_CONCURRENCY_PATH = {"StartAt": "MapState", "States": {"MapState": {
    "Type": "Map", "ItemsPath": "$.Items", "MaxConcurrencyPath": "$.MaxConcurrency", "End": True,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "H",
                      "States": {"H": {"Type": "Pass", "End": True}}}}}}


@pytest.mark.parametrize("value,expected", [
    ("NoNumber", 'The MaxConcurrencyPath field refers to value "NoNumber" which is not a valid integer: '
                 '$.MaxConcurrency'),
    ({}, 'The MaxConcurrencyPath field refers to value "{}" which is not a valid integer: $.MaxConcurrency'),
    (-1, "Expected non-negative integer for MaxConcurrency, got '-1' instead."),
])
def test_max_concurrency_path_causes(value, expected):
    # [localstack] scenarios::test_max_concurrency_path[0, 1, NoNumber, max_concurrency_value0] (AWS-validated)
    # and its MaxConcurrencyPath component: the value quoted as text, negative values worded apart; the
    # field is read before MapStateStarted. [corpus] test_map_state_tolerated_failure_count_path[NoNumber]
    # and [tolerated_failure_count_value0] quote the value the same way ("NoNumber", "{}").
    ex = run(MAX_CONCURRENCY_PATH, {"Items": [0], "MaxConcurrency": value})
    assert (ex.status, ex.error, cause(ex)) == ("FAILED", "States.Runtime", expected)
    assert types(ex) == ["ExecutionStarted", "MapStateEntered", "ExecutionFailed"]


@pytest.mark.parametrize("value", [0, 1, "1"])
def test_max_concurrency_path_values_that_run(value):
    assert run(MAX_CONCURRENCY_PATH, {"Items": [0, 1], "MaxConcurrency": value}).output == [0, 1]


def test_tolerated_failure_count_path_recordings_still_agree():
    # [corpus] the recorded causes this quoting rule comes from.
    for name in ("NoNumber", "tolerated_failure_count_value0"):
        case = json.loads((CASES / f"scenarios_test_base_scenarios.py_TestBaseScenarios_test_map_state_tolerated_"
                                    f"failure_count_path_{name}.json").read_text())
        ex = run(case["definition"], case["input"])
        assert ex.result()["cause"] == case["expected"]["cause"]


@pytest.mark.parametrize("items", [[1, '{% $number("2") %}', 3], [1, "{% $number('2') %}", 3],
                                   [1, {"n": "{% 1 + 1 %}"}, 3]])
def test_expressions_inside_a_jsonata_items_array_are_evaluated(items):
    # [localstack] evaluate_jsonata::test_base_map[ITEMS] and [ITEMS_DOUBLE_QUOTES] (AWS-validated):
    # Items given as [1, '{% $number("2") %}', 3]. JSONata expressions are evaluated wherever they
    # stand in a JSONata template, array elements and nested objects included.
    definition = {"QueryLanguage": "JSONata", "StartAt": "Start", "States": {"Start": {
        "Type": "Map", "Items": items, "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"StartAt": "Process", "States": {"Process": {"Type": "Pass", "End": True}}}}}}
    ex = run(definition)
    assert ex.status == "SUCCEEDED"
    assert ex.output == [1, 2, 3] if not isinstance(items[1], dict) else [1, {"n": 2}, 3]


def test_a_jsonata_wait_whose_timestamp_is_no_timestamp():
    # [localstack] the Wait's Timestamp component: a JSONata Timestamp that evaluates to text that is no
    # ISO-8601 date-time fails as TimestampPath does ([corpus] test_wait_timestamp_path[INVALID_DATE]):
    # States.Runtime, no EvaluationFailed event, the expression where the path would be.
    definition = {"QueryLanguage": "JSONata", "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Timestamp": "{% $states.input.at %}", "Next": "P"},
        "P": {"Type": "Pass", "End": True}}}
    ex = run(definition, {"at": "2016-13-05T21:29:29Z"})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.result()["cause"] == (
        "An error occurred while executing the state 'W' (entered at the event id #2). The Timestamp parameter "
        "does not reference a valid ISO-8601 extended offset date-time format string: $states.input.at == "
        "2016-13-05T21:29:29Z")
    assert types(ex) == ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]
    assert run(definition, {"at": "2016-03-14T01:59:00Z"}).status == "SUCCEEDED"


def test_an_inline_map_whose_iterations_all_time_out():
    # [localstack] timeouts::test_service_lambda_map_timeout (AWS snapshot, 10-03-2024): four iterations
    # without MaxConcurrency start together, all four Tasks time out at the same instant and each writes
    # TaskTimedOut; then MapIterationFailed for the first, TaskStateAborted for its Task, and for each
    # other iteration MapIterationAborted and TaskStateAborted; MapStateFailed; ExecutionFailed.
    definition = {"StartAt": "MapWait", "States": {"MapWait": {
        "Type": "Map", "ItemsPath": "$.Inputs", "End": True, "Iterator": {"StartAt": "LambdaInvoke", "States": {
            "LambdaInvoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5,
                             "Parameters": {"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"},
                             "End": True}}}}}}
    ex = run(definition, {"Inputs": [{"FunctionName": "f", "Payload": None}] * 4},
             mocks={"LambdaInvoke": [{"Pending": True}] * 4})
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")
    recorded = (["ExecutionStarted", "MapStateEntered", "MapStateStarted"] + ["MapIterationStarted"] * 4
                + ["TaskStateEntered", "TaskScheduled", "TaskStarted"] * 4 + ["TaskTimedOut"] * 4
                + ["MapIterationFailed", "TaskStateAborted"] + ["MapIterationAborted", "TaskStateAborted"] * 3
                + ["MapStateFailed", "ExecutionFailed"])
    assert sorted(types(ex)) == sorted(recorded)  # AWS interleaves the iterations' Task events
    tail = types(ex)[types(ex).index("TaskTimedOut"):]
    assert tail == recorded[recorded.index("TaskTimedOut"):]
    assert [e.details["index"] for e in ex.events if e.type.startswith("MapIteration")] == [0, 1, 2, 3, 0, 1, 2, 3]
    assert ex.events[-1].timestamp - ex.events[0].timestamp == 5000


def test_an_inline_map_without_a_limit_runs_at_most_40_iterations_at_once():
    # AWS's guide (state-map-inline): Inline mode "supports up to 40 concurrent iterations".
    definition = {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}}}}
    ex = run(definition, list(range(100)))
    first_second = [e for e in ex.events if e.type == "MapIterationStarted" and e.timestamp == ex.events[0].timestamp]
    assert len(first_second) == 40 and ex.output == list(range(100))


def test_a_run_past_its_timeout_seconds_has_no_error_or_cause():
    # [localstack] timeouts::test_global_timeout (AWS snapshot): DescribeExecution says TIMED_OUT with no
    # error and no cause; LocalStack's AWS-validated provider writes ExecutionTimedOut with no details.
    definition = {"TimeoutSeconds": 1, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}}
    ex = run(definition)
    assert ex.result() == {"status": "TIMED_OUT", "error": None, "cause": None}
    assert ex.events[-1].type == "ExecutionTimedOut" and not ex.events[-1].details


def test_a_failing_parallel_branch_aborts_the_states_its_siblings_are_in():
    # Generalised from the Map recording above: a sibling aborted while in a Task or Wait records that
    # state's Aborted event; one not yet in a state records nothing.
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Sleeps", "States": {"Sleeps": {"Type": "Wait", "Seconds": 60, "End": True}}},
        {"StartAt": "Fails", "States": {"Fails": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                                  "Parameters": {"FunctionName": "f"}, "End": True}}}]}}}
    ex = run(definition, mocks={"Fails": [{"Throw": {"Error": "Boom", "Cause": "no"}}]})
    assert ex.error == "Boom"
    assert types(ex).count("TaskStateAborted") == 1 and types(ex).count("WaitStateAborted") == 1
    assert "ParallelStateFailed" not in types(ex)  # [corpus] a Task failing a branch: none


def test_a_wait_past_a_year_ends_the_standard_run_at_the_year():
    # AWS's guide ("Choosing workflow type": Standard maximum duration one year; RedriveExecution and the
    # test suite's notes: "If an execution runs for more than the 1-year maximum, it will fail with a
    # States.Timeout error and emit a ExecutionsTimedOut CloudWatch metric").
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": True}}}
    ex = run(definition)
    assert ex.status == "TIMED_OUT"
    assert ex.events[-1].timestamp - ex.events[0].timestamp == 365 * 24 * 3600 * 1000
    month = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30 * 24 * 3600, "End": True}}}
    assert run(month).status == "SUCCEEDED"


def test_a_state_whose_output_passes_256_kib_fails_the_run():
    # [localstack] error_handling::test_start_large_input (AWS snapshot, 21-03-2024): PassStateEntered, then
    # ExecutionFailed, States.DataLimitExceeded, "The state/task 'State_1' returned a result with a size
    # exceeding the maximum number of bytes service limit." The Task form of it is in the corpus.
    definition = {"StartAt": "State_1", "States": {"State_1": {"Type": "Pass", "Result": {"v": "x" * 270_000},
                                                               "End": True}}}
    ex = run(definition)
    assert (ex.error, ex.cause) == ("States.DataLimitExceeded", "The state/task 'State_1' returned a result with a "
                                    "size exceeding the maximum number of bytes service limit.")
    assert types(ex) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


def test_task_token_in_a_sync_task():
    # [localstack] callback::test_sync_with_task_token (AWS-validated): a states:startExecution.sync task passes
    # $$.Task.Token to the job, and a worker ends the task early with SendTaskSuccess on that token.
    definition = {"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": True,
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child",
                       "Input": {"TaskToken.$": "$$.Task.Token"}}}}}
    ex = run(definition, mocks={"Start": [{"Pending": True}]})
    [token] = ex.waiting_tokens()
    scheduled = next(e for e in ex.events if e.type == "TaskScheduled")
    assert scheduled.details["parameters"]["Input"]["TaskToken"] == token
    ex.send_task_success(token, {"worker": "done"})
    ex.run()
    assert (ex.status, ex.output) == ("SUCCEEDED", {"worker": "done"})


@pytest.mark.parametrize("expression,tail", [
    ("$abs('x')", 'T0410: Argument 1 of function "abs" does not match function signature'),
    ("'hello world'/42", 'T2001: The left side of the "/" operator must evaluate to a number'),
    ("$number('abc')", 'D3030: Unable to cast value to a number: "abc"'),
])
def test_jsonata_function_errors_are_worded_as_jsonata_and_aws_write_them(expression, tail):
    # AWS's cause (measured against AWS by another emulator, floci issues 2736/2783): "...threw an error during
    # evaluation. <CODE>: <jsonata-js message>", the message as jsonata-js renders its catalog.
    definition = {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": {
        "Type": "Pass", "Output": "{% " + expression + " %}", "End": True}}}
    ex = run(definition)
    assert ex.error == "States.QueryEvaluationError"
    assert ex.cause.endswith(f"The JSONata expression '{expression}' specified for the field 'Output' threw an "
                             f"error during evaluation. {tail}")
