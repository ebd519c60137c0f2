"""Tasks nobody mocked: the answer each mode gives, explicit mocks first, .sync jobs finished,
callbacks asked of a person, made-up S3 items for a Distributed Map, and the CLI's --unmocked."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks
from interpreter.unmocked import parse_mode

LAMBDA = "arn:aws:states:::lambda:invoke"


def run(definition: dict, data, mode: str, mocks: dict | None = None) -> Execution:
    m = Mocks.from_lists(mocks) if mocks else Mocks()
    m.unmocked, m.s3.stand_ins = mode, mode != "fail"
    ex = Execution(parse(definition), data, mocks=m, seed=1, start_time=0)
    ex.run_to_callback()
    return ex


def one_task(resource: str, **extra) -> dict:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **extra}}}


def test_fail_is_the_default_and_names_the_task():
    ex = run(one_task("arn:aws:states:::sns:publish"), {}, "fail")
    assert ex.status == "FAILED" and ex.error == "States.Runtime"
    assert "No mocked response for Task state 'T'" in ex.cause


def test_return_input_gives_the_effective_input_after_parameters():
    definition = one_task("arn:aws:states:::sns:publish", InputPath="$.order",
                          Parameters={"TopicArn": "arn:aws:sns:us-east-1:1:t", "Message.$": "$.id"})
    ex = run(definition, {"order": {"id": "o-1"}}, "return_input")
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"TopicArn": "arn:aws:sns:us-east-1:1:t", "Message": "o-1"}


def test_return_input_of_jsonata_arguments():
    definition = {"QueryLanguage": "JSONata", **one_task("arn:aws:states:::sqs:sendMessage",
                                                         Arguments={"MessageBody": "{% $states.input.n * 2 %}"})}
    ex = run(definition, {"n": 21}, "return_input")
    assert ex.output == {"MessageBody": 42}


def test_empty_gives_an_empty_object():
    ex = run(one_task(LAMBDA, Parameters={"Payload.$": "$"}), {"a": 1}, "empty")
    assert ex.status == "SUCCEEDED" and ex.output == {}


def test_lambda_invoke_answers_as_lambda_does_with_the_request_payload():
    ex = run(one_task(LAMBDA, Parameters={"FunctionName": "f", "Payload.$": "$"}), {"a": 1}, "return_input")
    assert ex.output["Payload"] == {"a": 1} and ex.output["StatusCode"] == 200


def test_explicit_mocks_still_win():
    ex = run(one_task(LAMBDA, Parameters={"Payload.$": "$"}), {"a": 1}, "return_input",
             mocks={"T": [{"Return": {"mocked": True}}]})
    assert ex.output == {"mocked": True}


@pytest.mark.parametrize("resource, field, value", [
    ("arn:aws:states:::glue:startJobRun.sync", "JobRunState", "SUCCEEDED"),
    ("arn:aws:states:::batch:submitJob.sync", "Status", "SUCCEEDED"),
    ("arn:aws:states:::states:startExecution.sync:2", "Status", "SUCCEEDED"),
])
def test_sync_jobs_come_back_finished(resource, field, value):
    ex = run(one_task(resource, Parameters={"JobName": "nightly"}), {}, "return_input")
    assert ex.status == "SUCCEEDED" and ex.output[field] == value
    assert "TaskSubmitted" in [e.type for e in ex.events]


def test_ecs_sync_task_stops_with_exit_code_zero():
    ex = run(one_task("arn:aws:states:::ecs:runTask.sync", Parameters={"Cluster": "c"}), {}, "return_input")
    assert ex.output["Tasks"][0]["LastStatus"] == "STOPPED"
    assert ex.output["Tasks"][0]["Containers"][0]["ExitCode"] == 0


def test_ask_waits_for_a_person_like_a_callback_and_takes_their_answer():
    ex = run(one_task(LAMBDA, Parameters={"Payload.$": "$"}), {"a": 1}, "ask")
    assert ex.status == "RUNNING"
    tokens = ex.waiting_tokens()
    assert list(tokens.values()) == ["T"]
    ex.send_task_success(next(iter(tokens)), {"answered": "by hand"})
    ex.run()
    assert ex.status == "SUCCEEDED" and ex.output == {"answered": "by hand"}
    assert "TaskSucceeded" in [e.type for e in ex.events]


def test_wait_for_task_token_waits_in_every_mode():
    ex = run(one_task("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                      Parameters={"MessageBody": {"token.$": "$$.Task.Token"}}), {}, "return_input")
    assert ex.status == "RUNNING" and list(ex.waiting_tokens().values()) == ["T"]


def test_an_activity_worker_returns_its_input():
    ex = run(one_task("arn:aws:states:us-east-1:123456789012:activity:review"), {"a": 1}, "return_input")
    assert ex.status == "SUCCEEDED" and ex.output == {"a": 1}
    assert "ActivityStarted" in [e.type for e in ex.events]


def test_return_input_adds_the_fields_the_workflow_reads_from_the_answer():
    definition = {"StartAt": "Check", "States": {
        "Check": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:getJobRun",
                  "Parameters": {"JobName": "j", "RunId.$": "$.runId"},
                  "ResultSelector": {"state.$": "$.JobRun.JobRunState"}, "ResultPath": "$.job", "Next": "Done?"},
        "Done?": {"Type": "Choice", "Choices": [
            {"Variable": "$.job.state", "StringEquals": "FAILED", "Next": "Failed"},
            {"Variable": "$.job.state", "StringEquals": "SUCCEEDED", "Next": "Ok"}], "Default": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 30, "Next": "Check"},
        "Failed": {"Type": "Fail", "Error": "JobFailed"},
        "Ok": {"Type": "Succeed"}}}
    ex = run(definition, {"runId": "jr_1"}, "return_input")
    ex.run()
    # the poller's Choice reads what the job says: the answer steers it to the Succeed state
    assert ex.status == "SUCCEEDED", ex.cause
    assert ex.output["job"] == {"state": "SUCCEEDED"}


def test_distributed_map_reads_made_up_items_where_no_s3_object_is_mocked():
    definition = {"StartAt": "Each row", "States": {"Each row": {
        "Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                                      "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                                      "Parameters": {"Bucket": "b", "Key.$": "$.key"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Row", "States": {"Row": {"Type": "Pass", "Parameters": {
                              "sku.$": "$.sku", "price.$": "$.price"}, "End": True}}},
        "End": True}}}
    ex = run(definition, {"key": "rows.csv"}, "return_input")
    ex.run()
    assert ex.status == "SUCCEEDED", ex.cause
    assert ex.output == [{"sku": "sku-1", "price": "price-1"}, {"sku": "sku-2", "price": "price-2"},
                         {"sku": "sku-3", "price": "price-3"}]
    assert ex.mocks.s3.notes == ["No S3 object is mocked at s3://b/rows.csv: the Map read 3 made-up items instead."]
    # without a default answer, a missing object fails as AWS fails
    failed = run(definition, {"key": "rows.csv"}, "fail")
    failed.run()
    assert failed.error == "States.ItemReaderFailed"


def test_modes_are_read_in_either_spelling_and_bad_ones_named():
    assert parse_mode("return-input") == parse_mode("return_input") == "return_input"
    with pytest.raises(ValueError, match="'sometimes' is not a way"):
        parse_mode("sometimes")


def test_cli_unmocked_and_proposed_input(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA, "Parameters": {"Payload": {"total.$": "$.order.total"}},
        "OutputPath": "$.Payload", "End": True}}}))
    cmd = [sys.executable, "-m", "interpreter", "run", str(path)]
    failed = subprocess.run(cmd, capture_output=True, text=True)
    assert failed.returncode == 1 and "States.Runtime" in failed.stdout
    done = subprocess.run(cmd + ["--unmocked", "return-input", "--propose-input"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["output"] == {"total": 1}
    bad = subprocess.run(cmd + ["--unmocked", "maybe"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--unmocked" in bad.stderr
    asked = subprocess.run(cmd + ["--unmocked", "ask", "--input", '{"order": {"total": 3}}'],
                           capture_output=True, text=True)
    assert json.loads(asked.stdout)["status"] == "RUNNING"
