"""A large definition is checked, drawn and put in words in a child process (designer/api/large.py,
designer/workpool.py), through the API: the same answer as in the server process, and a bound the
work breaks is a 4xx JSON that names it."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from designer import workpool
from designer.api import large

pytestmark = pytest.mark.django_db


def _big(steps: int) -> dict:
    """A chain of Pass steps, a Choice on fields the glossary names, and two mistakes."""
    states = {f"Step {i}": {"Type": "Pass", "Parameters": {"a.$": "$.order.lines[0].sku", "b.$": "States.Format('{}', $.y)"},
                            "Next": f"Step {i + 1}"} for i in range(steps)}
    states[f"Step {steps}"] = {"Type": "Choice", "Choices": [
        {"Variable": "$.order.total", "NumericGreaterThanEquals": 100, "Next": "Big"},
        {"Variable": "$.reviewDecision.approved", "BooleanEquals": True, "Next": "Nowhere"}],  # missing state
        "Default": "Done"}
    states["Big"] = {"Type": "Pass", "InputPath": "$$bad", "Next": "Done"}  # a path that does not parse
    states["Done"] = {"Type": "Succeed"}
    return {"Comment": "Large", "StartAt": "Step 0", "States": states}


BIG = _big(300)
GLOSSARY = {"$.order.total": "the order's total"}
CASES = [("/api/validate/", {"definition": BIG}),
         ("/api/render/", {"definition": BIG, "glossary": GLOSSARY}),
         ("/api/explain/", {"definition": BIG, "glossary": GLOSSARY})]


def _post(client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_body_is_large_enough_to_go_to_a_child():
    assert len(json.dumps({"definition": BIG})) >= large.LARGE_BYTES


@pytest.mark.parametrize("path,body", CASES, ids=["validate", "render", "explain"])
def test_a_large_definition_gets_the_same_answer_in_a_child_as_in_the_server(client_for, monkeypatch, path, body):
    client = client_for("owner")
    monkeypatch.setattr(large, "LARGE_BYTES", 10**9)  # everything in this process
    here = _post(client, path, body)
    assert here.status_code == 200, here.content
    if path == "/api/validate/":
        codes = sorted(p["code"] for p in here.json()["problems"])
        assert here.json()["valid"] is False and len(codes) >= 2, codes
    monkeypatch.undo()

    # The server process could not answer it now: what answers must be the child.
    def refuse(*args, **kwargs):
        raise AssertionError("worked on in the server process")
    for name in ("definition_problems", "glossary_applied", "graph"):
        monkeypatch.setattr(f"designer.api.views.{name}", refuse)
    monkeypatch.setattr("designer.compare.api.explain", refuse)
    there = _post(client, path, body)
    assert there.status_code == 200, there.content
    assert there["Content-Type"] == "application/json"
    assert there.json() == here.json()
    assert workpool.children(), "a child process answered"


def test_a_large_body_with_a_mistake_gets_the_same_4xx_as_a_small_one(client_for):
    client = client_for("owner")
    not_asl = {"definition": ["x" * 40_000]}
    assert len(json.dumps(not_asl)) >= large.LARGE_BYTES
    there = _post(client, "/api/validate/", not_asl)
    small = _post(client, "/api/validate/", {"definition": ["x"]})
    assert there.status_code == small.status_code == 400, (there.content, small.content)
    assert there.json()["error"] == small.json()["error"] == "invalid_input"
    assert there.json() == small.json() and there.json()["field"] == "definition"
    listed = _post(client, "/api/render/", {"definition": BIG, "glossary": ["not", "a", "map"] * 20_000})
    assert listed.status_code == 400 and listed.json()["field"] == "glossary", listed.content


def test_work_past_its_cpu_time_is_stopped_with_a_422_naming_the_bound(client_for, monkeypatch):
    # A millisecond of CPU time: far less than checking 4,900 steps takes on any machine.
    monkeypatch.setattr(workpool, "CPU_SECONDS", 0.001)
    response = _post(client_for("owner"), "/api/render/", {"definition": _big(4_000)})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "too_costly" and body["bound"] == "cpu_seconds" and body["limit"] == 0.001
    assert body["detail"].startswith("Drawing this definition needed more than 0.001 s of CPU time")
    monkeypatch.undo()
    assert _post(client_for("owner"), "/api/validate/", {"definition": BIG}).status_code == 200  # the child lives on


def test_work_past_its_memory_is_stopped_with_a_422_naming_the_bound(client_for, monkeypatch):
    workpool.shutdown()  # a new child: no memory kept from earlier work to draw on
    monkeypatch.setattr(workpool, "MEMORY_MB", 1)  # less than the child has already
    response = _post(client_for("owner"), "/api/validate/", {"definition": _big(4_000)})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "too_costly" and body["bound"] == "memory_mb" and body["limit"] == 1
    assert "more than 1 MB of memory" in body["detail"]
    monkeypatch.undo()
    assert _post(client_for("owner"), "/api/validate/", {"definition": BIG}).status_code == 200


def test_a_small_definition_is_answered_in_the_server_process(client_for, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("sent to a child")
    monkeypatch.setattr(workpool, "run", refuse)
    response = _post(client_for("owner"), "/api/validate/", {"definition": _big(3)})
    assert response.status_code == 200 and response.json()["valid"] is False


def test_the_api_serializers_import_before_the_urls():
    """A child imports the views' answers without the URLs: no import cycle on the way."""
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'designer.settings'); "
            "django.setup(); import designer.api.serializers, designer.api.views, designer.review.feed")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_large_definition_saved_is_checked_and_its_page_drawn_in_a_child(client_for, users, monkeypatch):
    """Saving (the shape checked, the problems stored with the version) and the editor's page (its
    drawing and data glossary): the same as in the server process, done by a child (the server's
    own walks, validator, layout and glossary are broken here)."""
    from django.test import Client

    from designer import graph
    from designer.diagnostics import definition_problems
    from designer.glossary.selectors import glossary_applied

    with monkeypatch.context() as here:
        here.setattr(workpool, "LARGE_STATES", 10**9)  # everything in this process
        expected = definition_problems(BIG)
        expected_svg = graph.render_svg(BIG, expected, glossary=glossary_applied(BIG, {}))
    graph.render._cache.clear()

    def refuse(*args, **kwargs):
        raise AssertionError("worked on in the server process")
    monkeypatch.setattr("designer.diagnostics.validate", refuse)
    monkeypatch.setattr("designer.graph.render.render_light_svg", refuse)
    monkeypatch.setattr("designer.graph.render.graph_source", refuse)
    monkeypatch.setattr("designer.asl_io._check_text", refuse)  # the shape's walk
    monkeypatch.setattr("designer.glossary.selectors.read_paths", refuse)
    created = client_for("owner").post("/api/workflows/", {"name": "Large", "definition": BIG}, format="json")
    assert created.status_code == 201, created.content
    workflow_id = created.json()["id"]
    version = client_for("owner").get(f"/api/workflows/{workflow_id}/versions/1/").json()
    assert version["problems"] == expected and version["is_valid"] is False
    browser = Client()
    browser.force_login(users["owner"])
    page = browser.get(f"/workflows/{workflow_id}/")
    assert page.status_code == 200
    assert expected_svg in page.content.decode()
    # The next version renames a step: found by a child too, and the activity log says so.
    monkeypatch.setattr("designer.review.reviews.state_renames", refuse)
    monkeypatch.setattr("designer.review.selectors.state_names", refuse)
    renamed = json.loads(json.dumps(BIG).replace('"Step 7"', '"Seventh step"'))
    saved = client_for("owner").post(f"/api/workflows/{workflow_id}/versions/",
                                     {"definition": renamed, "base_version": 1}, format="json")
    assert saved.status_code == 201, saved.content
    log = client_for("owner").get(f"/api/workflows/{workflow_id}/activity/").json()
    entries = log["entries"] if isinstance(log, dict) else log
    assert any((e.get("data") or {}).get("renames") == {"Step 7": "Seventh step"} for e in entries), entries
    comment = client_for("owner").post(f"/api/workflows/{workflow_id}/comments/",
                                       {"text": "Why?", "state": "Seventh step"}, format="json")
    assert comment.status_code == 201, comment.content
    assert browser.get(f"/workflows/{workflow_id}/").status_code == 200  # its comments name live steps
