"""Does a mock config fit a definition: each kind of misfit, by name, at every nesting level."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from interpreter.mock_fit import mock_fit

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"
BANK = json.loads((SAMPLES / "account-application.asl.json").read_text())
BANK_MOCKS = json.loads((SAMPLES / "account-application.mocks.json").read_text())


def codes(problems):
    return sorted((p.code, p.state) for p in problems)


def test_a_test_case_that_mocks_every_task_fits():
    assert mock_fit(BANK, BANK_MOCKS, test_case="FlaggedAddressApprovedByReviewer") == []


def test_a_reachable_callback_task_without_a_mock_waits_for_a_person():
    [problem] = mock_fit(BANK, BANK_MOCKS, test_case="CleanApplication")
    assert problem.code == "CALLBACK_WITHOUT_MOCK" and problem.state == "Wait For Review"
    assert problem.definition_pointer == "/States/Wait For Review"
    assert "waits there for someone to answer" in problem.message


def test_a_renamed_task_inside_a_parallel_branch():
    renamed = copy.deepcopy(BANK)
    branch = renamed["States"]["Perform Automated Checks"]["Branches"][1]
    branch["StartAt"] = "Check Postal Address"
    branch["States"] = {"Check Postal Address": branch["States"]["Check Address"]}
    problems = mock_fit(renamed, BANK_MOCKS, test_case="FlaggedAddressApprovedByReviewer")
    assert codes(problems) == [("MOCKED_STATE_MISSING", "Check Address"), ("TASK_WITHOUT_MOCK", "Check Postal Address")]
    gone, new = sorted(problems, key=lambda p: p.code)
    assert gone.pointer == "/StateMachines/account-application/TestCases/FlaggedAddressApprovedByReviewer/Check Address"
    assert gone.message == "The test case mocks 'Check Address', which is not a step of this version."
    assert new.definition_pointer == "/States/Perform Automated Checks/Branches/1/States/Check Postal Address"
    assert new.pointer == ""


def test_a_mocked_state_that_became_a_pass_state():
    changed = copy.deepcopy(BANK)
    changed["States"]["Approve Application"] = {"Type": "Pass", "Next": "Notify Applicant"}
    [problem] = mock_fit(changed, BANK_MOCKS, test_case="FlaggedAddressApprovedByReviewer")
    assert (problem.code, problem.state) == ("MOCKED_STATE_NOT_A_TASK", "Approve Application")
    assert "a Pass step" in problem.message and problem.definition_pointer == "/States/Approve Application"


def test_only_reachable_tasks_need_a_mock():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "End": True},
        "Orphan": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True}}}
    assert mock_fit(definition, {}) == []


def test_tasks_reached_through_a_catch_and_inside_a_map_need_a_mock():
    definition = {"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Work", "States": {
            "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:Work", "End": True}}},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Tell"}], "End": True},
        "Tell": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True}}}
    problems = mock_fit(definition, None)
    assert codes(problems) == [("TASK_WITHOUT_MOCK", "Tell"), ("TASK_WITHOUT_MOCK", "Work")]
    assert {p.definition_pointer for p in problems} == {"/States/Each/ItemProcessor/States/Work", "/States/Tell"}


def test_activity_without_a_mock_waits_for_a_worker_or_person():
    definition = {"StartAt": "Act", "States": {"Act": {
        "Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:Approve", "End": True}}}
    assert codes(mock_fit(definition, {})) == [("CALLBACK_WITHOUT_MOCK", "Act")]


def test_names_with_slashes_are_escaped_in_pointers():
    definition = {"StartAt": "a/b", "States": {"a/b": {"Type": "Pass", "End": True}}}
    config = {"StateMachines": {"m": {"TestCases": {"c": {"x~y": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": 1}}}}
    [problem] = mock_fit(definition, config)
    assert problem.pointer == "/StateMachines/m/TestCases/c/x~0y"


def test_s3_objects_of_a_test_case_are_not_a_mocked_state():
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    config = {"StateMachines": {"m": {"TestCases": {"c": {"S3Objects": {"b/k": "x"}}}}}, "MockedResponses": {}}
    assert mock_fit(definition, config) == []


@pytest.mark.parametrize("config, pointer", [
    ([], ""),
    ({"StateMachines": {"m": {"TestCases": {"c": {"A": "Nope"}}}}, "MockedResponses": {}},
     "/StateMachines/m/TestCases/c/A"),
    ({"StateMachines": {"m": {"TestCases": {"c": {}, "d": {}}}}}, "/StateMachines/m/TestCases"),
])
def test_a_config_that_cannot_be_read_is_one_named_problem(config, pointer):
    [problem] = mock_fit(BANK, config)
    assert problem.code == "MOCK_CONFIG_INVALID" and problem.pointer == pointer and problem.message


@pytest.mark.parametrize("definition", [None, [], "text", {"States": []}, {"StartAt": 3, "States": {"A": 1}}, {"StartAt": "A", "States": {"A": 1}},
                                        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [1, {}]}}},
                                        {"StartAt": "A", "States": {"A": {"Type": "Task", "Next": "A"}}}])
def test_any_definition_is_checked_without_raising(definition):
    assert isinstance(mock_fit(definition, BANK_MOCKS, test_case="CleanApplication"), list)


def test_as_dict_names_every_field():
    [problem] = mock_fit(BANK, BANK_MOCKS, test_case="CleanApplication")
    assert problem.as_dict() == {"code": "CALLBACK_WITHOUT_MOCK", "state": "Wait For Review",
                                 "message": problem.message, "pointer": "",
                                 "definitionPointer": "/States/Wait For Review"}
