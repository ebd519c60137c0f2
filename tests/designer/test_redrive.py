"""Redrive from the web app: the service (each status it goes on from, each refusal), the REST API
with its roles, and the event log that carries it."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from designer import simulation, timeline
from designer.errors import Forbidden, InvalidInput, NotFound, TooLarge
from designer.models import Execution, ExecutionEvent
from designer.simulation import runner

pytestmark = pytest.mark.django_db

INPUT = {"application": {"id": "a-1", "name": "N", "address": "A", "idDocS3path": "s3://d"}}


def _config(approve: dict) -> dict:
    return {"StateMachines": {"bank": {"TestCases": {"T": {
                "Verify Identity Documents": "Ok", "Check Address": "Ok", "Approve Application": "Approve",
                "Notify Applicant": "Published"}}}},
            "MockedResponses": {"Ok": {"0": {"Return": {"Payload": {"flagged": False, "reason": None}}}},
                                "Approve": approve, "Published": {"0": {"Return": {"MessageId": "m-1"}}}}}


THROWS = {"0": {"Throw": {"Error": "DynamoDB.ProvisionedThroughputExceededException", "Cause": "Slow down"}}}


def _start(users, workflow, approve=THROWS, **kw):
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input=INPUT,
                                              mock_config=_config(approve), mock_test_case="T", seed=3, **kw)
    return execution


def _fresh(execution) -> Execution:
    return Execution.objects.get(pk=execution.pk)


def _to_end(execution):
    """Continue the run as the runner would, batch by batch, until it stops."""
    execution = _fresh(execution)
    if execution.status == "RUNNING" and execution.mode != "continuing":
        simulation.execution_continue(user=execution.started_by, execution=execution)
    for _ in range(100):
        update = runner.execution_advance(execution_id=execution.pk, runner_id="test")
        if update is None or update.stop:
            break
    return _fresh(execution)


def _types(execution, after=0) -> list[str]:
    return list(ExecutionEvent.objects.filter(execution=execution, seq__gt=after).order_by("seq")
                .values_list("type", flat=True))


@pytest.fixture
def failed(users, workflow):
    execution = _to_end(_start(users, workflow))
    assert execution.status == "FAILED" and execution.error == "DynamoDB.ProvisionedThroughputExceededException"
    return execution


# --- the service ----------------------------------------------------------------------------

def test_a_failed_run_redriven_with_a_changed_answer_goes_on_from_the_failed_step_and_succeeds(users, failed):
    before = _types(failed)
    last = failed.last_seq
    assert simulation.execution_state(failed)["redriveStatus"] == "REDRIVABLE"
    update = simulation.redrive_run(execution=failed, user=users["editor"],
                                    mock_override={"state": "Approve Application", "response": {"0": {"Return": {}}}})
    row = _fresh(failed)
    assert row.status == "RUNNING" and row.mode == "continuing" and row.error == "" and row.cause == ""
    assert _types(row)[:len(before)] == before  # the same log, appended to
    new = list(ExecutionEvent.objects.filter(execution=row, seq__gt=last).order_by("seq"))
    assert [e.type for e in new] == ["ExecutionRedriven"]  # the failed step is entered again at the next step
    assert new[0].details == {"redriveCount": 1}
    assert row.current_states == ["Approve Application"]
    frame = json.loads(update.text)
    assert frame["execution"]["status"] == "RUNNING" and frame["execution"]["redriveCount"] == 1
    assert [e["type"] for e in frame["events"]] == ["ExecutionRedriven"]
    record = row.redrives[-1]
    assert record["by"] == "editor" and record["state"] == "Approve Application"
    assert record["response"] == {"0": {"Return": {}}} and record["event"] == last + 1
    # The change is in the run's own mock config, under a name of its own; the old answer stays.
    config = json.loads(row.mock_config_json)
    assert config["StateMachines"]["bank"]["TestCases"]["T"]["Approve Application"] == "Approve Application (changed for redrive)"
    assert config["MockedResponses"]["Approve"] == THROWS
    done = _to_end(row)
    assert done.status == "SUCCEEDED" and done.ended_at is not None
    types = _types(done, last)
    assert types[-1] == "ExecutionSucceeded" and "TaskSucceeded" in types
    assert types.count("TaskStateEntered") == 2  # Approve again, then Notify: nothing before them re-ran
    entered = list(done.events.filter(seq__gt=last, type="TaskStateEntered").order_by("seq").values_list("step", flat=True))
    assert entered == ["Approve Application", "Notify Applicant"]
    assert timeline.colours(done.summary)["Approve Application"] == "succeeded"
    assert simulation.execution_state(done)["redriveStatus"] == "NOT_REDRIVABLE"


def test_redriven_without_a_change_the_mocks_call_numbers_go_on(users, workflow):
    # Call 0 throws, call 1 returns: the redrive's attempt is call 1.
    execution = _to_end(_start(users, workflow, approve={"0": THROWS["0"], "1": {"Return": {}}}))
    assert execution.status == "FAILED"
    simulation.redrive_run(execution=execution, user=users["owner"])
    assert _to_end(execution).status == "SUCCEEDED"
    assert _fresh(execution).redrives[-1]["state"] is None


def test_a_single_answer_is_the_next_calls(users, failed):
    simulation.redrive_run(execution=failed, user=users["owner"],
                           mock_override={"state": "Approve Application", "response": {"Return": {"ok": 1}}})
    assert _fresh(failed).redrives[-1]["response"] == {"0": {"Return": {"ok": 1}}}
    assert _to_end(failed).status == "SUCCEEDED"


def test_a_run_that_fails_again_is_redriven_again_and_counts(users, failed):
    simulation.redrive_run(execution=failed, user=users["owner"])  # call 1: no answer, fails again
    again = _to_end(failed)
    assert again.status == "FAILED" and "No mocked response" in again.cause
    simulation.redrive_run(execution=again, user=users["owner"],
                           mock_override={"state": "Approve Application", "response": {"0": {"Return": {}}}})
    done = _to_end(again)
    assert done.status == "SUCCEEDED"
    assert [e.details["redriveCount"] for e in done.events.filter(type="ExecutionRedriven").order_by("seq")] == [1, 2]
    assert simulation.execution_state(done)["redriveCount"] == 2


def test_an_aborted_run_is_redriven(users, workflow):
    execution = _start(users, workflow, approve={"0": {"Return": {}}}, breakpoints=["Approve Application"])
    execution = _to_end(execution)
    assert execution.status == "RUNNING" and execution.stop_reason == "breakpoint: Approve Application"
    simulation.execution_abort(user=users["owner"], execution=execution)
    assert _fresh(execution).status == "ABORTED"
    simulation.redrive_run(execution=_fresh(execution), user=users["owner"])
    assert _types(execution)[-1] == "ExecutionRedriven"
    assert _to_end(execution).status == "SUCCEEDED"


def test_a_timed_out_run_is_redriven(users, workflow, bank_definition):
    from designer import services

    definition = {**bank_definition, "TimeoutSeconds": 5}
    services.version_create(user=users["owner"], workflow=workflow, definition=definition, base_version=1)
    execution = _to_end(_start(users, workflow, approve={"0": {"Pending": True}, "1": {"Return": {}}}))
    assert execution.status == "TIMED_OUT"
    simulation.redrive_run(execution=execution, user=users["owner"])
    assert _to_end(execution).status == "SUCCEEDED"


def test_a_running_or_succeeded_run_is_refused_with_409(users, workflow):
    running = _start(users, workflow)
    with pytest.raises(simulation.StillRunning) as e:
        simulation.redrive_run(execution=running, user=users["owner"])
    assert e.value.status_code == 409 and e.value.extra["reason"] == "Execution is RUNNING and cannot be redriven."
    done = _to_end(_start(users, workflow, approve={"0": {"Return": {}}}))
    assert done.status == "SUCCEEDED"
    with pytest.raises(simulation.NotRedrivable) as e:
        simulation.redrive_run(execution=done, user=users["owner"])
    assert e.value.extra["reason"] == "Execution is SUCCEEDED and cannot be redriven."
    assert _fresh(done).status == "SUCCEEDED"


def test_after_14_days_the_run_is_not_redrivable(users, failed):
    Execution.objects.filter(pk=failed.pk).update(ended_at=timezone.now() - timedelta(days=14, minutes=1))
    row = _fresh(failed)
    assert simulation.execution_state(row)["redriveStatusReason"] == "Execution redrivable period exceeded."
    with pytest.raises(simulation.NotRedrivable, match="14 days"):
        simulation.redrive_run(execution=row, user=users["owner"])
    Execution.objects.filter(pk=failed.pk).update(ended_at=timezone.now() - timedelta(days=13, hours=23))
    simulation.redrive_run(execution=_fresh(failed), user=users["owner"])
    assert _fresh(failed).status == "RUNNING"


def test_express_and_year_old_runs_are_not_redrivable(users, failed):
    from designer import services

    small = services.workflow_create(owner=users["owner"], name="Small", definition={"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}})
    express, _ = simulation.execution_start(user=users["owner"], workflow=small, workflow_type="EXPRESS")
    express = _to_end(express)
    assert express.status == "FAILED"
    assert simulation.execution_state(express)["redriveStatus"] == "NOT_REDRIVABLE"
    with pytest.raises(simulation.NotRedrivable, match="EXPRESS"):
        simulation.redrive_run(execution=express, user=users["owner"])
    Execution.objects.filter(pk=failed.pk).update(virtual_time=failed.started_at_virtual + 365 * 24 * 3600 * 1000)
    with pytest.raises(simulation.NotRedrivable, match="max execution time"):
        simulation.redrive_run(execution=_fresh(failed), user=users["owner"])


@pytest.mark.parametrize("override, field", [
    ("no", "mock_override"),
    ({"state": "Nowhere", "response": {}}, "mock_override.state"),
    ({"state": "Reject Application", "response": {"0": {"Return": {}}}}, "mock_override.state"),  # a Pass
    ({"state": "Wait For Review", "response": {"0": {"Return": {}}}}, "mock_override.state"),  # answered by hand
    ({"state": "Approve Application", "response": {"zero": {"Return": {}}}}, "mock_override.response"),
    ({"state": "Approve Application", "response": {"0": {"Answer": 1}}}, "mock_override.response"),
    ({"state": "Approve Application", "response": []}, "mock_override.response"),
    ({"state": "Approve Application", "response": {}, "extra": 1}, "mock_override.extra"),
])
def test_a_bad_mocked_answer_is_refused_naming_the_field_and_the_run_is_unchanged(users, failed, override, field):
    with pytest.raises(InvalidInput) as e:
        simulation.redrive_run(execution=failed, user=users["owner"], mock_override=override)
    assert e.value.field == field
    row = _fresh(failed)
    assert row.status == "FAILED" and row.revision == failed.revision and row.mock_config_json == failed.mock_config_json


def test_a_bad_answer_names_the_call_in_its_pointer(users, failed):
    with pytest.raises(InvalidInput) as e:
        simulation.redrive_run(execution=failed, user=users["owner"],
                               mock_override={"state": "Approve Application", "response": {"1-0": {"Return": {}}}})
    assert e.value.pointer == "/1-0"


def test_an_answer_over_256_kib_is_refused(users, failed):
    with pytest.raises(TooLarge):
        simulation.redrive_run(execution=failed, user=users["owner"], mock_override={
            "state": "Approve Application", "response": {"0": {"Return": {"x": "y" * 300_000}}}})


def test_a_run_without_mocks_gets_a_config_of_its_own(users, workflow):
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input=INPUT, seed=1)
    execution = _to_end(execution)
    assert execution.status == "FAILED" and "No mocked response" in execution.cause
    options = simulation.redrive_options(execution=execution)
    assert options["steps"][0] == {"state": "Verify Identity Documents", "response": None, "pointer": None} or \
        options["steps"][0]["state"] in ("Verify Identity Documents", "Check Address")
    failing = options["steps"][0]["state"]
    simulation.redrive_run(execution=execution, user=users["owner"], mock_override={
        "state": failing, "response": {"0": {"Return": {"Payload": {"flagged": False}}}}})
    row = _fresh(execution)
    assert json.loads(row.mock_config_json)["MockedResponses"] == {
        f"{failing} (changed for redrive)": {"0": {"Return": {"Payload": {"flagged": False}}}}}


def test_redrive_options_name_the_failed_step_and_its_answer_now(users, failed):
    options = simulation.redrive_options(execution=failed)
    assert options["redriveStatus"] == "REDRIVABLE"
    assert options["steps"] == [{"state": "Approve Application", "response": THROWS, "pointer": "/MockedResponses/Approve"}]


def test_viewers_and_reviewers_may_not_redrive(users, workflow, failed, django_user_model):
    from designer import services

    with pytest.raises(Forbidden):
        simulation.redrive_run(execution=failed, user=users["viewer"])
    django_user_model.objects.create_user(username="reviewer", password="pw")
    services.membership_set(user=users["owner"], workflow=workflow, username="reviewer", role="reviewer")
    with pytest.raises(Forbidden):
        simulation.redrive_run(execution=failed, user=django_user_model.objects.get(username="reviewer"))
    assert _fresh(failed).status == "FAILED"


# --- the REST API -----------------------------------------------------------------------------

def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_redrive_by_an_editor(users, failed):
    response = _client(users["editor"]).post(f"/api/executions/{failed.pk}/redrive/", {
        "mock_override": {"state": "Approve Application", "response": {"0": {"Return": {}}}}}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "RUNNING" and body["mode"] == "continuing" and body["redriveCount"] == 1
    assert body["redrives"][0]["state"] == "Approve Application"


def test_api_redrive_through_the_control_command(users, failed):
    response = _client(users["owner"]).post(f"/api/executions/{failed.pk}/control/", {"command": "redrive"},
                                            format="json")
    assert response.status_code == 200 and response.json()["status"] == "RUNNING"


@pytest.mark.parametrize("who, code", [("viewer", 403), ("stranger", 404)])
def test_api_redrive_refuses_viewers_and_hides_from_strangers(users, failed, who, code):
    client = _client(users[who])
    assert client.post(f"/api/executions/{failed.pk}/redrive/", {}, format="json").status_code == code
    assert client.get(f"/api/executions/{failed.pk}/redrive/").status_code == (200 if who == "viewer" else 404)
    assert _fresh(failed).status == "FAILED"


def test_api_redrive_errors_are_json_naming_the_reason(users, workflow, failed):
    client = _client(users["owner"])
    bad = client.post(f"/api/executions/{failed.pk}/redrive/",
                      {"mock_override": {"state": "Approve Application", "response": {"x": 1}}}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "mock_override.response"
    assert client.post(f"/api/executions/{failed.pk}/redrive/", {"nope": 1}, format="json").json()["field"] == "nope"
    assert client.post(f"/api/executions/{failed.pk}/redrive/", [1], format="json").status_code == 400
    running = _start(users, workflow)
    conflict = client.post(f"/api/executions/{running.pk}/redrive/", {}, format="json")
    assert conflict.status_code == 409 and conflict.json()["error"] == "still_running"
    client.post(f"/api/executions/{failed.pk}/redrive/", {}, format="json")
    again = client.post(f"/api/executions/{failed.pk}/redrive/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"] == "still_running"


def test_api_redrive_options(users, failed):
    body = _client(users["viewer"]).get(f"/api/executions/{failed.pk}/redrive/").json()
    assert body["redriveStatus"] == "REDRIVABLE" and body["steps"][0]["state"] == "Approve Application"


def test_the_run_page_offers_redrive_to_editors_only(client, users, failed):
    client.force_login(users["editor"])
    html = client.get(f"/executions/{failed.pk}/").content.decode()
    assert 'id="btn-redrive"' in html and "Run again from the step that failed" in html
    assert "DynamoDB.ProvisionedThroughputExceededException" in html  # the answer now, prefilled
    client.force_login(users["viewer"])
    html = client.get(f"/executions/{failed.pk}/").content.decode()
    assert 'id="redrive-form"' in html and 'id="redrive-form" class="stack"\n            hidden' in html


def test_the_page_form_without_javascript_redrives(client, users, failed):
    client.force_login(users["owner"])
    response = client.post(f"/executions/{failed.pk}/control/", {
        "command": "redrive", "redrive_state": "Approve Application", "redrive_response": '{"0": {"Return": {}}}'})
    assert response.status_code == 302
    row = _fresh(failed)
    assert row.status == "RUNNING" and row.redrives[-1]["state"] == "Approve Application"


def test_a_changed_answer_keeps_the_runs_policy_for_steps_nobody_mocked(users, workflow,
                                                                       django_capture_on_commit_callbacks):
    config = _config(THROWS)
    del config["StateMachines"]["bank"]["TestCases"]["T"]["Notify Applicant"]
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input=INPUT, mock_config=config,
                                              mock_test_case="T", seed=3, unmocked="empty")
    assert _to_end(execution).status == "FAILED"
    # Committed as in the server: the next batch goes on with the interpreter the redrive left.
    with django_capture_on_commit_callbacks(execute=True):
        simulation.redrive_run(execution=_fresh(execution), user=users["owner"],
                               mock_override={"state": "Approve Application", "response": {"0": {"Return": {}}}})
    assert _to_end(execution).status == "SUCCEEDED"  # Notify Applicant, unmocked, still answers {}


def test_the_page_form_without_javascript_leaves_an_unchanged_answer_alone(client, users, workflow):
    execution = _to_end(_start(users, workflow, approve={"0": THROWS["0"], "1": {"Return": {}}}))
    client.force_login(users["owner"])
    client.post(f"/executions/{execution.pk}/control/", {
        "command": "redrive", "redrive_state": "Approve Application",
        "redrive_response": json.dumps({"0": THROWS["0"], "1": {"Return": {}}})})
    row = _fresh(execution)
    assert row.status == "RUNNING" and row.redrives[-1]["state"] is None and row.mock_config_json == execution.mock_config_json
    assert _to_end(row).status == "SUCCEEDED"  # call numbers went on: call 1 answers
