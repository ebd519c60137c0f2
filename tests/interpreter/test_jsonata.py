"""JSONata mode: {% %} expressions in every field AWS allows, $states, AWS's functions, errors."""
from __future__ import annotations

import time

import pytest

from interpreter.definition import parse
from interpreter.errors import DefinitionError
from interpreter.validation import validate

from asl_helpers import START, execute, machine

LAMBDA = "arn:aws:states:::lambda:invoke"


def jsonata(states: dict, **top) -> dict:
    return machine(states, QueryLanguage="JSONata", **top)


def test_output_reads_states_input_and_context():
    ex = execute(jsonata({"A": {"Type": "Pass", "Output": {
        "doubled": "{% $states.input.n * 2 %}", "state": "{% $states.context.State.Name %}",
        "literal": "kept", "nested": ["{% $uppercase($states.input.s) %}", 1]}, "End": True}}),
        {"n": 21, "s": "ok"})
    assert ex.output == {"doubled": 42, "state": "A", "literal": "kept", "nested": ["OK", 1]}


def test_task_arguments_result_and_output():
    ex = execute(jsonata({"T": {"Type": "Task", "Resource": LAMBDA,
                               "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
                               "Output": "{% $states.result.Payload.total + $states.input.extra %}",
                               "End": True}}),
                 {"extra": 1}, mocks={"T": [{"Return": {"Payload": {"total": 41}}}]})
    assert ex.output == 42
    scheduled = next(e for e in ex.events if e.type == "TaskScheduled")
    assert scheduled.details["parameters"] == {"FunctionName": "f", "Payload": {"extra": 1}}


def test_jsonata_state_inside_a_jsonpath_machine():
    ex = execute(machine({"P": {"Type": "Pass", "Parameters": {"x.$": "$.a"}, "Next": "J"},
                          "J": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.x + 1 %}",
                                "End": True}}), {"a": 1})
    assert ex.output == 2


def test_choice_conditions_and_a_non_boolean_condition():
    definition = jsonata({"C": {"Type": "Choice", "Choices": [
        {"Condition": "{% $states.input.n > 10 %}", "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Succeed", "Output": "big"}, "Small": {"Type": "Succeed", "Output": "small"}})
    assert execute(definition, {"n": 11}).output == "big"
    assert execute(definition, {"n": 1}).output == "small"
    bad = jsonata({"C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n %}", "Next": "S"}],
                         "Default": "S"}, "S": {"Type": "Succeed"}})
    result = execute(bad, {"n": 3}).result()
    assert result["error"] == "States.QueryEvaluationError"
    assert "Expected 'boolean', but was 'number' for value: 3" in result["cause"]


def test_undefined_result_names_the_field_and_writes_evaluation_failed():
    ex = execute(jsonata({"A": {"Type": "Pass", "Output": {"x": "{% $states.input.missing %}"}, "End": True}}))
    assert ex.result() == {"status": "FAILED", "error": "States.QueryEvaluationError", "cause":
                           "An error occurred while executing the state 'A' (entered at the event id #2). The "
                           "JSONata expression '$states.input.missing' specified for the field 'Output/x' "
                           "returned nothing (undefined)."}
    failed = next(e for e in ex.events if e.type == "EvaluationFailed")
    assert failed.details["location"] == "Output/x" and failed.details["state"] == "A"
    assert failed.to_aws()["evaluationFailedEventDetails"]["error"] == "States.QueryEvaluationError"


def test_query_errors_can_be_caught():
    ex = execute(jsonata({"A": {"Type": "Pass", "Output": "{% $states.input.missing %}", "End": True}}))
    assert ex.status == "FAILED"
    caught = execute(jsonata({
        "T": {"Type": "Task", "Resource": LAMBDA, "Arguments": "{% $nope %}", "End": True,
              "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Handled",
                         "Output": "{% $states.errorOutput.Error %}"}]},
        "Handled": {"Type": "Succeed"}}))
    assert caught.output == "States.QueryEvaluationError"


def test_aws_functions():
    ex = execute(jsonata({"A": {"Type": "Pass", "Output": {
        "partition": "{% $partition([1, 2, 3, 4, 5], 2) %}",
        "range": "{% $range(0, 10, 5) %}",
        "hash": "{% $hash('abc', 'SHA-256') %}",
        "parse": "{% $parse('{\"a\": [1]}') %}",
        "seeded": "{% $random(7) = $random(7) %}",
        "unit": "{% $random() < 1 and $random() >= 0 %}",
        "uuid": "{% $length($uuid()) %}"}, "End": True}}))
    assert ex.output == {"partition": [[1, 2], [3, 4], [5]], "range": [0, 5, 10],
                         "hash": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                         "parse": {"a": [1]}, "seeded": True, "unit": True, "uuid": 36}


