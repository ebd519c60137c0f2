"""Simulated runs through the services: start, step, continue, breakpoints, callbacks, abort,
restarts (the snapshot alone), and the event log as the one truth."""
from __future__ import annotations

import json
import time

import pytest

from designer import simulation, timeline
from designer.samples import SAMPLES_DIR
from designer.simulation import engine, runner
from designer.errors import Forbidden, InvalidInput
from designer.models import Execution, ExecutionEvent, TestCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def mocks_config(bank_definition):
    from pathlib import Path
    return json.loads((SAMPLES_DIR / "account-application.mocks.json").read_text())


@pytest.fixture
def flagged(users, workflow, mocks_config):
    from pathlib import Path
    sample_input = json.loads((SAMPLES_DIR / "account-application.input.json").read_text())
    return simulation.test_case_create(user=users["owner"], workflow=workflow, name="FlaggedAddressApprovedByReviewer",
                                       input=sample_input, mock_config=mocks_config)


def _start(users, workflow, tc, **kw):
    execution, update = simulation.execution_start(user=users["owner"], workflow=workflow, test_case_id=tc.pk, seed=7, **kw)
    return execution, update


def _fresh(execution) -> Execution:
    return Execution.objects.get(pk=execution.pk)


def _continue_to_stop(execution):
    if _fresh(execution).status != "RUNNING":
        return []
    simulation.execution_continue(user=execution.started_by, execution=execution)
    updates = []
    while True:
        update = runner.execution_advance(execution_id=execution.pk, runner_id="test")
        if update is None:
            break
        updates.append(update)
        if update.stop:
            break
    return updates


def _steps_until(users, execution, predicate, limit=100):
    for _ in range(limit):
        execution = _fresh(execution)
        if predicate(execution):
            return execution
        simulation.execution_step(user=users["owner"], execution=execution)
    raise AssertionError("never got there")


def test_start_records_the_first_event_and_snapshot(users, workflow, flagged):
    execution, update = _start(users, workflow, flagged)
    execution = _fresh(execution)
    assert execution.status == "RUNNING" and execution.mode == "paused"
    assert list(execution.events.values_list("seq", "type")) == [(1, "ExecutionStarted")]
    assert execution.last_seq == 1 and update.first == 1 and update.last == 1
    frame = json.loads(update.text)
    assert frame["events"][0]["type"] == "ExecutionStarted" and frame["execution"]["revision"] == execution.revision
    assert execution.current_states == ["Perform Automated Checks"]


