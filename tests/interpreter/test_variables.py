"""Workflow variables: Assign in both query languages, evaluation order, scopes, limits, events."""
from __future__ import annotations

from asl_helpers import execute, machine

LAMBDA = "arn:aws:states:::lambda:invoke"


def test_jsonpath_assign_reads_the_result_and_later_states_read_variables():
    ex = execute(machine({
        "T": {"Type": "Task", "Resource": LAMBDA, "Parameters": {}, "ResultSelector": {"v.$": "$.Payload"},
              "Assign": {"seen.$": "$.v", "fixed": 1, "ctx.$": "$$.State.Name"}, "ResultPath": None, "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {"seen.$": "$seen", "fixed.$": "$fixed", "ctx.$": "$ctx"}, "End": True}}),
        {"in": 1}, mocks={"T": [{"Return": {"Payload": 7}}]})
    assert ex.output == {"seen": 7, "fixed": 1, "ctx": "T"}


def test_all_assignments_and_the_output_see_the_values_from_before_the_state():
    ex = execute(machine({
        "A": {"Type": "Pass", "Assign": {"x": 1, "y": 10}, "Next": "B"},
        "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"x": "{% $y %}", "y": "{% $x %}"},
              "Output": {"x": "{% $x %}", "y": "{% $y %}"}, "Next": "C"},
        "C": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"x": "{% $x %}", "y": "{% $y %}"}, "End": True}}))
    exits = [e.details["output"] for e in ex.events if e.type == "PassStateExited"]
    assert exits[1] == {"x": 1, "y": 10}
    assert ex.output == {"x": 10, "y": 1}


def test_assigned_variables_are_in_the_exit_event_as_aws_writes_them():
    ex = execute(machine({"A": {"Type": "Pass", "Assign": {"n": 1, "o": {"k": "v"}}, "End": True}}))
    exited = next(e for e in ex.events if e.type == "PassStateExited").to_aws()["stateExitedEventDetails"]
    assert exited["assignedVariables"] == {"n": "1", "o": "{\"k\":\"v\"}"}
    assert exited["assignedVariablesDetails"] == {"truncated": False}


def test_branches_read_outer_variables_but_their_own_stay_inside():
    ex = execute(machine({
        "A": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "P"},
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {
            "B": {"Type": "Pass", "Assign": {"inner": "i"}, "Next": "C"},
            "C": {"Type": "Pass", "Parameters": {"outer.$": "$outer", "inner.$": "$inner"}, "End": True}}}],
              "Next": "D"},
        "D": {"Type": "Pass", "Parameters": {"result.$": "$[0]", "outer.$": "$outer"}, "End": True}}))
    assert ex.output == {"result": {"outer": "o", "inner": "i"}, "outer": "o"}
    leak = execute(machine({
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {
            "B": {"Type": "Pass", "Assign": {"inner": "i"}, "End": True}}}], "Next": "D"},
        "D": {"Type": "Pass", "Parameters": {"inner.$": "$inner"}, "End": True}}))
    assert leak.status == "FAILED"


def test_map_iterations_each_have_their_own_scope():
    ex = execute(machine({
        "A": {"Type": "Pass", "Assign": {"bias": 100}, "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.xs", "ItemProcessor": {"StartAt": "I", "States": {
            "I": {"Type": "Pass", "Assign": {"mine.$": "$"}, "Next": "J"},
            "J": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($mine, $bias)"}, "End": True}}},
              "End": True}}), {"xs": [1, 2, 3]})
    assert ex.output == [{"v": 101}, {"v": 102}, {"v": 103}]


def test_catcher_assign_reads_the_error_output_in_both_languages():
    for language, assign in (("JSONPath", {"err.$": "$.Error"}), ("JSONata", {"err": "{% $states.errorOutput.Error %}"})):
        ex = execute(machine({
            "T": {"Type": "Task", "Resource": LAMBDA, "End": True, "QueryLanguage": language,
                  **({"Parameters": {}} if language == "JSONPath" else {"Arguments": {}}),
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": assign, "Next": "H"}]},
            "H": {"Type": "Pass", "Parameters": {"err.$": "$err"}, "End": True}}),
            mocks={"T": [{"Throw": {"Error": "Boom", "Cause": "c"}}]})
        assert ex.output == {"err": "Boom"}, language


def test_choice_rule_assign_and_default_assign():
    definition = machine({
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "S",
                                             "Assign": {"which": "rule"}}],
              "Default": "S", "Assign": {"which": "default"}},
        "S": {"Type": "Pass", "Parameters": {"which.$": "$which"}, "End": True}})
    assert execute(definition, {"n": 2}).output == {"which": "rule"}
    assert execute(definition, {"n": 0}).output == {"which": "default"}


def test_a_variable_over_the_size_limit_fails_the_state():
    # $pad builds the 300 KB text in one call: a slow expression would hit the 2 s evaluation bound
    # on a loaded machine first (States.QueryEvaluationError) and test the wrong limit.
    ex = execute(machine({"A": {"Type": "Pass", "QueryLanguage": "JSONata",
                                "Assign": {"big": "{% $pad('', 300000, 'x') %}"}, "End": True}}))
    assert ex.result()["error"] == "States.Runtime"
    assert "'big'" in ex.result()["cause"]


def test_variables_survive_a_snapshot():
    from interpreter.definition import parse
    from interpreter.execution import Execution

    definition = parse(machine({"A": {"Type": "Pass", "Assign": {"x": 5}, "Next": "W"},
                                "W": {"Type": "Wait", "Seconds": 60, "Next": "B"},
                                "B": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "End": True}}))
    ex = Execution(definition, {}, seed=1)
    ex.step(), ex.step()
    again = Execution.restore(definition, ex.to_json())
    assert again.run().output == {"x": 5}
