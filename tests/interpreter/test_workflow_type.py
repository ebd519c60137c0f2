"""Standard and Express workflows, as AWS's developer guide describes the difference.

Sources:
- "Integrating optimized services with Step Functions": "Express Workflows only support Request
  Response integrations" (no Run a Job .sync, no Wait for Callback .waitForTaskToken).
- "Choosing workflow type in Step Functions": Express "Does not support Step Functions
  activities"; "Maximum duration: Five minutes".
- RedriveExecution (API reference): "This API action is not supported by EXPRESS state machines."
- CreateStateMachine refuses such a definition: "SCHEMA_VALIDATION_FAILED: Express state machine does
  not support ..." (the wording LocalStack's AWS-validated provider uses).
"""
from __future__ import annotations

import json

import pytest

from interpreter.cli import main
from interpreter.definition import parse
from interpreter.execution import Execution, ExecutionNotRedrivable
from interpreter.workflow_type import express_problems


def _task(resource: str, **more) -> dict:
    return {"Type": "Task", "Resource": resource, "End": True, **more}


@pytest.mark.parametrize("resource,words", [
    ("arn:aws:states:::lambda:invoke.waitForTaskToken", "'.waitForTaskToken' service integration"),
    ("arn:aws:states:::glue:startJobRun.sync", "'.sync' service integration"),
    ("arn:aws:states:::states:startExecution.sync:2", "'.sync' service integration"),
    ("arn:aws:states:us-east-1:123456789012:activity:review", "Activity ARN"),
])
def test_express_refuses_what_waits(resource, words):
    problems = express_problems({"StartAt": "T", "States": {"T": _task(resource)}})
    assert [(p.code, p.pointer, p.state) for p in problems] == [("EXPRESS_UNSUPPORTED", "/States/T/Resource", "T")]
    assert f"SCHEMA_VALIDATION_FAILED: Express state machine does not support {words}" in problems[0].message
    assert express_problems({"StartAt": "T", "States": {"T": _task(resource)}}, "STANDARD") == []


def test_request_response_is_fine_and_nested_states_are_found():
    definition = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "M", "Branches": [{"StartAt": "A", "States": {
            "A": _task("arn:aws:states:::sns:publish.waitForTaskToken")}}]},
        "M": {"Type": "Map", "End": True, "ItemProcessor": {"StartAt": "B", "States": {
            "B": _task("arn:aws:states:::ecs:runTask.sync")}}},
        "Q": _task("arn:aws:states:::dynamodb:putItem"),
        "L": _task("arn:aws:lambda:us-east-1:123456789012:function:f")}}
    assert [p.pointer for p in express_problems(definition)] == [
        "/States/P/Branches/0/States/A/Resource", "/States/M/ItemProcessor/States/B/Resource"]


def test_express_children_of_a_distributed_map_follow_express_rules_in_a_standard_parent():
    def machine(execution_type):
        return {"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            "StartAt": "C", "States": {"C": _task("arn:aws:states:::sqs:sendMessage.waitForTaskToken")}}}}}
    assert [p.pointer for p in express_problems(machine("EXPRESS"), "STANDARD")] == [
        "/States/M/ItemProcessor/States/C/Resource"]
    assert express_problems(machine("STANDARD"), "STANDARD") == []


WAIT_THEN_PASS = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 400, "Next": "P"},
                                              "P": {"Type": "Pass", "End": True}}}


def test_an_express_execution_ends_after_five_minutes():
    run = Execution(parse(WAIT_THEN_PASS), {}, express=True, seed=1).run()
    assert (run.status, run.error, run.cause) == ("TIMED_OUT", None, None)
    assert run.events[-1].type == "ExecutionTimedOut"
    assert run.events[-1].timestamp - run.events[0].timestamp == 300_000
    standard = Execution(parse(WAIT_THEN_PASS), {}, seed=1).run()
    assert standard.status == "SUCCEEDED"
    shorter = Execution(parse({**WAIT_THEN_PASS, "TimeoutSeconds": 60}), {}, express=True, seed=1).run()
    assert shorter.events[-1].timestamp - shorter.events[0].timestamp == 60_000


def test_an_express_execution_has_no_history_quota_and_cannot_be_redriven():
    loop = {"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "End"}], "Default": "B"},
        "B": {"Type": "Pass", "Next": "A"}, "End": {"Type": "Succeed"}}}
    capped = Execution(parse(loop), {}, max_history_events=50, seed=1).run(max_steps=200)
    assert capped.status == "FAILED"
    express = Execution(parse(loop), {}, express=True, max_history_events=50, seed=1)
    express.run(max_steps=200)
    assert express.status == "RUNNING" and len(express.events) > 50
    failing = Execution(parse({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}), {},
                        express=True, seed=1).run()
    with pytest.raises(ExecutionNotRedrivable, match="not supported for EXPRESS"):
        failing.redrive()


def test_express_from_the_command_line(tmp_path, capsys):
    callback = tmp_path / "callback.json"
    callback.write_text(json.dumps({"StartAt": "T", "States": {
        "T": _task("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                   Parameters={"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}})}}))
    assert main(["run", str(callback), "--type", "EXPRESS"]) == 2
    assert "[EXPRESS_UNSUPPORTED]" in capsys.readouterr().err
    waits = tmp_path / "waits.json"
    waits.write_text(json.dumps(WAIT_THEN_PASS))
    assert main(["run", str(waits), "--type", "express", "--event-types"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["status"], result["event_types"]) == (
        "TIMED_OUT", ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"])
    assert main(["run", str(waits), "--type", "EXPRESS", "--redrive"]) == 2
    assert "does not redrive EXPRESS" in capsys.readouterr().err
    assert main(["run", str(waits), "--sync"]) == 2


def test_the_type_a_template_declares_is_the_default(tmp_path, capsys):
    template = tmp_path / "template.yaml"
    template.write_text("""\
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Say
        States:
          Say: {Type: Pass, Parameters: {arn.$: $$.Execution.Id, ctx.$: $$.Execution}, End: true}
""")
    assert main(["run", str(template), "--sync"]) == 0
    output = json.loads(capsys.readouterr().out)["output"]
    assert ":express:" in output["arn"]
    assert "RedriveCount" not in output["ctx"]  # StartSyncExecution's context has none
    assert main(["run", str(template), "--type", "STANDARD"]) == 0
    assert ":execution:" in json.loads(capsys.readouterr().out)["output"]["arn"]


def test_an_express_history_from_the_command_line_says_it_is_what_cloudwatch_logs_record(tmp_path, capsys):
    # AWS's guide ("Choosing workflow type"; GetExecutionHistory: "This API action is not supported by
    # EXPRESS state machines"): Express executions keep no execution history in Step Functions, their
    # events go to CloudWatch Logs. The run page's Express badge says so; --history says it on stderr.
    waits = tmp_path / "waits.json"
    waits.write_text(json.dumps(WAIT_THEN_PASS))
    assert main(["run", str(waits), "--type", "EXPRESS", "--history"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["events"][0]["type"] == "ExecutionStarted"
    assert "AWS keeps no execution history for EXPRESS workflows" in captured.err
    assert main(["run", str(waits), "--type", "EXPRESS"]) == 1
    assert "execution history" not in capsys.readouterr().err
    assert main(["run", str(waits), "--history"]) == 0
    assert "execution history" not in capsys.readouterr().err