def test_uuid_and_random_repeat_with_the_seed():
    definition = jsonata({"A": {"Type": "Pass", "Output": ["{% $uuid() %}", "{% $random() %}"], "End": True}})
    assert execute(definition).output == execute(definition).output


def test_function_errors_are_query_errors():
    ex = execute(jsonata({"A": {"Type": "Pass", "Output": "{% $partition([1], 0) %}", "End": True}}))
    assert ex.result()["error"] == "States.QueryEvaluationError"
    assert "positive chunk size" in ex.result()["cause"]


def test_a_hostile_expression_is_stopped():
    began = time.monotonic()
    ex = execute(jsonata({"A": {"Type": "Pass",
                                "Output": "{% ($f := function($n){ $f($n + 1) }; $f(0)) %}", "End": True}}))
    assert time.monotonic() - began < 60  # stopped by a bound, not run until the machine gives up
    assert ex.result()["error"] == "States.QueryEvaluationError"


def test_wait_seconds_and_task_timeout_from_expressions():
    ex = execute(jsonata({
        "W": {"Type": "Wait", "Seconds": "{% $states.input.minutes * 60 %}", "Next": "T"},
        "T": {"Type": "Task", "Resource": LAMBDA, "Arguments": {}, "TimeoutSeconds": "{% $states.input.limit %}",
              "End": True}}), {"minutes": 2, "limit": 9}, mocks={"T": [{"Pending": True}]})
    timed_out = next(e for e in ex.events if e.type == "TaskTimedOut")
    assert timed_out.timestamp - START == (120 + 9) * 1000
    assert ex.result()["error"] == "States.Timeout"


def test_map_items_item_selector_and_max_concurrency():
    ex = execute(jsonata({"M": {"Type": "Map", "Items": "{% $states.input.xs %}",
                                "MaxConcurrency": "{% 1 %}",
                                "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}",
                                                 "i": "{% $states.context.Map.Item.Index %}"},
                                "ItemProcessor": {"StartAt": "P", "States": {"P": {
                                    "Type": "Pass", "Output": "{% $states.input.v * 10 + $states.input.i %}",
                                    "End": True}}},
                                "Output": "{% $sum($states.result) %}", "End": True}}), {"xs": [1, 2, 3]})
    assert ex.output == 10 + 21 + 32


def test_map_items_must_be_an_array():
    ex = execute(jsonata({"M": {"Type": "Map", "Items": "{% 'x' %}", "ItemProcessor": {
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, "End": True}}))
    assert ex.result()["cause"].endswith("returned an unexpected result type. Expected 'array', but was 'string' "
                                         "for value: \"x\"")
    assert [e.type for e in ex.events][-3:] == ["EvaluationFailed", "MapStateFailed", "ExecutionFailed"]


def test_parallel_arguments_and_fail_error_and_cause():
    ex = execute(jsonata({
        "P": {"Type": "Parallel", "Arguments": {"n": "{% $states.input.n + 1 %}"}, "Branches": [
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}], "Next": "F"},
        "F": {"Type": "Fail", "Error": "{% 'Err' & $string($states.input[0].n) %}",
              "Cause": "{% 'because ' & $states.input[0].n %}"}}), {"n": 1})
    assert ex.result() == {"status": "FAILED", "error": "Err2", "cause": "because 2"}


def test_integral_numbers_come_out_as_integers():
    ex = execute(jsonata({"A": {"Type": "Pass", "Output": ["{% 6 / 2 %}", "{% 1.5 * 3 %}"], "End": True}}))
    assert ex.output == [3, 4.5] and type(ex.output[0]) is int


def test_invalid_expressions_are_definition_errors_with_a_pointer():
    with pytest.raises(DefinitionError) as caught:
        parse(jsonata({"A": {"Type": "Pass", "Output": {"x": "{% 1 + %}"}, "End": True}}), validate=False)
    assert caught.value.diagnostics[0].pointer == "/States/A/Output/x"


@pytest.mark.parametrize("rule, code", [
    ({"Next": "S"}, "MISSING_CONDITION"),
    ({"Condition": "$.n > 1", "Next": "S"}, "INVALID_CONDITION"),
    ({"Condition": 5, "Next": "S"}, "INVALID_CONDITION"),
])
def test_choice_condition_problems_point_at_the_condition_as_the_validator_does(rule, code):
    definition = jsonata({"C": {"Type": "Choice", "Choices": [{"Condition": True, "Next": "S"}, rule]},
                          "S": {"Type": "Succeed"}})
    with pytest.raises(DefinitionError) as caught:
        parse(definition, validate=False)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.pointer) == (code, "/States/C/Choices/1/Condition")
    assert "/States/C/Choices/1/Condition" in {d.pointer for d in validate(definition) if d.severity == "error"}
