"""The data glossary's pure part: which fields a workflow reads, and names proposed from paths."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interpreter.wording.glossary import propose_name, read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"


def test_the_fields_the_bank_sample_reads_in_order():
    bank = json.loads((SAMPLES / "account-application.asl.json").read_text())
    assert read_paths(bank) == ["$.application.name", "$.application.idDocS3path", "$.application.address",
                                "$.checks[0].flagged", "$.checks[1].flagged", "$.application.id", "$.checks",
                                "$.reviewDecision.approved"]


def test_jsonata_paths_rules_waits_maps_and_intrinsics_are_read():
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "QueryLanguage": "JSONata", "Choices": [
            {"Condition": "{% $states.input.total > 100 and $exists($states.input.customer.vip) %}", "Next": "W"}],
            "Default": "W"},
        "W": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('Hi {}', $.customer.name)", "ctx.$": "$$.Execution.Id",
                                             "nested": {"id.$": "$.order.id"}}, "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.order.lines", "End": True, "ItemProcessor": {"StartAt": "R", "States": {
            "R": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.qty", "NumericLessThanPath": "$.min"}, "Next": "S"}],
                  "Default": "S"}, "S": {"Type": "Succeed"}}}}}}
    assert read_paths(definition) == ["$.total", "$.customer.vip", "$.delay", "$.customer.name", "$.order.id",
                                      "$.order.lines", "$.qty", "$.min"]


@pytest.mark.parametrize("path,name", [
    ("$.reviewDecision.approved", "review decision approved"),
    ("$.checks[0].flagged", "flagged (first of checks)"),
    ("$.items[12].price", "price (number 13 of items)"),
    ("$.application.idDocS3path", "application id doc S3 path"),
    ("$.order_total", "order total"), ("$.OU", "OU"), ("$.userID", "user ID"), ("$", "the input"),
])
def test_names_proposed_from_paths(path, name):
    assert propose_name(path) == name
