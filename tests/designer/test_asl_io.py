"""designer.asl_io: reading JSON/YAML/SAM/Serverless and writing AWS-ordered ASL."""
from __future__ import annotations

import json

import pytest

from designer import asl_io
from designer.errors import InvalidDefinition, TooLarge


def test_export_orders_keys_like_aws_and_keeps_state_order():
    definition = {"States": {"B": {"Next": "A", "Type": "Pass", "Comment": "c"},
                             "A": {"End": True, "Retry": [{"MaxAttempts": 1, "ErrorEquals": ["X"]}],
                                   "Resource": "r", "Type": "Task"}},
                  "StartAt": "B", "Comment": "top"}
    out = json.loads(asl_io.export_json(definition))
    assert list(out) == ["Comment", "StartAt", "States"]
    assert list(out["States"]) == ["B", "A"]
    assert list(out["States"]["B"]) == ["Type", "Comment", "Next"]
    assert list(out["States"]["A"]) == ["Type", "Resource", "Retry", "End"]
    assert list(out["States"]["A"]["Retry"][0]) == ["ErrorEquals", "MaxAttempts"]
    assert out == definition


def test_choice_rules_put_variable_first_and_next_last():
    rule = {"Next": "X", "NumericEquals": 3, "Variable": "$.n"}
    out = json.loads(asl_io.export_json({"StartAt": "C", "States": {"C": {"Choices": [rule], "Type": "Choice"}}}))
    assert list(out["States"]["C"]["Choices"][0]) == ["Variable", "NumericEquals", "Next"]


def test_yaml_aliases_that_expand_beyond_the_bound_are_refused():
    laughs = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
    with pytest.raises(InvalidDefinition, match="aliases count for what they repeat"):
        asl_io.read_definition(laughs)


def test_definition_string_in_cloudformation_is_read():
    doc = {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine",
                               "Properties": {"DefinitionString": json.dumps({"StartAt": "A", "States": {}})}}}}
    assert asl_io.read_definition(json.dumps(doc))["StartAt"] == "A"


def test_too_many_states_is_refused():
    states = {f"S{i}": {"Type": "Pass", "End": True} for i in range(asl_io.MAX_STATES + 1)}
    with pytest.raises(TooLarge):
        asl_io.check_shape({"StartAt": "S0", "States": states})


def test_invalid_json_names_line_and_column():
    with pytest.raises(InvalidDefinition) as info:
        asl_io.read_definition('{\n  "StartAt": x\n}', fmt="json")
    assert info.value.extra["line"] == 2
