"""InputPath, Parameters, ResultSelector, ResultPath and OutputPath, as the specification orders them."""
from asl_helpers import execute, machine


def test_pass_applies_paths_in_order():
    ex = execute(machine({"P": {"Type": "Pass", "InputPath": "$.in", "Parameters": {"x.$": "$.v", "k": 1},
                                "ResultPath": "$.in.out", "OutputPath": "$.in", "End": True}}),
                 {"in": {"v": 5}, "other": True})
    assert ex.status == "SUCCEEDED"
    # ResultPath writes into the raw input, not the InputPath selection.
    assert ex.output == {"v": 5, "out": {"x": 5, "k": 1}}


def test_result_path_null_keeps_input_and_creates_missing_objects():
    ex = execute(machine({"A": {"Type": "Pass", "Result": 1, "ResultPath": None, "Next": "B"},
                          "B": {"Type": "Pass", "Result": 2, "ResultPath": "$.a.b.c", "End": True}}), {"k": 0})
    assert ex.output == {"k": 0, "a": {"b": {"c": 2}}}


def test_input_and_output_path_null_give_empty_objects():
    ex = execute(machine({"A": {"Type": "Pass", "InputPath": None, "Next": "B"},
                          "B": {"Type": "Pass", "Result": {"r": 1}, "OutputPath": None, "End": True}}), {"k": 1})
    assert ex.output == {}


def test_result_path_into_a_string_is_a_match_failure():
    ex = execute(machine({"A": {"Type": "Pass", "Result": 1, "ResultPath": "$.s.x", "End": True}}), {"s": "text"})
    assert ex.status == "FAILED"
    assert ex.error == "States.ResultPathMatchFailure"
    assert ex.cause.startswith("An error occurred while executing the state 'A' (entered at the event id #2).")


def test_missing_input_path_is_a_runtime_error_naming_the_path():
    ex = execute(machine({"A": {"Type": "Pass", "InputPath": "$.nope", "End": True}}), {"k": 1})
    assert (ex.error, ex.cause) == ("States.Runtime", "An error occurred while executing the state 'A' "
                                    "(entered at the event id #2). Invalid path '$.nope' : No results for "
                                    "path: $['nope']")


def test_parameters_path_missing_names_the_field_and_input():
    ex = execute(machine({"A": {"Type": "Pass", "Parameters": {"x.$": "$.y"}, "End": True}}), {"k": 1})
    assert ex.cause.endswith("The JSONPath '$.y' specified for the field 'x.$' could not be found in the input "
                             "'{\"k\":1}'")


def test_result_selector_on_task_result_and_context_object():
    definition = machine({"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                "ResultSelector": {"p.$": "$.Payload", "state.$": "$$.State.Name"},
                                "ResultPath": "$.r", "End": True}})
    ex = execute(definition, {"a": 1}, {"T": [{"Return": {"Payload": {"ok": True}, "StatusCode": 200}}]})
    assert ex.output == {"a": 1, "r": {"p": {"ok": True}, "state": "T"}}


def test_parameters_with_indefinite_path_yield_lists():
    ex = execute(machine({"A": {"Type": "Pass", "Parameters": {"ids.$": "$.items[*].id",
                                                              "big.$": "$.items[?(@.n > 1)].id"}, "End": True}}),
                 {"items": [{"id": "a", "n": 1}, {"id": "b", "n": 2}]})
    assert ex.output == {"ids": ["a", "b"], "big": ["b"]}


def test_values_are_never_shared_mutably_between_states():
    ex = execute(machine({"A": {"Type": "Pass", "Result": "x", "ResultPath": "$.a", "Next": "B"},
                          "B": {"Type": "Pass", "Result": "y", "ResultPath": "$.b", "End": True}}), {"k": 1})
    entered_a = ex.events[1].details["input"]
    assert entered_a == {"k": 1}  # B's write did not leak back into A's recorded input
    assert ex.output == {"k": 1, "a": "x", "b": "y"}


# An intrinsic's path argument that matches nothing: AWS fails the state with States.Runtime and
# names the whole call as written, the argument, and the input (observed in AWS execution
# histories; Step Functions Local writes the same).
def _missing_argument(call: str, argument: str, data: str) -> str:
    return (f"The function '{call}' had the following error: The JsonPath argument for the field "
            f"'{argument}' could not be found in the input '{data}'")


def test_intrinsic_path_argument_missing_is_a_runtime_error_naming_the_call():
    ex = execute(machine({"A": {"Type": "Pass", "Parameters": {"x.$": "States.Format('{}', $.y)"}, "End": True}}),
                 {"k": 1})
    assert (ex.error, ex.cause) == ("States.Runtime", "An error occurred while executing the state 'A' (entered "
                                    "at the event id #2). " + _missing_argument("States.Format('{}', $.y)", "$.y",
                                                                                '{"k":1}'))


def test_intrinsic_missing_argument_names_the_whole_expression_and_the_failing_argument():
    call = "States.Format('{} {}', $.k, States.JsonToString($.a[3]))"
    ex = execute(machine({"A": {"Type": "Pass", "Parameters": {"x.$": call}, "End": True}}), {"k": 1, "a": [0]})
    assert ex.error == "States.Runtime"
    assert ex.cause.endswith(_missing_argument(call, "$.a[3]", '{"k":1,"a":[0]}'))


def test_intrinsic_missing_argument_in_every_field_that_takes_one():
    cases = {
        "ResultSelector": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                 "ResultSelector": {"x.$": "States.Array($.nope)"}, "End": True}},
        "ItemSelector": {"M": {"Type": "Map", "ItemsPath": "$.items",
                               "ItemSelector": {"x.$": "States.Array($.nope)"},
                               "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                               "End": True}},
        "Assign": {"A": {"Type": "Pass", "Assign": {"x.$": "States.Array($.nope)"}, "End": True}},
        "CausePath": {"F": {"Type": "Fail", "Error": "E", "CausePath": "States.JsonToString($.nope)"}},
    }
    for field, states in cases.items():
        ex = execute(machine(states), {"items": [1]}, {"T": [{"Return": {"Payload": 1}}]})
        assert ex.error == "States.Runtime", field
        assert "had the following error: The JsonPath argument for the field '$.nope' could not be found in the " \
               "input" in ex.cause, field
        assert "Internal interpreter error" not in ex.cause, field


def test_intrinsic_missing_variable_argument_is_a_runtime_error():
    ex = execute(machine({"A": {"Type": "Pass", "Parameters": {"x.$": "States.Array($nope)"}, "End": True}}), {})
    assert (ex.error, ex.cause.endswith(_missing_argument("States.Array($nope)", "$nope", "{}"))) == \
        ("States.Runtime", True)


def test_intrinsic_missing_argument_is_not_caught_like_any_states_runtime():
    ex = execute(machine({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                "Parameters": {"x.$": "States.Array($.nope)"}, "End": True,
                                "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "B"}]},
                          "B": {"Type": "Pass", "End": True}}), {})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")


def test_intrinsic_missing_context_argument_names_the_state_input():
    ex = execute(machine({"A": {"Type": "Pass", "Parameters": {"x.$": "States.Format('{}',$$.Nope.Deep)"},
                                "End": True}}), {"k": 1})
    assert ex.cause.endswith(_missing_argument("States.Format('{}',$$.Nope.Deep)", "$.Nope.Deep", '{"k":1}'))
