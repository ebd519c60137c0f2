"""Choice rules: operators, type mismatches, StringMatches escapes, timestamps, errors."""
import pytest

from interpreter.choice_rules import string_matcher
from interpreter.definition import parse
from interpreter.errors import DefinitionError

from asl_helpers import execute, machine


def choose(rule: dict, value, default="No"):
    definition = machine({"C": {"Type": "Choice", "Choices": [{**rule, "Next": "Yes"}], "Default": default},
                          "Yes": {"Type": "Pass", "Result": "yes", "End": True},
                          "No": {"Type": "Pass", "Result": "no", "End": True}})
    return execute(definition, {"v": value, "w": 3})


@pytest.mark.parametrize("rule,value,expected", [
    ({"NumericEquals": 1}, 1.0, "yes"),
    ({"NumericEquals": 1}, "1", "no"),
    ({"NumericLessThanPath": "$.w"}, 2, "yes"),
    ({"NumericGreaterThanEquals": 3}, 3, "yes"),
    ({"BooleanEquals": True}, 1, "no"),
    ({"StringEquals": "a"}, "a", "yes"),
    ({"StringLessThan": "b"}, "a", "yes"),
    ({"StringGreaterThanEquals": "b"}, "a", "no"),
    ({"StringMatches": "log-*.txt"}, "log-2024.txt", "yes"),
    ({"StringMatches": "a\\*b"}, "a*b", "yes"),
    ({"StringMatches": "a\\*b"}, "axxb", "no"),
    ({"TimestampLessThan": "2024-01-01T00:00:00Z"}, "2023-12-31T23:59:59.999Z", "yes"),
    ({"TimestampEquals": "2024-01-01T01:00:00+01:00"}, "2024-01-01T00:00:00Z", "yes"),
    ({"TimestampEquals": "2024-01-01T00:00:00Z"}, "2024-01-01 00:00:00Z", "no"),
    ({"IsNull": True}, None, "yes"),
    ({"IsNumeric": False}, "3", "yes"),
    ({"IsTimestamp": True}, "2024-02-29T10:00:00Z", "yes"),
    ({"IsTimestamp": True}, "2023-02-29T10:00:00Z", "no"),
])
def test_operators(rule, value, expected):
    assert choose({"Variable": "$.v", **rule}, value).output == expected


def test_and_or_not():
    rule = {"And": [{"Variable": "$.v", "NumericGreaterThan": 1},
                    {"Not": {"Variable": "$.v", "NumericEquals": 5}},
                    {"Or": [{"Variable": "$.w", "NumericEquals": 3}, {"Variable": "$.w", "IsNull": True}]}]}
    assert choose(rule, 4).output == "yes"
    assert choose(rule, 5).output == "no"


def test_is_present_on_a_missing_field_is_false_not_an_error():
    assert choose({"Variable": "$.missing", "IsPresent": True}, 1).output == "no"


def test_missing_variable_is_a_runtime_error():
    ex = choose({"Variable": "$.missing", "NumericEquals": 1}, 1)
    assert ex.error == "States.Runtime"
    assert ex.cause.endswith("Invalid path '$.missing': The choice state's condition path references an "
                             "invalid value.")


def test_no_rule_and_no_default_fails_with_no_choice_matched():
    definition = machine({"C": {"Type": "Choice", "Choices": [{"Variable": "$.v", "NumericEquals": 1, "Next": "E"}]},
                          "E": {"Type": "Succeed"}})
    ex = execute(definition, {"v": 2})
    assert ex.error == "States.NoChoiceMatched"
    assert [e.type for e in ex.events] == ["ExecutionStarted", "ChoiceStateEntered", "ExecutionFailed"]


def test_string_matcher_escapes():
    assert string_matcher("\\\\*")("\\anything")
    assert not string_matcher("*.log")("a.txt")


def test_rule_with_two_comparisons_is_a_definition_error():
    with pytest.raises(DefinitionError) as info:
        parse(machine({"C": {"Type": "Choice", "Choices": [
            {"Variable": "$.v", "NumericEquals": 1, "StringEquals": "x", "Next": "E"}]}, "E": {"Type": "Succeed"}}))
    assert info.value.diagnostics[0].pointer.startswith("/States/C/Choices/0")
