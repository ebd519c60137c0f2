"""Simulating without JSON through the API: the proposed starting input with the glossary's
names, and runs whose unmocked Tasks answer as chosen, a setting kept with the run so that a
runner restoring it from the database answers the same way."""
from __future__ import annotations

import pytest

from designer import services
from designer.simulation import engine

pytestmark = pytest.mark.django_db

DEFINITION = {"StartAt": "Check", "States": {
    "Check": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "check", "Payload": {"amount.$": "$.order.amount"}},
              "ResultSelector": {"ok.$": "$.Payload.approved"}, "ResultPath": "$.check", "Next": "Approved?"},
    "Approved?": {"Type": "Choice", "Choices": [
        {"Variable": "$.check.ok", "BooleanEquals": True, "Next": "Big?"}], "Default": "Rejected"},
    "Big?": {"Type": "Choice", "Choices": [
        {"Variable": "$.order.amount", "NumericGreaterThan": 500, "Next": "Rejected"}], "Default": "Ship"},
    "Ship": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
             "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:ship", "Message.$": "$.order.id"},
             "Next": "Done"},
    "Done": {"Type": "Succeed"},
    "Rejected": {"Type": "Fail", "Error": "Rejected"}}}


@pytest.fixture
def shop(users):
    wf = services.workflow_create(owner=users["owner"], name="Shop", definition=DEFINITION)
    services.membership_set(user=users["owner"], workflow=wf, username="viewer", role="viewer")
    return wf


def test_proposed_input_fields_carry_the_glossarys_names_and_types(shop, client_for):
    owner = client_for("owner")
    named = owner.put(f"/api/workflows/{shop.pk}/glossary/", {"terms": {"$.order.amount": "the order's value"}},
                      format="json")
    assert named.status_code == 200
    answer = owner.get(f"/api/workflows/{shop.pk}/proposed-input/")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    fields = {f["path"]: f for f in body["fields"]}
    assert fields["$.order.amount"]["name"] == "the order's value" and fields["$.order.amount"]["named"]
    assert fields["$.order.amount"]["type"] == "number" and fields["$.order.amount"]["value"] <= 500
    assert fields["$.order.id"]["name"] == "order id" and not fields["$.order.id"]["named"]
    assert body["reached"] and body["ending"] == "succeeded" and body["endState"] == "Done"
    assert body["input"] == {"order": {"amount": 1, "id": "order-1"}}
    # a viewer may read it; strangers and bad parameters are refused with JSON
    assert client_for("viewer").get(f"/api/workflows/{shop.pk}/proposed-input/").status_code == 200
    assert client_for("stranger").get(f"/api/workflows/{shop.pk}/proposed-input/").status_code in (403, 404)
    bad = owner.get(f"/api/workflows/{shop.pk}/proposed-input/?unmocked=sometimes")
    assert bad.status_code == 400 and "unmocked" in bad.json()["detail"] + str(bad.json())
    assert owner.get(f"/api/workflows/{shop.pk}/proposed-input/?version=x").status_code == 400


def test_a_run_answers_unmocked_tasks_as_chosen_even_after_a_restore(shop, client_for):
    owner = client_for("owner")
    data = owner.get(f"/api/workflows/{shop.pk}/proposed-input/").json()["input"]
    started = owner.post(f"/api/workflows/{shop.pk}/executions/", {"input": data, "unmocked": "return_input"},
                         format="json")
    assert started.status_code == 201, started.content
    run = started.json()
    assert run["unmocked"] == "return_input"
    owner.post(f"/api/executions/{run['id']}/control/", {"command": "step"}, format="json")
    engine.forget(run["id"])  # the next step restores the run from the database, as a new runner does
    for _ in range(20):
        detail = owner.get(f"/api/executions/{run['id']}/").json()
        if detail["status"] != "RUNNING":
            break
        owner.post(f"/api/executions/{run['id']}/control/", {"command": "step"}, format="json")
        engine.forget(run["id"])
    assert detail["status"] == "SUCCEEDED", detail


def test_ask_waits_in_the_callback_panel_and_fail_stops(shop, client_for):
    owner = client_for("owner")
    data = {"order": {"amount": 3, "id": "o-9"}}
    asked = owner.post(f"/api/workflows/{shop.pk}/executions/", {"input": data, "unmocked": "ask"},
                       format="json").json()
    for _ in range(3):
        owner.post(f"/api/executions/{asked['id']}/control/", {"command": "step"}, format="json")
    detail = owner.get(f"/api/executions/{asked['id']}/").json()
    assert detail["status"] == "RUNNING" and detail["waiting"]["reason"] == "callback", detail["waiting"]
    failed = owner.post(f"/api/workflows/{shop.pk}/executions/", {"input": data}, format="json").json()
    assert failed["unmocked"] == "fail"
    for _ in range(3):
        owner.post(f"/api/executions/{failed['id']}/control/", {"command": "step"}, format="json")
    detail = owner.get(f"/api/executions/{failed['id']}/").json()
    assert detail["status"] == "FAILED" and detail["error"] == "States.Runtime"
    refused = owner.post(f"/api/workflows/{shop.pk}/executions/", {"input": data, "unmocked": "maybe"}, format="json")
    assert refused.status_code == 400
