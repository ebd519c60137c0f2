"""Forms of definitions AWS deploys that the validator used to refuse, validated and simulated.

Sources: issue 10 (257 state machines from AWS's public sample collections, each deployed by its
authors; two exported from deployed state machines with a real account id), AWS's Step Functions
skill in its agent toolkit ("The string must start with {% ... and end with %}"), and the
developer guide's optimized-integration pages for the actions each integration has.
"""
from __future__ import annotations

import pytest

from interpreter.validation import is_valid, validate

from asl_helpers import execute, machine


def _task(resource: str, **fields) -> dict:
    return machine({"Call": {"Type": "Task", "Resource": resource, "End": True, **fields}})


def _events(run) -> list[tuple[str, dict]]:
    return [(e.type, e.details or {}) for e in run.events]


@pytest.mark.parametrize("output", ["{%$states.input%}", "{% $states.input%}", "{%$states.input %}"])
def test_jsonata_without_inner_spaces(output):
    definition = machine({"P": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": output, "End": True}})
    assert validate(definition) == []
    assert execute(definition, {"a": 1}).output == {"a": 1}


@pytest.mark.parametrize("resource, resource_type, action", [
    ("arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject", "aws-sdk:s3", "getObject"),
    ("arn:aws:states:eu-west-1:123456789012:lambda:invoke", "lambda", "invoke"),
])
def test_service_integrations_with_a_region_and_account(resource, resource_type, action):
    definition = _task(resource, Parameters={"Bucket": "b", "Key": "k", "FunctionName": "f"})
    assert validate(definition) == []
    run = execute(definition, {}, {"Call": [{"Return": {"ok": True}}]})
    assert run.status == "SUCCEEDED" and run.output == {"ok": True}
    scheduled = [d for t, d in _events(run) if t == "TaskScheduled"]
    assert scheduled and scheduled[0]["resourceType"] == resource_type and scheduled[0]["resource"] == action


def test_a_placeholder_inside_an_arn_is_a_warning_like_a_whole_placeholder():
    inside = validate(_task("arn:${AWS::Partition}:states:::lambda:invoke"))
    whole = validate(_task("${InvokeArn}"))
    assert [(p.code, p.severity) for p in inside] == [(p.code, p.severity) for p in whole] == \
        [("UNKNOWN_RESOURCE", "warning")]
    assert "${AWS::Partition}" in inside[0].message
    # and the simulation runs it as the integration it names
    run = execute(_task("arn:${AWS::Partition}:states:::lambda:invoke"), {}, {"Call": [{"Return": {"Payload": 1}}]})
    scheduled = [d for t, d in _events(run) if t == "TaskScheduled"]
    assert run.status == "SUCCEEDED" and scheduled[0]["resourceType"] == "lambda"


@pytest.mark.parametrize("resource, instead", [
    ("arn:aws:states:::dynamodb:query", "arn:aws:states:::aws-sdk:dynamodb:query"),
    ("arn:aws:states:::dynamodb:scan", "arn:aws:states:::aws-sdk:dynamodb:scan"),
    ("arn:aws:states:::sqs:receiveMessage", "arn:aws:states:::aws-sdk:sqs:receiveMessage"),
    ("arn:aws:states:::lambda:listFunctions", "arn:aws:states:::aws-sdk:lambda:listFunctions"),
])
def test_an_action_the_optimized_integration_does_not_have_is_refused(resource, instead):
    # AWS at creation: "The resource provided arn:aws:states:::dynamodb:query is not recognized"
    problems = validate(_task(resource))
    assert [(p.code, p.pointer) for p in problems] == [("INVALID_RESOURCE", "/States/Call/Resource")]
    assert "is not recognized" in problems[0].message and instead in problems[0].message
    assert is_valid(validate(_task(instead)))
