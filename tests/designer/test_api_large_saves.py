"""Large saves through the API (designer/api/large.py): a version, a test case, and a run started
from a test case whose mock config is large are read, checked and serialised in a child process,
the server only writing what comes back. What is stored and answered must be exactly what the
small path (everything in the server process) stores and answers."""
from __future__ import annotations

import json

import pytest

from designer import workpool
from designer.api import large
from designer.models import TestCase, WorkflowVersion

pytestmark = pytest.mark.django_db


def _chain(steps: int, *, first: str = "Step 0", comment: str = "Large") -> dict:
    """A chain of Pass steps ending in a Choice with a missing target (a problem to store)."""
    names = [first] + [f"Step {i}" for i in range(1, steps)]
    states = {name: {"Type": "Pass", "Parameters": {"a.$": "$.x", "b.$": "States.Format('{}', $.y)"},
                     "Next": names[i + 1] if i + 1 < steps else "Decide"} for i, name in enumerate(names)}
    states["Decide"] = {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "Nowhere"}],
                        "Default": "Done"}
    states["Done"] = {"Type": "Succeed"}
    return {"Comment": comment, "StartAt": first, "States": states}


def _refuse(*args, **kwargs):
    raise AssertionError("worked on in the server process")


def _post(client, path: str, body) -> object:
    return client.post(path, json.dumps(body), content_type="application/json")


def _server_does_no_definition_work(monkeypatch) -> None:
    """Break the server process's own reading, checking, wording and comparing of definitions:
    only a child can have done what the request needed."""
    monkeypatch.setattr("designer.asl_io._check_text", _refuse)
    monkeypatch.setattr("designer.asl_io.count_states", _refuse)
    monkeypatch.setattr("designer.diagnostics.validate", _refuse)
    monkeypatch.setattr("designer.services.definition_problems", _refuse)
    monkeypatch.setattr("designer.services.state_renames", _refuse)
    monkeypatch.setattr("designer.review.reviews.state_renames", _refuse)
    monkeypatch.setattr(WorkflowVersion, "definition", property(_refuse))


def _saved_twice(client_for, *, in_child: bool, monkeypatch) -> dict:
    """A workflow whose second version (large) renames a commented, mocked step; what is stored."""
    owner = client_for("owner")
    v1 = _chain(400)
    created = _post(owner, "/api/workflows/", {"name": "Large", "definition": _chain(3)})
    assert created.status_code == 201, created.content
    workflow_id = created.json()["id"]
    assert _post(owner, f"/api/workflows/{workflow_id}/versions/", {"definition": v1, "base_version": 1}).status_code == 201
    comment = _post(owner, f"/api/workflows/{workflow_id}/comments/", {"text": "Why this?", "state": "Step 0"})
    assert comment.status_code == 201, comment.content
    config = {"StateMachines": {"Large": {"TestCases": {"Happy": {"Step 0": "Ok"}}}},
              "MockedResponses": {"Ok": {"0": {"Return": {"ok": True}}}}}
    case = _post(owner, f"/api/workflows/{workflow_id}/test-cases/", {"name": "Happy", "mock_config": config})
    assert case.status_code == 201, case.content
    v2 = _chain(400, first="The first step", comment="Large, renamed")
    body = {"definition": v2, "message": "Renamed the first step", "base_version": 2}
    assert len(json.dumps(body)) >= large.LARGE_BYTES
    with monkeypatch.context() as patch:
        if in_child:
            _server_does_no_definition_work(patch)
        else:
            patch.setattr(large, "LARGE_BYTES", 10**9)  # everything in this process
        saved = _post(owner, f"/api/workflows/{workflow_id}/versions/", body)
    assert saved.status_code == 201, saved.content
    stored = WorkflowVersion.objects.get(workflow_id=workflow_id, number=3)
    activity = owner.get(f"/api/workflows/{workflow_id}/activity/").json()
    entries = activity["entries"] if isinstance(activity, dict) else activity
    comments = owner.get(f"/api/workflows/{workflow_id}/comments/").json()
    return {"answer": {k: v for k, v in saved.json().items() if k != "created"},
            "text": stored.definition_json, "problems": stored.problems, "message": stored.message,
            "log": [(e["kind"], e["version"], {k: v for k, v in e["data"].items() if k != "thread"}) for e in entries],
            "comments": json.dumps(comments).count('"The first step"'),
            "mocks": TestCase.objects.get(pk=case.json()["id"]).mock_config}


