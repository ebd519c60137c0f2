"""The proposed starting input: fields from what a definition reads, types from how it reads
them, values steering Choices toward a Succeed state, and what runs still find missing."""
from __future__ import annotations

import json
import subprocess
import sys

from interpreter.proposal import propose_input
from interpreter.proposal.reads import collect

LAMBDA = "arn:aws:states:::lambda:invoke"


def fields(proposal) -> dict:
    return {f["path"]: (f["type"], f["value"]) for f in proposal.fields}


def test_types_follow_the_comparisons_and_values_take_the_way_to_succeed():
    definition = {"StartAt": "Check", "States": {
        "Check": {"Type": "Choice", "Choices": [
            {"Variable": "$.order.total", "NumericGreaterThan": 1000, "Next": "Review"},
            {"And": [{"Variable": "$.customer.vip", "BooleanEquals": True},
                     {"Variable": "$.placedAt", "TimestampGreaterThan": "2025-01-01T00:00:00Z"}], "Next": "Ship"},
            {"Variable": "$.coupon", "IsPresent": True, "Next": "Reject"}], "Default": "Reject"},
        "Review": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                   "Parameters": {"MessageBody.$": "$"}, "Next": "Ship"},
        "Ship": {"Type": "Succeed"},
        "Reject": {"Type": "Fail", "Error": "Rejected"}}}
    proposal = propose_input(definition)
    got = fields(proposal)
    assert got["$.order.total"][0] == "number"
    assert got["$.customer.vip"] == ("boolean", True)
    assert got["$.placedAt"][0] == "timestamp"
    # the rule nearest a Succeed state is taken: not over 1000, a VIP, placed after 2025
    assert proposal.input["order"]["total"] <= 1000
    assert proposal.input["placedAt"] > "2025-01-01T00:00:00Z"
    assert proposal.ending == "succeeded" and proposal.end_state == "Ship"


def test_paths_are_traced_through_input_path_parameters_and_result_path():
    definition = {"StartAt": "Pick", "States": {
        "Pick": {"Type": "Pass", "InputPath": "$.detail", "Parameters": {"bucket.$": "$.bucket.name",
                                                                          "key.$": "$.object.key"},
                 "ResultPath": "$.file", "Next": "Wait"},
        "Wait": {"Type": "Wait", "SecondsPath": "$.detail.delay", "Next": "Use"},
        "Use": {"Type": "Pass", "Parameters": {"k.$": "$.file.key", "n.$": "States.ArrayLength($.detail.lines)"},
                "End": True}}}
    proposal = propose_input(definition)
    assert proposal.input == {"detail": {"bucket": {"name": "example-bucket"},
                                         "object": {"key": "incoming/example.json"},
                                         "delay": 1, "lines": ["lines-1", "lines-2"]}}
    assert proposal.ending == "succeeded"
    # $.file.key comes from the Pass's own result, not from the input
    assert ("file", "key") not in collect(definition).fields


def test_map_items_are_arrays_of_objects_with_the_fields_the_iteration_reads():
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.orders",
        "ItemProcessor": {"StartAt": "Price", "States": {"Price": {
            "Type": "Task", "Resource": LAMBDA,
            "Parameters": {"Payload": {"sku.$": "$.sku", "qty.$": "$.quantity"}}, "End": True}}},
        "End": True}}}
    proposal = propose_input(definition)
    assert proposal.input == {"orders": [{"sku": "sku-1", "quantity": 1}, {"sku": "sku-2", "quantity": 1}]}
    assert fields(proposal)["$.orders"][0] == "array"
    assert proposal.ending == "succeeded"


def test_jsonata_reads_and_variables():
    definition = {"QueryLanguage": "JSONata", "StartAt": "Keep", "States": {
        "Keep": {"Type": "Pass", "Assign": {"ticket": "{% $states.input.ticket %}"}, "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [
            {"Condition": "{% $ticket.priority > 3 %}", "Next": "Page"}], "Default": "Queue"},
        "Page": {"Type": "Fail", "Error": "Paged"},
        "Queue": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                  "Arguments": {"MessageBody": "{% $ticket.subject %}"}, "End": True}}}
    proposal = propose_input(definition)
    assert proposal.input["ticket"]["priority"] <= 3
    assert "subject" in proposal.input["ticket"]
    assert proposal.ending == "succeeded", proposal.why


def test_a_field_only_a_run_finds_missing_is_added():
    # the path sits in a Format string only a run evaluates in that form
    definition = {"StartAt": "Say", "States": {"Say": {
        "Type": "Pass", "Parameters": {"text.$": "States.Format('{} {}', $.greeting, $.who.name)"}, "End": True}}}
    proposal = propose_input(definition)
    assert proposal.input["who"] == {"name": "Example"} and proposal.ending == "succeeded"


def test_a_run_that_cannot_end_says_why():
    definition = {"StartAt": "Loop", "States": {
        "Loop": {"Type": "Pass", "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$$.Execution.Name", "StringEquals": "x",
                                                 "Next": "Done"}], "Default": "Loop"},
        "Done": {"Type": "Succeed"}}}
    proposal = propose_input(definition)
    assert not proposal.reached and "stopped after" in proposal.why


def test_cli_propose_prints_the_input_and_the_fields(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.when",
                                                                 "End": True}}}))
    out = subprocess.run([sys.executable, "-m", "interpreter", "propose", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["fields"] == [{"path": "$.when", "type": "timestamp", "value": "2026-01-01T09:00:00Z",
                                 "readBy": ["W"]}]
    assert answer["reached"] is True and answer["ending"] == "succeeded"
