"""Importing templates through the API and the import page: placeholders offered, filled or kept."""
from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

YES_NO = """\
StartAt: Approved?
States:
  Approved?:
    Type: Choice
    Choices: [{Variable: $.ok, BooleanEquals: true, Next: Yes}]
    Default: No
  Yes: {Type: Succeed}
  No: {Type: Fail, Error: Refused}
"""

SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker: {Type: AWS::Serverless::Function, Properties: {Handler: app.handler}}
  First:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions: {WorkerArn: !GetAtt Worker.Arn, Greeting: hello}
      Definition:
        StartAt: Work
        States:
          Work: {Type: Task, Resource: '${WorkerArn}', Next: Say}
          Say: {Type: Pass, Result: '${Greeting}', End: true}
  Second:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Only
        States: {Only: {Type: Pass, Result: '${AWS::Region}', End: true}}
"""


def test_a_yaml_file_with_states_named_yes_and_no_imports(client_for):
    # Was HTTP 500: YAML 1.1 read the state names as booleans.
    response = client_for("owner").post("/api/workflows/import/", YES_NO, content_type="application/yaml")
    assert response.status_code == 201, response.content
    version = client_for("owner").get(f"/api/workflows/{response.json()['id']}/versions/1/").json()
    assert list(version["definition"]["States"]) == ["Approved?", "Yes", "No"]
    assert version["is_valid"], version["problems"]


def test_import_keeps_placeholders_and_lists_them(client_for):
    response = client_for("owner").post("/api/workflows/import/", SAM, content_type="application/yaml")
    assert response.status_code == 201, response.content
    summary = response.json()["import"]
    assert (summary["format"], summary["machine"], summary["machines"], summary["type"]) == (
        "sam", "First", ["First", "Second"], None)
    assert [(p["token"], p["suggestion"], p["filled"], p["states"]) for p in summary["placeholders"]] == [
        ("${WorkerArn}", "arn:aws:lambda:us-east-1:123456789012:function:Worker", False, ["Work"]),
        ("${Greeting}", "hello", False, ["Say"])]
    definition = client_for("owner").get(f"/api/workflows/{response.json()['id']}/versions/1/").json()["definition"]
    assert definition["States"]["Work"]["Resource"] == "${WorkerArn}"


def test_import_fills_what_it_is_given_and_suggestions_on_request(client_for):
    query = "?fill=suggested&substitutions=" + json.dumps({"Greeting": "bonjour"})
    response = client_for("owner").post("/api/workflows/import/" + query, SAM, content_type="application/yaml")
    assert response.status_code == 201, response.content
    placeholders = response.json()["import"]["placeholders"]
    assert [(p["filled"], p["value"]) for p in placeholders] == [
        (True, "arn:aws:lambda:us-east-1:123456789012:function:Worker"), (True, "bonjour")]
    definition = client_for("owner").get(f"/api/workflows/{response.json()['id']}/versions/1/").json()["definition"]
    assert definition["States"]["Say"]["Result"] == "bonjour"


def test_import_a_chosen_machine_from_a_multipart_upload(client_for):
    upload = SimpleUploadedFile("template.yaml", SAM.encode())
    response = client_for("owner").post("/api/workflows/import/", {"file": upload, "machine": "Second",
                                                                   "fill": "suggested"}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["import"]["type"] == "EXPRESS"
    definition = client_for("owner").get(f"/api/workflows/{response.json()['id']}/versions/1/").json()["definition"]
    assert definition["States"]["Only"]["Result"] == "us-east-1"


def test_preview_saves_nothing(client_for):
    response = client_for("owner").post("/api/workflows/import/preview/?substitutions=" +
                                        json.dumps({"Greeting": "hi"}), SAM, content_type="application/yaml")
    assert response.status_code == 200, response.content
    assert response.json()["definition"]["States"]["Say"]["Result"] == "hi"
    assert client_for("owner").get("/api/workflows/").json() == []


@pytest.mark.parametrize("query,needle", [
    ("?substitutions=" + json.dumps({"Nope": "x"}), "no placeholder ${Nope}"),
    ("?substitutions=[1]", "substitutions must be an object"),
    ("?substitutions={", "JSON object"),
    ("?fill=everything", "fill must be"),
    ("?machine=Third", "No state machine named 'Third'"),
])
def test_bad_import_options_answer_400(client_for, query, needle):
    response = client_for("owner").post("/api/workflows/import/" + query, SAM, content_type="application/yaml")
    assert response.status_code == 400, response.content
    assert needle in response.json()["detail"]


def _laughs() -> str:
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    return text + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))


@pytest.mark.parametrize("body,needle", [
    ("{a: " * 15_000 + "1" + "}" * 15_000, "nested more than"),  # 60 KB nested 15,000 levels
    (_laughs(), "aliases count for what they repeat"),
])
def test_hostile_yaml_is_refused_quickly_through_the_api(client_for, body, needle):
    started = time.process_time()
    response = client_for("owner").post("/api/workflows/import/", body, content_type="application/yaml")
    assert response.status_code == 400 and needle in response.json()["detail"]
    checked = client_for("owner").post("/api/validate/", {"definition": body}, format="json")
    assert checked.status_code in (200, 400) and needle in json.dumps(checked.json())
    # Issue 11 measured 10.4 s for the first; the bound is far below that even on a loaded machine.
    assert time.process_time() - started < 2


def test_validate_endpoint_reads_yaml_text_with_yes_and_no(client_for):
    response = client_for("owner").post("/api/validate/", {"definition": YES_NO}, format="json")
    assert response.status_code == 200 and response.json()["valid"], response.content


# --- the import page ----------------------------------------------------------------------

def _page_client(client, users):
    client.force_login(users["owner"])
    return client


def test_import_page_without_placeholders_creates_at_once(client, users):
    response = _page_client(client, users).post("/workflows/import/", {"text": YES_NO, "name": "Approval"})
    assert response.status_code == 302
    assert "/workflows/" in response["Location"]


def test_import_page_offers_placeholders_then_fills_and_keeps(client, users):
    page = _page_client(client, users)
    upload = SimpleUploadedFile("orders.yaml", SAM.encode())
    review = page.post("/workflows/import/", {"file": upload})
    assert review.status_code == 200
    html = review.content.decode()
    assert "a SAM template" in html and "${WorkerArn}" in html and "!GetAtt Worker.Arn" in html
    assert 'value="arn:aws:lambda:us-east-1:123456789012:function:Worker"' in html
    pending = review.context["pending"]
    # Keep the first placeholder as written, give the second a value of one's own.
    done = page.post("/workflows/import/", {"pending": pending, "shown_machine": "First", "machine": "First",
                                            "name": "Orders", "count": "2",
                                            "name_0": "WorkerArn", "value_0": "ignored", "keep_0": "on",
                                            "name_1": "Greeting", "value_1": "hi there"})
    assert done.status_code == 302, done.content
    from designer.models import Workflow
    workflow = Workflow.objects.get(name="Orders")
    definition = workflow.versions.get(number=1).definition
    assert definition["States"]["Work"]["Resource"] == "${WorkerArn}"
    assert definition["States"]["Say"]["Result"] == "hi there"


def test_import_page_switches_machine_and_reports_errors(client, users):
    page = _page_client(client, users)
    review = page.post("/workflows/import/", {"text": SAM})
    switched = page.post("/workflows/import/", {"pending": review.context["pending"], "shown_machine": "First",
                                                "machine": "Second", "name": "x", "count": "2"})
    assert switched.status_code == 200 and "${AWS::Region}" in switched.content.decode()
    bad = page.post("/workflows/import/", {"text": "a: *nothing\n"})
    assert bad.status_code == 400 and "alias" in bad.content.decode()
    expired = page.post("/workflows/import/", {"pending": "gone", "count": "0"})
    assert expired.status_code == 400 and "expired" in expired.content.decode()


# --- Standard and Express (interpreter/workflow_type.py cites AWS's guide) ------------------

CALLBACK = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                   "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}}
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 400, "End": True}}}


def _workflow(client, definition, **extra):
    response = client.post("/api/workflows/", {"name": "W", "definition": definition, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_express_run_is_refused_where_aws_refuses_express(client_for):
    client = client_for("owner")
    workflow = _workflow(client, CALLBACK)
    refused = client.post(f"/api/workflows/{workflow['id']}/executions/", {"type": "EXPRESS"}, format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert (body["field"], body["pointer"]) == ("type", "/States/Ask/Resource")
    assert "Express workflows cannot do" in body["detail"] and body["problems"][0]["code"] == "EXPRESS_UNSUPPORTED"
    standard = client.post(f"/api/workflows/{workflow['id']}/executions/", {}, format="json")
    assert standard.status_code == 201 and standard.json()["type"] == "STANDARD"


def test_the_workflow_type_is_the_default_for_runs_and_express_runs_stop_at_five_minutes(client_for):
    client = client_for("owner")
    workflow = _workflow(client, WAIT, type="EXPRESS")
    assert workflow["type"] == "EXPRESS"
    run = client.post(f"/api/workflows/{workflow['id']}/executions/", {}, format="json").json()
    assert run["type"] == "EXPRESS"
    for _ in range(5):
        state = client.post(f"/api/executions/{run['id']}/control/", {"command": "step", "let_time_pass": True},
                            format="json")
        if state.json()["status"] != "RUNNING":
            break
    assert state.json()["status"] == "TIMED_OUT", state.json()
    events = client.get(f"/api/executions/{run['id']}/events/").json()["events"]
    assert events[-1]["timestamp"] - events[0]["timestamp"] == 300_000  # the Wait asked for 400 s
    patched = client.patch(f"/api/workflows/{workflow['id']}/", {"type": "STANDARD"}, format="json")
    assert patched.status_code == 200 and patched.json()["type"] == "STANDARD"
    assert client.patch(f"/api/workflows/{workflow['id']}/", {"type": "FAST"}, format="json").status_code == 400


def test_an_imported_template_brings_its_type(client_for):
    response = client_for("owner").post("/api/workflows/import/?machine=Second", SAM, content_type="application/yaml")
    assert response.status_code == 201 and response.json()["type"] == "EXPRESS"


def test_the_simulate_form_runs_express(client, users):
    from designer import services
    workflow = services.workflow_create(owner=users["owner"], name="Wait", definition=WAIT)
    client.force_login(users["owner"])
    editor = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert 'id="simulate-type"' in editor
    started = client.post(f"/workflows/{workflow.pk}/simulate/", {"type": "EXPRESS", "input": "{}"})
    assert started.status_code == 302
    page = client.get(started["Location"]).content.decode()
    assert 'id="run-type"' in page and "Express" in page
    callback = services.workflow_create(owner=users["owner"], name="Callback", definition=CALLBACK)
    refused = client.post(f"/workflows/{callback.pk}/simulate/", {"type": "EXPRESS"}, follow=True)
    assert "Express workflows cannot do" in refused.content.decode()