def test_a_large_save_stores_and_answers_what_a_small_path_save_does(client_for, monkeypatch):
    here = _saved_twice(client_for, in_child=False, monkeypatch=monkeypatch)
    there = _saved_twice(client_for, in_child=True, monkeypatch=monkeypatch)
    assert there == here
    assert json.loads(there["text"])["StartAt"] == "The first step"
    assert any(p["code"] for p in there["problems"]), "its problems are stored"
    assert ("version.saved", 3, {"renames": {"Step 0": "The first step"}}) in there["log"]
    assert there["comments"] >= 1, "the comment followed the renamed step"
    assert there["mocks"]["StateMachines"]["Large"]["TestCases"]["Happy"] == {"The first step": "Ok"}
    assert workpool.children(), "a child process did the work"


def test_a_version_with_a_large_definition_is_read_back_as_stored(client_for):
    owner = client_for("owner")
    definition = _chain(400, comment="Ünïcode \u2028 and \"quotes\"")
    created = _post(owner, "/api/workflows/", {"name": "Large", "definition": definition})
    workflow_id = created.json()["id"]
    read = owner.get(f"/api/workflows/{workflow_id}/versions/1/")
    assert read.status_code == 200 and read["Content-Type"] == "application/json"
    assert read.json()["definition"] == definition
    assert list(read.json()) == ["number", "definition", "author", "message", "created", "problems", "is_valid",
                                 "review", "is_released"]


SURROGATE = '"\\ud800"'  # a lone surrogate, written as JSON escapes it


def _with_surrogate(definition: dict, state: str) -> str:
    """The definition's JSON with a lone surrogate as ``state``'s Comment (json.dumps cannot write one)."""
    definition["States"][state]["Comment"] = "MARK"
    return json.dumps({"definition": definition, "base_version": None}).replace('"MARK"', SURROGATE)


def test_a_mistake_in_a_large_body_names_the_same_place_as_in_a_small_one(client_for, monkeypatch):
    owner = client_for("owner")
    workflow_id = _post(owner, "/api/workflows/", {"name": "Large"}).json()["id"]
    path = f"/api/workflows/{workflow_id}/versions/"
    small_body, large_body = _with_surrogate(_chain(3), "Step 2"), _with_surrogate(_chain(400), "Step 2")
    assert len(small_body) < large.LARGE_BYTES <= len(large_body)
    small = owner.post(path, small_body, content_type="application/json")
    missing = {"definition": _chain(400)}  # no base_version
    small_missing = _post(owner, path, {"definition": _chain(3)})
    _server_does_no_definition_work(monkeypatch)
    there = owner.post(path, large_body, content_type="application/json")
    assert small.status_code == there.status_code == 400, (small.content, there.content)
    assert there.json() == small.json() and there.json()["pointer"] == "/States/Step 2/Comment"
    there_missing = _post(owner, path, missing)
    assert there_missing.status_code == small_missing.status_code == 400
    assert there_missing.json() == small_missing.json() and there_missing.json()["field"] == "base_version"
    stale = _post(owner, path, {"definition": _chain(400), "base_version": 0})
    assert stale.status_code == 409 and stale.json()["latest_version"] == 1, stale.content
    assert WorkflowVersion.objects.filter(workflow_id=workflow_id).count() == 1


def _padded_config(items: int, padding: int) -> dict:
    """A mock config whose Map reads ``items`` items, made large by an object it never reads."""
    return {"S3Objects": {"in/items.json": [{"id": i, "name": f"item {i} ✓"} for i in range(items)],
                          "in/unread.json": [{"n": i} for i in range(padding)]},
            "StateMachines": {"Fan": {"TestCases": {"Default": {}}}}, "MockedResponses": {}}


FAN = {"StartAt": "Fan", "States": {"Fan": {
    "Type": "Map", "End": True,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                   "Parameters": {"Bucket": "in", "Key": "items.json"}},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}}}}}


