"""AWS's quotas and Statewise's bounds through the REST API: 4xx JSON naming the bound, before
anything starts, and runs that end as AWS ends them."""
from __future__ import annotations

import json
import time

import pytest

pytestmark = pytest.mark.django_db

LOOP = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": 20000, "Next": "Inc"}],
              "Default": "Done"},
    "Inc": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}}


def _workflow(client, definition, name="Limits"):
    response = client.post("/api/workflows/", {"name": name, "definition": definition}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _wait_for_end(client, execution_id, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        detail = client.get(f"/api/executions/{execution_id}/").json()
        if detail["status"] != "RUNNING":
            return detail
        time.sleep(0.1)
    raise AssertionError(f"the run did not end within {seconds} s: {detail}")


def test_a_definition_over_one_megabyte_is_a_validation_error_through_every_door(client_for):
    owner = client_for("owner")
    big = {"StartAt": "Big", "States": {"Big": {"Type": "Pass", "Result": "x" * 2_000_000, "End": True}}}
    checked = owner.post("/api/validate/", {"definition": big}, format="json")
    assert checked.status_code == 200 and checked.json()["valid"] is False
    assert "DEFINITION_TOO_LARGE" in [p["code"] for p in checked.json()["problems"]]
    imported = owner.post("/api/workflows/import/?name=Big", json.dumps(big), content_type="application/json")
    assert imported.status_code == 201, imported.content
    version = owner.get(f"/api/workflows/{imported.json()['id']}/versions/1/").json()
    assert version["is_valid"] is False and "DEFINITION_TOO_LARGE" in [p["code"] for p in version["problems"]]


@pytest.mark.django_db(transaction=True)
def test_a_run_ends_at_its_25000th_event_with_aws_error(client_for):
    owner = client_for("owner")
    workflow_id = _workflow(owner, LOOP)
    run = owner.post(f"/api/workflows/{workflow_id}/executions/", {"input": {"count": 0}}, format="json").json()
    assert owner.post(f"/api/executions/{run['id']}/control/", {"command": "continue"},
                      format="json").status_code == 200
    detail = _wait_for_end(owner, run["id"])
    assert (detail["status"], detail["error"], detail["cause"], detail["lastSeq"]) == (
        "FAILED", "States.Runtime", "The execution reached the maximum number of history events (25000).", 25_000)
    tail = owner.get(f"/api/executions/{run['id']}/events/?after=24998").json()["events"]
    assert [(e["id"], e["type"]) for e in tail] == [(24_999, "ChoiceStateExited"), (25_000, "ExecutionFailed")]
