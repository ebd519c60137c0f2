"""One root cause, one error: problems that only follow from another are not reported too.

Issue 10: "One misplaced key (QueryLanguage inside States) gives 11 errors; the first names the
cause, the other 10 are noise."
"""
from __future__ import annotations

import pytest

from interpreter.validation import validate

JSONATA_STATES = {
    "A": {"Type": "Pass", "Output": "{% $states.input %}", "Next": "B"},
    "B": {"Type": "Wait", "Seconds": "{% 3 %}", "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.ok %}", "Next": "D"}], "Default": "E"},
    "D": {"Type": "Pass", "Output": {"n": "{% $states.input.n + 1 %}"}, "End": True},
    "E": {"Type": "Fail", "Error": "Nope"},
}


def found(definition) -> list[tuple[str, str]]:
    return [(p.code, p.pointer) for p in validate(definition)]


def test_query_language_inside_states_is_one_error_and_the_states_are_read_as_meant():
    definition = {"StartAt": "A", "States": {"QueryLanguage": "JSONata", **JSONATA_STATES}}
    problems = validate(definition)
    assert [(p.code, p.pointer) for p in problems] == [("MISPLACED_FIELD", "/States/QueryLanguage")]
    assert "'QueryLanguage' is a field of the state machine, not a state: move it out of States" in problems[0].message


@pytest.mark.parametrize("key, value", [("Comment", "the flow"), ("Version", "1.0"), ("TimeoutSeconds", 60)])
def test_other_machine_fields_inside_states(key, value):
    definition = {"StartAt": "A", "States": {key: value, "A": {"Type": "Pass", "End": True}}}
    assert found(definition) == [("MISPLACED_FIELD", f"/States/{key}")]


def test_start_at_inside_states_is_not_also_missing():
    definition = {"States": {"StartAt": "B", "A": {"Type": "Pass", "End": True}, "B": {"Type": "Pass", "Next": "A"}}}
    assert found(definition) == [("MISPLACED_FIELD", "/States/StartAt")]


def test_in_a_branch_and_a_map_processor():
    definition = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "M", "Branches": [
        {"States": {"StartAt": "X", "X": {"Type": "Pass", "End": True}}}]},
        "M": {"Type": "Map", "End": True, "ItemProcessor": {
            "StartAt": "Y", "States": {"ProcessorConfig": {"Mode": "INLINE"}, "Y": {"Type": "Pass", "End": True}}}}}}
    assert found(definition) == [("MISPLACED_FIELD", "/States/P/Branches/0/States/StartAt"),
                                 ("MISPLACED_FIELD", "/States/M/ItemProcessor/States/ProcessorConfig")]


def test_a_state_named_like_a_field_is_still_a_state():
    definition = {"StartAt": "Comment", "States": {"Comment": {"Type": "Pass", "End": True}}}
    assert found(definition) == []


def test_jsonata_in_a_machine_that_is_jsonpath_by_default_is_one_error_naming_the_fix():
    problems = validate({"StartAt": "A", "States": JSONATA_STATES})
    assert [(p.code, p.pointer) for p in problems] == [("WRONG_QUERY_LANGUAGE", "/States/A/Output")]
    assert "4 states ('A', 'B', 'C', 'D') are written in JSONata (Output, {% %}, Condition)" in problems[0].message
    assert 'add "QueryLanguage": "JSONata" next to StartAt' in problems[0].message
    # one state's slip, or a machine that chose JSONPath, keeps its own precise errors
    one = validate({"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": True}}})
    assert [(p.code, p.pointer) for p in one] == [("WRONG_QUERY_LANGUAGE", "/States/A/Output")]
    chosen = validate({"QueryLanguage": "JSONPath", "StartAt": "A", "States": JSONATA_STATES})
    assert [p.pointer for p in chosen] == ["/States/A/Output", "/States/B/Seconds", "/States/C/Choices/0/Condition",
                                           "/States/D/Output"]


@pytest.mark.parametrize("states, only", [
    # a state that is not an object: what follows it cannot be known, so nothing is "unreachable"
    ({"A": "Pass", "B": {"Type": "Pass", "End": True}}, [("INVALID_VALUE", "/States/A")]),
    # a missing Type, an unknown Type, a missing Next
    ({"A": {"Next": "B"}, "B": {"Type": "Pass", "End": True}}, [("MISSING_FIELD", "/States/A/Type")]),
    ({"A": {"Type": "Lambda", "End": True}, "B": {"Type": "Pass", "End": True}}, [("INVALID_VALUE", "/States/A/Type")]),
    ({"A": {"Type": "Pass"}, "B": {"Type": "Pass", "End": True}}, [("MISSING_NEXT", "/States/A")]),
    # a misspelt target: B and C are where it probably meant to go
    ({"A": {"Type": "Pass", "Next": "b"}, "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}},
     [("MISSING_TRANSITION_TARGET", "/States/A/Next")]),
    # a Choice whose rules are not a list
    ({"A": {"Type": "Choice", "Choices": {"Next": "B"}}, "B": {"Type": "Succeed"}}, [("INVALID_VALUE", "/States/A/Choices")]),
])
def test_follow_ons_of_a_state_whose_transitions_are_unknown(states, only):
    assert found({"StartAt": "A", "States": states}) == only


def test_what_does_not_follow_from_another_problem_is_still_reported():
    # B is broken and C unreachable whatever B is: both reported
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}, "B": "junk",
                                             "C": {"Type": "Pass", "End": True}}}
    assert found(definition) == [("INVALID_VALUE", "/States/B"), ("UNREACHABLE_STATE", "/States/B"),
                                 ("UNREACHABLE_STATE", "/States/C")]
    loop = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}
    assert found(loop) == [("NO_TERMINAL_STATE", "/States")]
