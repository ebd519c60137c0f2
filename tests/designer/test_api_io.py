"""Import, export, validate, render and the API docs, through HTTP."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

SAM_TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrderMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        Comment: Orders
        StartAt: Charge
        States:
          Charge:
            Type: Task
            Resource: !GetAtt ChargeFunction.Arn
            Next: Done
          Done:
            Type: Succeed
      Role: !Sub arn:aws:iam::${AWS::AccountId}:role/x
"""

SERVERLESS = """\
service: orders
stepFunctions:
  stateMachines:
    orders:
      definition:
        StartAt: Wait a bit
        States:
          Wait a bit: {Type: Wait, Seconds: 5, End: true}
"""


def test_import_json_body_creates_workflow(client_for, bank_definition):
    response = client_for("owner").post("/api/workflows/import/?name=Imported", json.dumps(bank_definition),
                                        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Imported" and body["latest_version"] == 1
    version = client_for("owner").get(f"/api/workflows/{body['id']}/versions/1/").json()
    assert list(version["definition"]["States"]) == list(bank_definition["States"])


def test_import_sam_yaml_body_with_cloudformation_tags(client_for):
    response = client_for("owner").post("/api/workflows/import/", SAM_TEMPLATE, content_type="application/yaml")
    assert response.status_code == 201, response.content
    wf = response.json()
    definition = client_for("owner").get(f"/api/workflows/{wf['id']}/versions/1/").json()["definition"]
    assert definition["StartAt"] == "Charge"
    # CloudFormation resolves !GetAtt when deploying: kept as the placeholder its !Sub form would be.
    assert definition["States"]["Charge"]["Resource"] == "${ChargeFunction.Arn}"


def test_import_serverless_yaml_file_upload(client_for):
    upload = SimpleUploadedFile("orders.yml", SERVERLESS.encode(), content_type="application/octet-stream")
    response = client_for("owner").post("/api/workflows/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "orders"
    wf_id = response.json()["id"]
    assert client_for("owner").get(f"/api/workflows/{wf_id}/versions/1/").json()["definition"]["States"]["Wait a bit"]["Seconds"] == 5


@pytest.mark.parametrize("body,content_type,needle", [
    ("{\"StartAt\": \"A\", ", "application/json", "line"),
    ("StartAt: [unclosed\n", "application/yaml", "line"),
    ("a: *x\n", "application/yaml", "alias"),
    ("- just\n- a list\n", "application/yaml", "object"),
    ("Resources: {}\n", "application/yaml", "No state machine"),
    ("", "application/json", "empty"),
])
def test_import_malformed_answers_400_with_a_reason(client_for, body, content_type, needle):
    response = client_for("owner").post("/api/workflows/import/", body, content_type=content_type)
    assert response.status_code == 400, response.content
    assert needle.lower() in response.json()["detail"].lower()


def test_import_as_new_version_with_stale_base(workflow, client_for):
    url = f"/api/workflows/{workflow.pk}/import/"
    ok = client_for("editor").post(url + "?base_version=1&message=from+SAM", SAM_TEMPLATE, content_type="application/yaml")
    assert ok.status_code == 201 and ok.json()["number"] == 2 and ok.json()["message"] == "from SAM"
    stale = client_for("editor").post(url + "?base_version=1", SAM_TEMPLATE, content_type="application/yaml")
    assert stale.status_code == 409
    assert client_for("viewer").post(url, SAM_TEMPLATE, content_type="application/yaml").status_code == 403


def test_export_asl_is_aws_ordered_and_equal(workflow, client_for, bank_definition):
    scrambled = json.loads(json.dumps(bank_definition))
    scrambled["States"]["Wait For Review"] = dict(reversed(list(scrambled["States"]["Wait For Review"].items())))
    version = client_for("owner").post(f"/api/workflows/{workflow.pk}/versions/",
                                       {"definition": scrambled, "base_version": 1}, format="json").json()
    response = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/{version['number']}/export/asl/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and response["Content-Disposition"].endswith('.asl.json"')
    exported = json.loads(response.content)
    assert exported == bank_definition
    assert list(exported) == ["Comment", "StartAt", "States"]
    assert list(exported["States"]["Wait For Review"])[:3] == ["Type", "Comment", "Resource"]
    assert list(exported["States"]["Wait For Review"])[-1] == "Next"


def test_export_svg_and_png(workflow, client_for):
    svg = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/1/export/svg/")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    text = svg.content.decode()
    assert text.startswith("<?xml") and 'data-state="Wait For Review"' in text
    png = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/1/export/png/")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/1/export/pdf/").status_code == 404


def test_validate_reports_pointer_and_state(client_for, bank_definition):
    bank_definition["States"]["Notify Applicant"]["Next"] = "Gone"
    response = client_for("viewer").post("/api/validate/", {"definition": bank_definition}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert any(p["state"] == "Notify Applicant" and p["pointer"] == "/States/Notify Applicant/Next"
               for p in body["problems"])


def test_validate_names_one_root_cause_once(client_for, bank_definition):
    # issue 10: QueryLanguage inside States gave 11 problems; the editor lists what the API answers
    bank_definition["States"] = {"QueryLanguage": "JSONPath", **bank_definition["States"]}
    body = client_for("viewer").post("/api/validate/", {"definition": bank_definition}, format="json").json()
    assert [(p["code"], p["pointer"]) for p in body["problems"]] == [("MISPLACED_FIELD", "/States/QueryLanguage")]


def test_validate_accepts_yaml_text(client_for):
    response = client_for("viewer").post("/api/validate/", {"definition": "StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n"},
                                         format="json")
    assert response.status_code == 200 and response.json()["valid"] is True


@pytest.mark.parametrize("payload", [{}, {"definition": 3}, {"definition": [1]}, {"definition": "{ not json"}])
def test_validate_and_render_reject_bad_definitions(client_for, payload):
    for url in ("/api/validate/", "/api/render/"):
        response = client_for("viewer").post(url, payload, format="json")
        assert response.status_code == 400, (url, payload, response.content)
        assert response.json()["detail"]


def test_render_returns_svg_with_problem_marks(client_for, bank_definition):
    bank_definition["States"]["Notify Applicant"]["Next"] = "Gone"
    response = client_for("viewer").post("/api/render/", {"definition": bank_definition}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["svg"].startswith("<svg")
    assert len(body["hash"]) == 64
    assert 'class="node state state-type-task has-problem" data-state="Notify Applicant"' in body["svg"]
    assert "missing: Gone" in body["svg"]


def test_render_needs_login(client_for, bank_definition):
    assert client_for(None).post("/api/render/", {"definition": bank_definition}, format="json").status_code == 401


def test_schema_and_offline_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/workflows/{workflow_id}/versions/", "/api/render/", "/api/workflows/import/",
                 "/api/workflows/{workflow_id}/versions/{number}/export/{fmt}/"):
        assert path in text
    docs = client.get("/api/docs/").content.decode()
    # Swagger UI comes from our own static files, not a CDN.
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "https://" not in docs.split("<body")[0]


def test_paths_that_validate_import_and_simulate(client_for):
    # issue 10: these validated, showed no problem in the editor, and Simulate refused them
    definition = {"StartAt": "Pick", "States": {
        "Pick": {"Type": "Pass", "Parameters": {"first.$": "$.[0]", "objects.$": "$.[*].['bucket', 'key']",
                                                "positive.$": "$.[?(@.OU > 0)]"}, "Next": "Snap"},
        "Snap": {"Type": "Pass", "InputPath": "$.first", "Parameters": {"state.$": "$.Snapshots.[0].State"},
                 "End": True}}}
    owner = client_for("owner")
    imported = owner.post("/api/workflows/import/?name=Shapes", json.dumps(definition), content_type="application/json")
    assert imported.status_code == 201, imported.content
    workflow = imported.json()["id"]
    assert owner.get(f"/api/workflows/{workflow}/versions/1/").json()["is_valid"]
    data = [{"bucket": "b", "key": "k", "OU": 1, "Snapshots": [{"State": "completed"}]}]
    run = owner.post(f"/api/workflows/{workflow}/executions/", {"input": data}, format="json")
    assert run.status_code == 201, run.content
    run_id = run.json()["id"]
    for _ in range(10):
        if owner.get(f"/api/executions/{run_id}/").json()["status"] != "RUNNING":
            break
        assert owner.post(f"/api/executions/{run_id}/control/", {"command": "step"}, format="json").status_code == 200
    detail = owner.get(f"/api/executions/{run_id}/").json()
    assert detail["status"] == "SUCCEEDED" and detail["output"] == {"state": "completed"}