def test_a_large_test_case_is_checked_in_a_child_and_round_trips(client_for, monkeypatch):
    owner = client_for("owner")
    workflow_id = _post(owner, "/api/workflows/", {"name": "Fan", "definition": FAN}).json()["id"]
    config = _padded_config(5, 5_000)
    body = {"name": "Big", "input": {"who": "me"}, "mock_config": config, "mock_test_case": "Default"}
    assert len(json.dumps(body)) >= large.LARGE_BYTES
    with monkeypatch.context() as here:
        here.setattr(large, "LARGE_BYTES", 10**9)
        small = _post(owner, f"/api/workflows/{workflow_id}/test-cases/", {**body, "name": "Small"})
    assert small.status_code == 201, small.content
    with monkeypatch.context() as patch:
        patch.setattr("designer.simulation.services.Mocks", _refuse)  # its check: in a child only
        patch.setattr(TestCase, "mock_config", property(_refuse))
        saved = _post(owner, f"/api/workflows/{workflow_id}/test-cases/", body)
    assert saved.status_code == 201, saved.content
    assert saved["Content-Type"] == "application/json"
    assert saved.json()["mock_config"] == config and saved.json()["input"] == {"who": "me"}
    ignore = ("id", "name", "created")
    assert {k: v for k, v in saved.json().items() if k not in ignore} == \
        {k: v for k, v in small.json().items() if k not in ignore}
    read = owner.get(f"/api/workflows/{workflow_id}/test-cases/{saved.json()['id']}/").json()
    assert read == saved.json()
    assert TestCase.objects.get(pk=saved.json()["id"]).mock_config_json == \
        TestCase.objects.get(pk=small.json()["id"]).mock_config_json
    wrong = {**body, "mock_config": {**config, "StateMachines": {"Fan": {"TestCases": {"Default": {"Fan": "None"}}}}}}
    with monkeypatch.context() as here:
        here.setattr(large, "LARGE_BYTES", 10**9)
        small_wrong = _post(owner, f"/api/workflows/{workflow_id}/test-cases/", {**wrong, "name": "Wrong"})
    large_wrong = _post(owner, f"/api/workflows/{workflow_id}/test-cases/", {**wrong, "name": "Wrong"})
    assert large_wrong.status_code == small_wrong.status_code and 400 <= large_wrong.status_code < 500
    assert large_wrong.json() == small_wrong.json() and large_wrong.json()["field"] == "mock_config"
    taken = _post(owner, f"/api/workflows/{workflow_id}/test-cases/", body)
    assert 400 <= taken.status_code < 500 and taken.json()["field"] == "name", taken.content


def test_a_run_started_from_a_large_test_case_runs_to_its_end(client_for, monkeypatch):
    owner = client_for("owner")
    workflow_id = _post(owner, "/api/workflows/", {"name": "Fan", "definition": FAN}).json()["id"]
    config = _padded_config(3, 5_000)
    case = _post(owner, f"/api/workflows/{workflow_id}/test-cases/",
                 {"name": "Big", "mock_config": config, "mock_test_case": "Default"})
    assert case.status_code == 201, case.content
    stored = TestCase.objects.get(pk=case.json()["id"]).mock_config_json
    assert len(stored) >= workpool.LARGE_TEXT
    with monkeypatch.context() as patch:  # the mocks are read in a child, the config stored as it is
        patch.setattr("interpreter.mocks.Mocks.from_config", _refuse)
        patch.setattr(TestCase, "mock_config", property(_refuse))
        started = _post(owner, f"/api/workflows/{workflow_id}/executions/", {"test_case": case.json()["id"]})
    assert started.status_code == 201, started.content
    run = started.json()
    assert (run["status"], run["testCase"], run["mockTestCase"]) == ("RUNNING", "Big", "Default")
    from designer.models import Execution

    assert Execution.objects.get(pk=run["id"]).mock_config_json == stored
    for _ in range(200):
        run = _post(owner, f"/api/executions/{run['id']}/control/", {"command": "step"}).json()
        if run["status"] != "RUNNING":
            break
    assert run["status"] == "SUCCEEDED", run
    history = owner.get(f"/api/executions/{run['id']}/events/").json()["events"]
    assert history[-1]["type"] == "ExecutionSucceeded"
    assert history[-1]["details"]["output"] == [{"id": i, "name": f"item {i} ✓"} for i in range(3)]
