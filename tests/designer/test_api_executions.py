"""The REST API for runs and test cases: permissions, 4xx JSON naming the field, export shape."""
from __future__ import annotations

import json

import pytest

from designer import simulation
from designer.samples import SAMPLES_DIR

pytestmark = pytest.mark.django_db
SAMPLES = SAMPLES_DIR


@pytest.fixture
def config():
    return json.loads((SAMPLES / "account-application.mocks.json").read_text())


@pytest.fixture
def sample_input():
    return json.loads((SAMPLES / "account-application.input.json").read_text())


@pytest.fixture
def test_case(client_for, workflow, config, sample_input):
    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/test-cases/", {
        "name": "FlaggedAddressApprovedByReviewer", "input": sample_input, "mock_config": config}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _start(client, workflow, **body):
    return client.post(f"/api/workflows/{workflow.pk}/executions/", body, format="json")


def _control(client, execution_id, **body):
    return client.post(f"/api/executions/{execution_id}/control/", body, format="json")


def test_test_cases_crud_and_permissions(client_for, workflow, test_case, config):
    assert [tc["name"] for tc in client_for("viewer").get(f"/api/workflows/{workflow.pk}/test-cases/").json()] == \
        ["FlaggedAddressApprovedByReviewer"]
    viewer = client_for("viewer").post(f"/api/workflows/{workflow.pk}/test-cases/", {"name": "x"}, format="json")
    assert viewer.status_code == 403 and viewer.json()["error"] == "forbidden"
    dup = client_for("editor").post(f"/api/workflows/{workflow.pk}/test-cases/",
                                    {"name": "FlaggedAddressApprovedByReviewer"}, format="json")
    assert dup.status_code == 400 and dup.json()["field"] == "name"
    bad = client_for("editor").post(f"/api/workflows/{workflow.pk}/test-cases/",
                                    {"name": "bad", "mock_config": [1]}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "mock_config"
    unknown = client_for("editor").post(f"/api/workflows/{workflow.pk}/test-cases/",
                                        {"name": "NoSuchCase", "mock_config": config}, format="json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "mock_config" and "pointer" in unknown.json()
    assert client_for("stranger").get(f"/api/workflows/{workflow.pk}/test-cases/").status_code == 404
    url = f"/api/workflows/{workflow.pk}/test-cases/{test_case['id']}/"
    assert client_for("viewer").delete(url).status_code == 403
    assert client_for("editor").delete(url).status_code == 204
    assert client_for("editor").get(url).status_code == 404


def test_start_and_watch_a_run_over_rest(client_for, workflow, test_case):
    owner = client_for("owner")
    started = _start(owner, workflow, test_case=test_case["id"], seed=5)
    assert started.status_code == 201, started.json()
    run = started.json()
    assert run["status"] == "RUNNING" and run["manualCallbacks"] is True and run["lastSeq"] == 1
    assert run["websocket"] == f"/ws/executions/{run['id']}/"
    assert [r["id"] for r in owner.get(f"/api/workflows/{workflow.pk}/executions/").json()] == [run["id"]]

    for _ in range(30):
        response = _control(owner, run["id"], command="step")
        if response.status_code == 409:
            assert response.json()["error"] == "nothing_to_do" and "Wait For Review" in response.json()["detail"]
            break
        assert response.status_code == 200, response.json()
    detail = client_for("viewer").get(f"/api/executions/{run['id']}/").json()
    assert detail["waiting"]["reason"] == "callback" and detail["states"]["Wait For Review"] == "waiting"
    token = next(iter(detail["waiting"]["tokens"]))

    assert _control(client_for("viewer"), run["id"], command="send_task_success", token=token, output={}).status_code == 403
    answer = _control(owner, run["id"], command="send_task_success", token=token, output={"approved": True})
    assert answer.status_code == 200
    while owner.get(f"/api/executions/{run['id']}/").json()["status"] == "RUNNING":
        assert _control(owner, run["id"], command="step").status_code == 200
    detail = owner.get(f"/api/executions/{run['id']}/").json()
    assert detail["status"] == "SUCCEEDED" and detail["output"]["reviewDecision"] == {"approved": True}

    page = owner.get(f"/api/executions/{run['id']}/events/?after=3&limit=5").json()
    assert [e["id"] for e in page["events"]] == [4, 5, 6, 7, 8] and page["more"] is True
    everything = owner.get(f"/api/executions/{run['id']}/events/").json()
    assert [e["id"] for e in everything["events"]] == list(range(1, detail["lastSeq"] + 1))

    export = client_for("viewer").get(f"/api/executions/{run['id']}/export/")
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    history = json.loads(export.content)["events"]
    assert history[0]["type"] == "ExecutionStarted" and history[0]["previousEventId"] == 0
    assert json.loads(history[0]["executionStartedEventDetails"]["input"])["application"]["id"] == "app-1042"
    assert {"id", "previousEventId", "timestamp", "type"} <= set(history[5])
    assert history[-1]["type"] == "ExecutionSucceeded"

    flow = owner.get(f"/api/executions/{run['id']}/dataflow/", {"state": "Wait For Review"}).json()
    stages = {s["key"]: s["value"] for s in flow["visits"][0]["stages"]}
    assert stages["afterParameters"]["Payload"]["taskToken"] == token
    assert stages["result"] == {"approved": True}
    assert stages["afterResultPath"]["reviewDecision"] == {"approved": True}


def test_control_errors_are_4xx_json_naming_the_field(client_for, workflow, test_case):
    owner = client_for("owner")
    run = _start(owner, workflow, test_case=test_case["id"]).json()
    cases = [
        ({"command": "fly"}, 400, "command"),
        ({}, 400, "command"),
        ({"command": "set_speed"}, 400, "speed"),
        ({"command": "set_speed", "speed": 5000}, 400, "speed"),
        ({"command": "set_breakpoints", "breakpoints": ["Nope"]}, 400, "breakpoints"),
        ({"command": "send_task_success", "token": "t"}, 400, "output"),
        ({"command": "send_task_success", "token": "t", "output": 1}, 400, "token"),
        ({"command": "step", "let_time_pass": "yes"}, 400, "let_time_pass"),
    ]
    for body, status, field in cases:
        response = _control(owner, run["id"], **body)
        assert response.status_code == status, (body, response.content)
        assert response.json().get("field") == field, (body, response.json())
    response = owner.post(f"/api/executions/{run['id']}/control/", "not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]
    response = owner.post(f"/api/executions/{run['id']}/control/", [1, 2], format="json")
    assert response.status_code == 400 and response.json()["field"] == "command"
    assert _control(client_for("stranger"), run["id"], command="step").status_code == 404
    assert client_for("stranger").get(f"/api/executions/{run['id']}/").status_code == 404
    assert client_for(None).get(f"/api/executions/{run['id']}/").status_code in (401, 403)
    assert owner.get(f"/api/executions/{run['id']}/events/?after=x").json()["field"] == "after"
    assert owner.get(f"/api/executions/{run['id']}/dataflow/").json()["field"] == "state"
    assert owner.get(f"/api/executions/{run['id']}/dataflow/?state=Nope").json()["field"] == "state"
    assert owner.get("/api/executions/999999/").status_code == 404
    _control(owner, run["id"], command="abort")
    ended = _control(owner, run["id"], command="step")
    assert ended.status_code == 409 and ended.json()["error"] == "not_running"


def test_start_errors_are_4xx_json(client_for, workflow, users):
    from designer import services

    assert _start(client_for("viewer"), workflow).status_code == 403
    assert _start(client_for("stranger"), workflow).status_code == 404
    for body, field in (({"test_case": 999}, "test_case"), ({"version": 99}, None), ({"speed": -1}, "speed"),
                        ({"breakpoints": ["Nope"]}, "breakpoints"), ({"mock_config": [1]}, "mock_config"),
                        ({"manual_callbacks": "maybe"}, "manual_callbacks"),
                        ({"mock_config": {"StateMachines": {}}, "mock_test_case": "x"}, "mock_config")):
        response = _start(client_for("editor"), workflow, **body)
        assert 400 <= response.status_code < 500, (body, response.content)
        if field:
            assert response.json().get("field") == field, (body, response.json())
    broken = services.workflow_create(owner=users["owner"], name="Broken", definition={
        "StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}})
    response = _start(client_for("owner"), broken)
    assert response.status_code == 400 and response.json()["field"] == "version" and "pointer" in response.json()


@pytest.mark.django_db(transaction=True)
def test_continue_over_rest_runs_to_the_end_in_the_background(client_for, workflow, test_case, settings):
    import time

    owner = client_for("owner")
    run = _start(owner, workflow, test_case=test_case["id"], manual_callbacks=False).json()
    assert _control(owner, run["id"], command="continue").status_code == 200
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        detail = owner.get(f"/api/executions/{run['id']}/").json()
        if detail["status"] != "RUNNING":
            break
        time.sleep(0.05)
    assert detail["status"] == "SUCCEEDED" and detail["mode"] == "paused"


def test_execution_page_and_simulate_form(client, users, workflow, test_case):
    client.force_login(users["editor"])
    editor_html = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert 'id="simulate-form"' in editor_html and "FlaggedAddressApprovedByReviewer" in editor_html
    response = client.post(f"/workflows/{workflow.pk}/simulate/", {"test_case": test_case["id"], "input": "",
                                                                   "manual_callbacks": "on"})
    assert response.status_code == 302 and "/executions/" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert 'id="page-data"' in html and 'data-state="Wait For Review"' in html and "ExecutionStarted" in html
    bad = client.post(f"/workflows/{workflow.pk}/simulate/", {"input": "{nope"})
    assert bad.status_code == 302 and bad["Location"].endswith(f"/workflows/{workflow.pk}/")
    client.force_login(users["viewer"])
    assert 'id="simulate-form"' not in client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert client.post(f"/workflows/{workflow.pk}/simulate/", {}).status_code == 302
    client.force_login(users["stranger"])
    assert client.get(response["Location"]).status_code == 404


def test_user_text_is_escaped_on_the_execution_page(client, users):
    from designer import services

    evil = "</script><script>alert(1)</script>"
    wf = services.workflow_create(owner=users["owner"], name=evil, definition={
        "StartAt": evil, "States": {evil: {"Type": "Pass", "End": True}}})
    execution, _ = simulation.execution_start(user=users["owner"], workflow=wf, input={"x": evil})
    simulation.execution_step(user=users["owner"], execution=execution)
    client.force_login(users["owner"])
    html = client.get(f"/executions/{execution.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_saving_a_test_case_from_the_editor(client, users, workflow, config):
    from designer.models import TestCase

    client.force_login(users["editor"])
    response = client.post(f"/workflows/{workflow.pk}/test-cases/", {
        "name": "From the page", "input": '{"application": {"id": "x"}}', "mock_config": json.dumps(config),
        "mock_test_case": "CleanApplication"})
    assert response.status_code == 302
    tc = TestCase.objects.get(workflow=workflow, name="From the page")
    assert tc.input == {"application": {"id": "x"}} and tc.mock_test_case == "CleanApplication"
    assert "From the page" in client.get(f"/workflows/{workflow.pk}/").content.decode()
    bad = client.post(f"/workflows/{workflow.pk}/test-cases/", {"name": "Bad", "mock_config": "{oops"}, follow=True)
    assert "The mock config is not JSON" in bad.content.decode()
    assert not TestCase.objects.filter(name="Bad").exists()
    client.force_login(users["viewer"])
    client.post(f"/workflows/{workflow.pk}/test-cases/", {"name": "Viewer's"})
    assert not TestCase.objects.filter(name="Viewer's").exists()
