"""The behavioural diff: saved test cases on two versions, outcomes, paths, expectations, misfits."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from interpreter.compare import diff
from interpreter.compare.behaviour import behaviour_diff, divergence, follow_renames
from interpreter.testing.runner import Case, Limits
from interpreter.testing.spec import read_spec

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"
BANK = json.loads((SAMPLES / "account-application.asl.json").read_text())
MOCKS = json.loads((SAMPLES / "account-application.mocks.json").read_text())
INPUT = json.loads((SAMPLES / "account-application.input.json").read_text())
NAMES = list(MOCKS["StateMachines"]["account-application"]["TestCases"])


def cases(spec=None):
    spec = read_spec(spec or {})[0]
    return [Case(name, INPUT, spec=spec, mock_config=MOCKS) for name in NAMES]


def compare(old, new, **kwargs):
    return {c.name: c for c in behaviour_diff(old, new, kwargs.pop("cases", None) or cases(),
                                              renames=diff(old, new).renames, old_label="v1", new_label="v2",
                                              **kwargs).cases}


def test_the_same_version_behaves_the_same():
    result = behaviour_diff(BANK, copy.deepcopy(BANK), cases())
    assert result.summary() == "All 3 test cases behave the same on both versions."
    for change in result.cases:
        assert not change.changed and change.divergence is None and change.words == ["Same outcome, same path."]
        assert change.before.status == change.after.status == "SUCCEEDED"


def test_a_new_step_changes_the_path_where_it_is_reached():
    v2 = copy.deepcopy(BANK)
    v2["States"]["Record Decision"] = {"Type": "Pass", "Next": "Done"}
    v2["States"]["Notify Applicant"]["Next"] = "Record Decision"
    result = compare(BANK, v2)
    clean = result["CleanApplication"]
    assert not clean.outcome_changed and clean.path_changed
    assert clean.divergence == {"index": 6, "before": "Done", "after": "Record Decision", "afterState": "Notify Applicant"}
    assert clean.words == ["The path parts after 'Notify Applicant' (step 7): it now goes to 'Record Decision'; "
                           "in v1 it went to 'Done'."]
    assert clean.as_dict()["after"]["path"][-2:] == ["Record Decision", "Done"]


def test_fewer_retries_change_the_outcome_of_the_throttled_case_only():
    v2 = copy.deepcopy(BANK)
    v2["States"]["Perform Automated Checks"]["Branches"][0]["States"]["Verify Identity Documents"]["Retry"][0][
        "MaxAttempts"] = 1
    result = compare(BANK, v2)
    throttled = result["IdentityServiceThrottledThenOk"]
    assert throttled.before.status == "SUCCEEDED" and throttled.after.status == "FAILED"
    assert throttled.outcome_changed and throttled.after.as_dict()["error"] == "ChecksFailed"
    assert throttled.words[0] == "Now fails with ChecksFailed; in v1 it succeeded."
    assert throttled.expectation == "now fails"
    assert "It no longer meets its expectations: expected the run to succeed, but it failed with ChecksFailed" in \
        throttled.words[2]
    assert not result["CleanApplication"].changed


def test_mocks_that_no_longer_fit_are_named():
    v2 = copy.deepcopy(BANK)
    branch = v2["States"]["Perform Automated Checks"]["Branches"][1]
    branch["StartAt"] = "Skip Address Check"
    branch["States"] = {"Skip Address Check": {"Type": "Pass", "Result": {"flagged": False}, "End": True}}
    v2["States"]["Ask Manager"] = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                   "Parameters": {"QueueUrl": "https://q/managers"}, "Next": "Done"}
    v2["States"]["Notify Applicant"]["Next"] = "Ask Manager"
    clean = compare(BANK, v2)["CleanApplication"]
    codes = {m["code"]: m for m in clean.after.misfits}
    assert set(codes) == {"MOCKED_STATE_MISSING", "CALLBACK_WITHOUT_MOCK"}
    assert codes["MOCKED_STATE_MISSING"]["state"] == "Check Address"
    assert codes["CALLBACK_WITHOUT_MOCK"]["state"] == "Ask Manager"
    assert clean.after.status == "WAITING_FOR_CALLBACK"
    assert "Now waits for an answer at 'Ask Manager'; in v1 it succeeded." in clean.words
    assert "Its mocks do not fit v2: The test case mocks 'Check Address', which is not a step of this version." \
        in clean.words


def test_a_task_reached_without_a_mock_fails_by_name():
    v2 = copy.deepcopy(BANK)
    v2["States"]["Audit"] = {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Next": "Done"}
    v2["States"]["Notify Applicant"]["Next"] = "Audit"
    clean = compare(BANK, v2)["CleanApplication"]
    assert clean.after.status == "FAILED"
    assert [m["code"] for m in clean.after.misfits] == ["TASK_WITHOUT_MOCK"]
    assert any("Its mocks do not fit v2: 'Audit' is a task the run can reach" in w for w in clean.words)


def test_renames_are_followed_in_paths_and_mocks():
    v2 = json.loads(json.dumps(BANK).replace('"Notify Applicant"', '"Tell The Applicant"'))
    result = compare(BANK, v2)
    for change in result.values():
        assert not change.changed, change.words
        assert not change.after.misfits
    assert "Tell The Applicant" in result["CleanApplication"].after.path
    # and the other way: mocks written for the new name answer the old step
    renamed = copy.deepcopy(MOCKS)
    for entry in renamed["StateMachines"]["account-application"]["TestCases"].values():
        entry["Tell The Applicant"] = entry.pop("Notify Applicant")
    back = compare(BANK, v2, cases=[Case("CleanApplication", INPUT, mock_config=renamed)])
    assert not back["CleanApplication"].changed and back["CleanApplication"].before.status == "SUCCEEDED"


def test_follow_renames_leaves_what_fits_alone():
    case = Case("CleanApplication", INPUT, mock_config=MOCKS)
    assert follow_renames(case, {"Done": "Finished"}, {"Done"}) is case
    moved = follow_renames(case, {"Notify Applicant": "Tell"}, {"Tell"})
    assert "Tell" in moved.mock_config["StateMachines"]["account-application"]["TestCases"]["CleanApplication"]
    assert "Tell" not in MOCKS["StateMachines"]["account-application"]["TestCases"]["CleanApplication"]


def test_a_version_that_cannot_run_is_said_so():
    v2 = copy.deepcopy(BANK)
    v2["States"]["Done"]["Next"] = "Nowhere"
    change = compare(BANK, v2)["CleanApplication"]
    assert change.after.status == "NOT_RUN" and change.after.as_dict()["reason"].startswith("This version cannot run:")
    assert change.outcome_changed and change.divergence is None


def test_cases_past_the_deadline_are_not_run():
    ticks = iter(range(0, 1000, 10))
    result = behaviour_diff(BANK, BANK, cases(), deadline=15, clock=lambda: next(ticks), limits=Limits())
    assert result.cases[0].before.status == "SUCCEEDED"
    assert [c.after.status for c in result.cases[1:]] == ["NOT_RUN", "NOT_RUN"]
    assert "took longer than 15 s" in result.cases[2].after.as_dict()["reason"]


def test_divergence_of_paths():
    assert divergence(["A", "B"], ["A", "B"]) is None
    assert divergence(["A", "B"], ["A", "C"]) == {"index": 1, "before": "B", "after": "C", "afterState": "A"}
    assert divergence(["A"], ["A", "B"]) == {"index": 1, "before": None, "after": "B", "afterState": "A"}
    assert divergence(["X"], ["Y"]) == {"index": 0, "before": "X", "after": "Y", "afterState": None}


def test_summary_counts_the_cases_that_changed():
    v2 = copy.deepcopy(BANK)
    v2["States"]["Perform Automated Checks"]["Branches"][0]["States"]["Verify Identity Documents"]["Retry"][0][
        "MaxAttempts"] = 1
    result = behaviour_diff(BANK, v2, cases())
    assert result.summary() == "1 of 3 test cases behaves differently."
    assert result.as_dict()["cases"][2]["expectation"] == "now fails"
    assert behaviour_diff(BANK, v2, []).summary() == "This workflow has no saved test cases to compare."
