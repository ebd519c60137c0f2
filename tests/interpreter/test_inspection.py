"""interpreter.inspection: steps of events, what the next step enters, data-flow stages."""
from __future__ import annotations

import json
from pathlib import Path

from interpreter.definition import parse
from interpreter.execution import Execution
from interpreter.inspection import EventSteps, about_to_enter, resource_of, visits
from interpreter.mocks import Mocks

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"
BANK = json.loads((SAMPLES / "account-application.asl.json").read_text())
CONFIG = json.loads((SAMPLES / "account-application.mocks.json").read_text())
INPUT = json.loads((SAMPLES / "account-application.input.json").read_text())


def _run(case: str, definition=BANK, input=INPUT, mocks=None):
    machine = parse(definition)
    ex = Execution(machine, input, mocks=mocks or Mocks.from_config(CONFIG, None, case), seed=1)
    ex.run()
    steps = EventSteps(machine)
    rows = []
    for e in ex.events:
        row = e.to_json()
        row["step"] = steps.step(e.id, e.previous_event_id, e.type, e.details)
        rows.append(row)
    return machine, ex, rows


def test_every_event_gets_its_state():
    _, ex, rows = _run("IdentityServiceThrottledThenOk")
    assert ex.status == "SUCCEEDED"
    by_type = [(r["type"], r["step"]) for r in rows]
    assert by_type[0] == ("ExecutionStarted", "") and by_type[-1] == ("ExecutionSucceeded", "")
    assert ("ParallelStateStarted", "Perform Automated Checks") in by_type
    assert ("ParallelStateExited", "Perform Automated Checks") in by_type
    failed = [r for r in rows if r["type"] == "TaskFailed"]
    assert len(failed) == 2 and all(r["step"] == "Verify Identity Documents" for r in failed)
    # branch events interleave; each keeps its own state
    assert [r["step"] for r in rows if r["type"] == "TaskSucceeded"][:2] == ["Check Address", "Verify Identity Documents"]


def test_steps_across_sittings_use_the_lookup():
    machine, _, rows = _run("CleanApplication")
    known = {r["id"]: (r["step"], r["type"]) for r in rows[:10]}
    later = EventSteps(machine, lookup=known.get)
    assert [later.step(r["id"], r["previousEventId"], r["type"], r["details"]) for r in rows[10:]] == \
        [r["step"] for r in rows[10:]]


def test_nested_parallel_end_events_climb_to_their_own_state():
    definition = {"StartAt": "Outer", "States": {"Outer": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Inner", "States": {"Inner": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": True}}}]}}}]}}}
    _, ex, rows = _run(None, definition=definition, input={}, mocks=Mocks())
    assert ex.status == "SUCCEEDED"
    for row in rows:
        if row["type"].startswith("ParallelState"):
            assert row["step"] in ("Outer", "Inner")
    assert [r["step"] for r in rows if r["type"] == "ParallelStateExited"][-1] == "Outer"


def test_about_to_enter_reads_the_next_transition():
    machine = parse(BANK)
    ex = Execution(machine, INPUT, mocks=Mocks.from_config(CONFIG, None, "CleanApplication"), seed=1)
    assert about_to_enter(ex) == "Perform Automated Checks"
    ex.step()  # enters the Parallel and starts its branches
    assert about_to_enter(ex) == "Verify Identity Documents"
    ex.run(breakpoints=["Notify Applicant"])
    assert about_to_enter(ex) == "Notify Applicant"
    ex.run()
    assert about_to_enter(ex) is None


def test_task_stages_use_recorded_values_and_count_retries():
    machine, _, rows = _run("IdentityServiceThrottledThenOk")
    [visit] = visits(machine, rows, "Verify Identity Documents")
    stages = {s["key"]: s["value"] for s in visit["stages"]}
    assert [s["label"] for s in visit["stages"]] == ["Input", "After InputPath", "After Parameters", "Result",
                                                     "After ResultSelector", "After ResultPath", "Output"]
    assert visit["retries"] == 2 and visit["complete"]
    assert stages["afterParameters"]["Payload"] == {"name": "Jane Doe", "identityDoc": INPUT["application"]["idDocS3path"]}
    assert stages["result"] == {"StatusCode": 200, "Payload": {"flagged": False, "reason": None}}
    assert stages["afterResultSelector"] == {"flagged": False, "reason": None}
    assert stages["output"] == stages["afterResultPath"] == {"flagged": False, "reason": None}


def test_parallel_result_is_read_back_from_its_output():
    machine, _, rows = _run("FlaggedAddressApprovedByReviewer")
    [visit] = visits(machine, rows, "Perform Automated Checks")
    stages = {s["key"]: s["value"] for s in visit["stages"]}
    assert stages["result"] == [{"flagged": False, "reason": None}, {"flagged": True, "reason": "address not found"}]
    assert stages["afterResultPath"] == {**INPUT, "checks": stages["result"]} == stages["output"]


def test_pass_choice_and_failed_task_stages():
    machine, _, rows = _run(None, mocks=Mocks.from_lists({
        "Verify Identity Documents": [{"Return": {"Payload": {"flagged": True, "reason": "blurry"}}}],
        "Check Address": [{"Return": {"Payload": {"flagged": False, "reason": None}}}],
        "Wait For Review": [{"Throw": {"Error": "States.Timeout", "Cause": "no one came"}}],
        "Notify Applicant": [{"Return": {}}]}))
    [choice] = visits(machine, rows, "Human Review Required?")
    assert [s["key"] for s in choice["stages"]] == ["input", "afterInputPath", "output"]
    [review] = visits(machine, rows, "Wait For Review")
    stages = {s["key"]: s["value"] for s in review["stages"]}
    assert stages["error"]["error"] == "States.Timeout"  # recorded as TaskTimedOut, as AWS does
    assert stages["output"]["error"]["Error"] == "States.Timeout"  # the Catch's ResultPath
    assert "result" not in stages
    [reject] = visits(machine, rows, "Reject Application")
    stages = {s["key"]: s["value"] for s in reject["stages"]}
    assert stages["result"] == {"status": "REJECTED"} and stages["output"]["decision"] == {"status": "REJECTED"}
    assert visits(machine, rows, "Approve Application") == []
    assert visits(machine, rows, "No such state") == []


def test_resource_column():
    assert resource_of({"resourceType": "lambda", "resource": "invoke"}) == "lambda:invoke"
    arn = "arn:aws:lambda:us-east-1:1:function:f"
    assert resource_of({"resource": arn}) == arn
    assert resource_of(None) == "" and resource_of({"name": "x"}) == ""


def test_jsonata_states_use_testStates_jsonata_names():
    definition = {"QueryLanguage": "JSONata", "StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": {"n": "{% $states.input.n + 1 %}"}},
        "Output": "{% $states.result.Payload %}", "End": True}}}
    machine, ex, rows = _run(None, definition=definition, input={"n": 1},
                             mocks=Mocks.from_lists({"Call": [{"Return": {"Payload": {"ok": True}}}]}))
    assert ex.status == "SUCCEEDED"
    [visit] = visits(machine, rows, "Call")
    assert [(s["key"], s["label"]) for s in visit["stages"]] == [
        ("input", "Input"), ("afterArguments", "After Arguments"), ("result", "Result"), ("output", "Output")]
    stages = {s["key"]: s["value"] for s in visit["stages"]}
    assert stages["afterArguments"] == {"FunctionName": "f", "Payload": {"n": 2}}
    assert stages["output"] == {"ok": True}