def test_manual_callbacks_make_the_flagged_case_wait_for_review(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    updates = _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "RUNNING" and execution.mode == "paused"
    assert execution.stop_reason == "waiting for a callback"
    assert execution.waiting["reason"] == "callback"
    assert list(execution.waiting["tokens"].values()) == ["Wait For Review"]
    colours = timeline.colours(execution.summary)
    assert colours["Wait For Review"] == "waiting"
    assert colours["Check Address"] == "succeeded" and colours["Perform Automated Checks"] == "succeeded"
    # the virtual clock did not jump to the review's week-long timeout
    assert execution.virtual_time - execution.started_at_virtual < 1000
    seqs = [e["id"] for u in updates for e in json.loads(u.text)["events"]]
    assert seqs == list(range(2, execution.last_seq + 1))


def test_mocked_callbacks_run_straight_through(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged, manual_callbacks=False)
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "SUCCEEDED" and execution.output["reviewDecision"]["approved"] is True


def test_answering_the_callback_completes_the_run(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    token = next(iter(execution.waiting["tokens"]))
    with pytest.raises(InvalidInput) as bad:
        simulation.execution_send_task_success(user=users["owner"], execution=execution, token="nope", output={})
    assert bad.value.field == "token"
    with pytest.raises(Forbidden):
        simulation.execution_send_task_success(user=users["viewer"], execution=execution, token=token, output={})
    simulation.execution_send_task_success(user=users["editor"], execution=execution, token=token,
                                           output={"approved": True, "reviewer": "me"})
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "SUCCEEDED", execution.error
    assert execution.output["reviewDecision"] == {"approved": True, "reviewer": "me"}
    assert timeline.colours(execution.summary)["Approve Application"] == "succeeded"
    assert "Reject Application" not in execution.summary["states"]


def test_task_failure_answer_fails_the_run(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    token = next(iter(execution.waiting["tokens"]))
    simulation.execution_send_task_failure(user=users["owner"], execution=execution, token=token,
                                           error="Rejected", cause="Address is a mailbox")
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "FAILED" and execution.error == "Rejected"
    assert timeline.colours(execution.summary)["Wait For Review"] == "failed"


def test_breakpoint_stops_a_continuing_run_before_the_state(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged, manual_callbacks=False, breakpoints=["Approve Application"])
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.stop_reason == "breakpoint: Approve Application"
    assert "Approve Application" not in execution.summary["states"]
    assert execution.current_states == ["Approve Application"]
    # continuing again goes past the breakpoint it stands at
    _continue_to_stop(execution)
    assert _fresh(execution).status == "SUCCEEDED"


def test_breakpoint_at_a_batch_boundary_still_stops(users, workflow, flagged, monkeypatch):
    monkeypatch.setattr(runner, "BATCH_TRANSITIONS", 1)
    execution, _ = _start(users, workflow, flagged, manual_callbacks=False, breakpoints=["Notify Applicant"])
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.stop_reason == "breakpoint: Notify Applicant"
    assert "Notify Applicant" not in execution.summary["states"]


def test_step_is_one_transition_and_pauses(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    update = simulation.execution_step(user=users["owner"], execution=execution)
    types = [e["type"] for e in json.loads(update.text)["events"]]
    assert types == ["ParallelStateEntered", "ParallelStateStarted"]
    assert _fresh(execution).mode == "paused"


def test_restart_resumes_from_the_snapshot_alone(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    _continue_to_stop(_fresh(execution))
    simulation.forget(execution.pk)  # what a new server process knows: the database only
    engine._machines.clear()
    execution = _fresh(execution)
    token = next(iter(execution.waiting["tokens"]))
    simulation.execution_send_task_success(user=users["owner"], execution=execution, token=token,
                                           output={"approved": False})
    simulation.forget(execution.pk)
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "SUCCEEDED"
    assert execution.output["decision"] == {"status": "REJECTED"}
    # ids are contiguous and steps were found across the restart
    seqs = list(execution.events.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert execution.events.get(type="TaskSucceeded", step="Wait For Review")


def test_replaying_the_log_gives_the_stored_summary(users, workflow, flagged):
    """Zulip's rule: state = initial data + applied events; a fresh fold equals the incremental one."""
    execution, _ = _start(users, workflow, flagged, manual_callbacks=False)
    for _ in range(6):
        simulation.execution_step(user=users["owner"], execution=_fresh(execution))
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    rows = [timeline.event_row(e) for e in execution.events.order_by("seq")]
    assert timeline.fold({}, rows) == execution.summary
    assert execution.status == "SUCCEEDED"


def test_retries_are_coloured_and_counted(users, workflow, mocks_config):
    tc = simulation.test_case_create(user=users["owner"], workflow=workflow, name="IdentityServiceThrottledThenOk",
                                     input={"application": {"id": "a", "name": "n", "address": "x", "idDocS3path": "s3://x"}},
                                     mock_config=mocks_config)
    execution, _ = _start(users, workflow, tc)
    seen = set()
    while _fresh(execution).status == "RUNNING":
        simulation.execution_step(user=users["owner"], execution=_fresh(execution))
        fresh = _fresh(execution)
        seen.add(timeline.colours(fresh.summary, fresh.current_states).get("Verify Identity Documents"))
    assert "retrying" in seen and "failed" not in seen  # every failure here is retried
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.summary["states"]["Verify Identity Documents"]["retries"] == 2
    assert timeline.colours(execution.summary)["Verify Identity Documents"] == "succeeded"


def test_caught_errors_are_coloured_caught(users, workflow, mocks_config):
    config = json.loads(json.dumps(mocks_config))
    config["MockedResponses"]["Broken"] = {"0": {"Throw": {"Error": "Boom", "Cause": "down"}}}
    config["StateMachines"]["account-application"]["TestCases"]["Broken"] = {
        "Verify Identity Documents": "Broken", "Check Address": "AddressOk"}
    tc = simulation.test_case_create(user=users["owner"], workflow=workflow, name="Broken", input={
        "application": {"id": "a", "name": "n", "address": "x", "idDocS3path": "s3://x"}}, mock_config=config)
    execution, _ = _start(users, workflow, tc)
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    colours = timeline.colours(execution.summary)
    assert execution.status == "FAILED" and execution.error == "ChecksFailed"
    assert colours["Perform Automated Checks"] == "caught"
    assert colours["Verify Identity Documents"] == "failed"
    assert colours["Checks Could Not Run"] == "failed"


def test_abort(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    _continue_to_stop(_fresh(execution))
    simulation.execution_abort(user=users["editor"], execution=_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "ABORTED" and execution.events.last().type == "ExecutionAborted"
    assert timeline.colours(execution.summary)["Wait For Review"] == "aborted"
    with pytest.raises(simulation.NotRunning):
        simulation.execution_step(user=users["owner"], execution=execution)


def test_settings_are_checked(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    for kwargs, field in (({"breakpoints": ["Nope"]}, "breakpoints"), ({"breakpoints": "x"}, "breakpoints")):
        with pytest.raises(InvalidInput) as exc:
            simulation.execution_set_breakpoints(user=users["owner"], execution=execution, **kwargs)
        assert exc.value.field == field
    for speed in (-1, 10**9, "fast", True, float("nan")):
        with pytest.raises(InvalidInput):
            simulation.execution_set_speed(user=users["owner"], execution=execution, speed=speed)
    simulation.execution_set_speed(user=users["owner"], execution=execution, speed=20)
    simulation.execution_set_breakpoints(user=users["owner"], execution=execution, breakpoints=["Wait For Review"])
    execution = _fresh(execution)
    assert execution.speed == 20 and execution.breakpoints == ["Wait For Review"]
    with pytest.raises(Forbidden):
        simulation.execution_set_speed(user=users["viewer"], execution=execution, speed=1)


def test_paced_batches_are_one_transition(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged, speed=20)
    simulation.execution_continue(user=users["owner"], execution=_fresh(execution))
    update = runner.execution_advance(execution_id=execution.pk, runner_id="r")
    assert [e["type"] for e in json.loads(update.text)["events"]] == ["ParallelStateEntered", "ParallelStateStarted"]


def test_lease_keeps_a_second_runner_out(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged, speed=20)
    simulation.execution_continue(user=users["owner"], execution=_fresh(execution))
    assert runner.execution_advance(execution_id=execution.pk, runner_id="A") is not None
    assert runner.execution_advance(execution_id=execution.pk, runner_id="B") is None
    # a stale lease is taken over (its process is gone)
    from datetime import timedelta
    from django.utils import timezone
    Execution.objects.filter(pk=execution.pk).update(runner_heartbeat=timezone.now() - timedelta(seconds=10))
    assert runner.execution_advance(execution_id=execution.pk, runner_id="B") is not None
    assert _fresh(execution).runner_id == "B"


def test_invalid_mock_config_names_the_field(users, workflow):
    with pytest.raises(InvalidInput) as exc:
        simulation.test_case_create(user=users["owner"], workflow=workflow, name="x",
                                    mock_config={"StateMachines": {"m": {"TestCases": {"x": {"S": "missing"}}}}})
    assert exc.value.field == "mock_config" and exc.value.pointer
    with pytest.raises(Forbidden):
        simulation.test_case_create(user=users["viewer"], workflow=workflow, name="y")


def test_load_samples_creates_the_bank_test_cases(db):
    from designer.samples import samples_load

    user, _ = samples_load()
    samples_load()  # idempotent
    names = set(TestCase.objects.filter(workflow__name="Bank account application").values_list("name", flat=True))
    assert {"CleanApplication", "FlaggedAddressApprovedByReviewer", "IdentityServiceThrottledThenOk"} <= names


@pytest.mark.django_db(transaction=True)
def test_two_writers_serialise_on_the_row_lock(users, workflow, flagged):
    """Threads stepping the same run at once never reuse an event number or lose one."""
    import threading
    from django.db import connection

    execution, _ = _start(users, workflow, flagged, manual_callbacks=False)
    errors = []

    def stepper():
        try:
            for _ in range(4):
                try:
                    simulation.execution_step(user=users["owner"], execution=Execution.objects.get(pk=execution.pk))
                except simulation.NotRunning:
                    return
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        finally:
            connection.close()

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite is one connection")
    threads = [threading.Thread(target=stepper) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(ExecutionEvent.objects.filter(execution=execution).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    prevs = list(ExecutionEvent.objects.filter(execution=execution).values_list("previous_event_id", flat=True))
    assert all(p < s for p, s in zip(prevs, seqs))


def test_stepping_does_not_time_out_a_waiting_review_by_accident(users, workflow, flagged):
    execution, _ = _start(users, workflow, flagged)
    _continue_to_stop(_fresh(execution))
    with pytest.raises(simulation.NothingToDo) as exc:
        simulation.execution_step(user=users["owner"], execution=_fresh(execution))
    assert "Wait For Review" in exc.value.message
    # on purpose: the week-long timeout fires on the virtual clock and the Catch rejects
    simulation.execution_step(user=users["owner"], execution=_fresh(execution), let_time_pass=True)
    execution = _fresh(execution)
    assert execution.virtual_time - execution.started_at_virtual == 604800 * 1000
    assert execution.events.filter(type="TaskTimedOut", step="Wait For Review").exists()
    assert timeline.colours(execution.summary, execution.current_states)["Wait For Review"] == "caught"


def test_every_sample_test_case_runs_and_its_log_replays_to_the_stored_summary(db):
    """All shipped samples, every mock test case, with mocked callbacks: each run ends, every
    state event has a step, and a fresh fold of the log equals what the writes folded."""
    from designer.samples import samples_load

    demo, _ = samples_load()
    cases = list(TestCase.objects.select_related("workflow"))
    assert len(cases) >= 3
    for tc in cases:
        execution, _ = simulation.execution_start(user=demo, workflow=tc.workflow, test_case_id=tc.pk,
                                                  manual_callbacks=False, seed=11)
        simulation.execution_continue(user=demo, execution=execution)
        while runner.execution_advance(execution_id=execution.pk, runner_id="t") is not None:
            pass
        execution = _fresh(execution)
        assert execution.status != "RUNNING", (tc.name, execution.stop_reason)
        rows = [timeline.event_row(e) for e in execution.events.order_by("seq")]
        assert timeline.fold({}, rows) == execution.summary, tc.name
        assert all(r["step"] for r in rows if not r["type"].startswith("Execution")), tc.name


def test_a_run_paused_inside_a_long_wait_resumes_after_a_restart(users):
    from designer import services

    wf = services.workflow_create(owner=users["owner"], name="Cooling off", definition={
        "StartAt": "Cool off", "States": {
            "Cool off": {"Type": "Wait", "Seconds": 30 * 86400, "Next": "Done"},
            "Done": {"Type": "Succeed"}}})
    execution, _ = simulation.execution_start(user=users["owner"], workflow=wf, input={"x": 1})
    simulation.execution_step(user=users["owner"], execution=execution)  # enters the Wait, sleeps
    execution = _fresh(execution)
    assert execution.waiting["reason"] == "timer"
    assert timeline.colours(execution.summary)["Cool off"] == "waiting"
    simulation.forget(execution.pk)  # a new process: the row is all there is
    engine._machines.clear()
    _continue_to_stop(execution)
    execution = _fresh(execution)
    assert execution.status == "SUCCEEDED" and execution.output == {"x": 1}
    assert execution.virtual_time - execution.started_at_virtual == 30 * 86400 * 1000
    assert timeline.colours(execution.summary) == {"Cool off": "succeeded", "Done": "succeeded"}


def test_a_distributed_map_childs_review_is_answered_through_the_run_after_a_restart(users):
    from designer import services

    wf = services.workflow_create(owner=users["owner"], name="Review each claim", definition={
        "StartAt": "Each claim", "States": {"Each claim": {
            "Type": "Map", "End": True, "ItemsPath": "$.claims",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "Ask a reviewer", "States": {"Ask a reviewer": {
                                  "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                  "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"},
                                  "End": True}}}}}})
    execution, _ = simulation.execution_start(user=users["owner"], workflow=wf, input={"claims": [1, 2]}, seed=3)
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "RUNNING" and execution.waiting["reason"] == "callback"
    assert sorted(execution.waiting["tokens"].values()) == ["Ask a reviewer", "Ask a reviewer"]
    for n, token in enumerate(execution.waiting["tokens"]):
        simulation.forget(execution.pk)  # a new process each time: the row holds the children too
        engine._machines.clear()
        simulation.execution_send_task_success(user=users["owner"], execution=_fresh(execution), token=token,
                                               output={"claim": n})
    _continue_to_stop(_fresh(execution))
    execution = _fresh(execution)
    assert execution.status == "SUCCEEDED", execution.error
    assert sorted(o["claim"] for o in execution.output) == [0, 1]
    assert [t for t in execution.events.values_list("type", flat=True)][-3:] == [
        "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
