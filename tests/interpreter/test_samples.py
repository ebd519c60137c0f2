"""The sample workflows run to the outcomes their mock configs imply (files in designer/samples)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.mocks import Mocks

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"
START = 1_700_000_000_000


def run(sample: str, test_case: str, input=None) -> Execution:
    definition = parse((SAMPLES / f"{sample}.asl.json").read_text())
    config = json.loads((SAMPLES / f"{sample}.mocks.json").read_text())
    if input is None:
        input = json.loads((SAMPLES / f"{sample}.input.json").read_text())
    ex = Execution(definition, input, mocks=Mocks.from_config(config, sample, test_case), seed=3,
                   start_time=START, state_machine_name=sample)
    return ex.run()


def entered(ex: Execution) -> list[str]:
    return [e.details["name"] for e in ex.events if e.type.endswith("StateEntered")]


# --- the bank account application (JSONPath, a human review by callback) ----------------

def test_clean_application_is_approved_without_review():
    ex = run("account-application", "CleanApplication")
    assert ex.status == "SUCCEEDED", ex.result()
    assert "Wait For Review" not in entered(ex)
    assert entered(ex)[-2:] == ["Notify Applicant", "Done"]


def test_flagged_address_goes_through_the_reviewer():
    ex = run("account-application", "FlaggedAddressApprovedByReviewer")
    assert ex.status == "SUCCEEDED", ex.result()
    assert "Wait For Review" in entered(ex)
    types = [e.type for e in ex.events]
    # The review is a callback: the message went out, then the answer came back.
    review = types.index("TaskSubmitted")
    assert types[review + 1] == "TaskSucceeded"


def test_throttled_identity_service_is_retried():
    ex = run("account-application", "IdentityServiceThrottledThenOk")
    assert ex.status == "SUCCEEDED", ex.result()
    failures = [e for e in ex.events if e.type in ("TaskFailed", "LambdaFunctionFailed")]
    assert [f.details["error"] for f in failures] == ["Lambda.TooManyRequestsException"] * 2


def test_flagged_address_waits_for_a_person_without_the_reviewer_mock():
    definition = parse((SAMPLES / "account-application.asl.json").read_text())
    config = json.loads((SAMPLES / "account-application.mocks.json").read_text())
    del config["StateMachines"]["account-application"]["TestCases"]["FlaggedAddressApprovedByReviewer"]["Wait For Review"]
    input = json.loads((SAMPLES / "account-application.input.json").read_text())
    ex = Execution(definition, input, seed=3, start_time=START,
                   mocks=Mocks.from_config(config, "account-application", "FlaggedAddressApprovedByReviewer"))
    # Advance until only the clock could move the run on: the reviewer has a week to answer.
    while ex.next_wake() is None and ex.step():
        pass
    waiting = ex.describe_status()["waiting"]
    assert ex.status == "RUNNING" and waiting["reason"] == "callback"
    (token, state), = waiting["tokens"].items()
    assert state == "Wait For Review"
    ex.send_task_success(token, {"approved": True, "reviewer": "j.smith"})
    ex.run()
    assert ex.status == "SUCCEEDED", ex.result()


# --- break-glass access (JSONata, variables, callback with a timeout) --------------------

def test_approved_access_is_provisioned_and_closed_after_the_window():
    ex = run("break-glass-access", "ApprovedAndClosed")
    assert ex.status == "SUCCEEDED", ex.result()
    assert ex.output == {"operator": "alice", "instance": "i-0b45710n", "closedAfterMinutes": 30}
    # The 30-minute access window passed on the virtual clock.
    wait_exit = next(e for e in ex.events if e.type == "WaitStateExited")
    wait_enter = next(e for e in ex.events if e.type == "WaitStateEntered")
    assert wait_exit.timestamp - wait_enter.timestamp == 30 * 60 * 1000
    assigned = next(e for e in ex.events if e.type == "TaskStateExited")
    assert assigned.details["assignedVariables"] == {"operator": "alice", "minutes": 30}


def test_denied_access_fails_with_the_operator_named():
    ex = run("break-glass-access", "DeniedByApprover")
    assert ex.result() == {"status": "FAILED", "error": "AccessDenied", "cause": "Access was not approved for alice"}


def test_no_answer_within_an_hour_is_denied():
    ex = run("break-glass-access", "NoAnswerWithinAnHour")
    assert ex.result()["error"] == "AccessDenied"
    timed_out = next(e for e in ex.events if e.type == "TaskTimedOut")
    assert timed_out.timestamp - START == 3600 * 1000
    assert "Provision Bastion" not in entered(ex)


def test_missing_capacity_is_retried_with_capped_jitter():
    ex = run("break-glass-access", "CapacityShortThenOk")
    assert ex.status == "SUCCEEDED", ex.result()
    failed = [e for e in ex.events if e.type == "TaskFailed"]
    assert len(failed) == 2
    scheduled = [e.timestamp for e in ex.events if e.type == "TaskScheduled"][1:]
    # FULL jitter: each delay is at most the backoff (5 s, then 10 s).
    assert 0 <= scheduled[1] - failed[0].timestamp <= 5000
    assert 0 <= scheduled[2] - failed[1].timestamp <= 10000


def test_default_window_is_an_hour_when_none_is_asked_for():
    input = {"operator": "carol", "environment": "staging", "reason": "debugging"}
    ex = run("break-glass-access", "ApprovedAndClosed", input=input)
    assert ex.output["closedAfterMinutes"] == 60


@pytest.mark.parametrize("sample", ["account-application", "break-glass-access", "nutrition-labels"])
def test_every_sample_has_a_mock_config_naming_its_own_states(sample):
    definition = json.loads((SAMPLES / f"{sample}.asl.json").read_text())
    config = json.loads((SAMPLES / f"{sample}.mocks.json").read_text())
    names = set(json.dumps(definition["States"]) and _names(definition))
    for case in config["StateMachines"][sample]["TestCases"].values():
        assert set(case) - {"S3Objects"} <= names


def _names(program: dict) -> set[str]:
    out = set()
    for name, state in program["States"].items():
        out.add(name)
        for branch in state.get("Branches", []):
            out |= _names(branch)
        if "ItemProcessor" in state:
            out |= _names(state["ItemProcessor"])
    return out
