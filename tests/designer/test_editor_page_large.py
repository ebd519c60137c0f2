"""The editor page of a large version (designer/editor_page.py): made from the stored text in one
child call, its embedded data the same JSON value the in-thread path writes."""
from __future__ import annotations

import json
import re

import pytest

from designer import editor_page, workpool
from designer.glossary.models import GlossaryTerm
from designer.models import WorkflowVersion

pytestmark = pytest.mark.django_db


def _chain(steps: int) -> dict:
    # "</script>", "<", ">" and "&" in names and fields: what json_script must escape.
    names = [f"Step {i} <b>&amp;</script>" for i in range(steps)]
    states = {name: {"Type": "Pass", "Parameters": {"a.$": "$.x", "text": "a < b && c > d </script>"},
                     "Next": names[i + 1] if i + 1 < steps else "Done"} for i, name in enumerate(names)}
    states["Done"] = {"Type": "Succeed", "Comment": "é ✓ \u2028"}
    return {"Comment": "Large", "StartAt": names[0], "States": states}


def _page_data(html: str) -> dict:
    return json.loads(re.search(r'<script id="page-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def _refuse(*args, **kwargs):
    raise AssertionError("worked on in the server process")


def _opened(client, workflow_id: int, *, large: bool, monkeypatch) -> tuple[dict, str]:
    with monkeypatch.context() as patch:
        if large:
            # Only a child may have decoded, counted, named or drawn the definition.
            patch.setattr(WorkflowVersion, "definition", property(_refuse))
            patch.setattr("designer.asl_io.count_states", _refuse)
            patch.setattr("designer.glossary.selectors._applied", _refuse)
            patch.setattr("designer.graph.render.render_light_svg", _refuse)
            calls = []
            real_run = workpool.run
            patch.setattr(workpool, "run", lambda fn, *a, **k: calls.append(a) or real_run(fn, *a, **k))
        else:
            patch.setattr(editor_page, "is_large", lambda text: False)
        answer = client.get(f"/workflows/{workflow_id}/")
    assert answer.status_code == 200
    html = answer.content.decode()
    if large:
        assert len(calls) == 1, "one child call for the page"
        assert all(not isinstance(arg, dict) or len(json.dumps(arg)) < 1000 for arg in calls[0]), \
            "the definition goes as text, not as a dict"
    return _page_data(html), re.search(r'<div id="graph" class="graph" tabindex="0">(.*?)</div>', html, re.S).group(1)


def test_a_large_version_opens_with_the_data_and_drawing_of_the_in_thread_path(client_for, client, users, monkeypatch):
    if not workpool.large_text_possible():
        pytest.skip("no work-pool children here (STATEWISE_WORK_PROCESSES=0)")
    owner = client_for("owner")
    created = owner.post("/api/workflows/", json.dumps({"name": "Large", "definition": _chain(300)}),
                         content_type="application/json")
    assert created.status_code == 201, created.content
    workflow_id = created.json()["id"]
    GlossaryTerm.objects.create(workflow_id=workflow_id, path="$.x", name="x <&>")  # written by someone
    draft = _chain(301)
    assert owner.put(f"/api/workflows/{workflow_id}/draft/", json.dumps({"definition": draft, "base_version": 1}),
                     content_type="application/json").status_code in (200, 201)
    assert editor_page.is_large(WorkflowVersion.objects.get(workflow_id=workflow_id).definition_json)
    client.force_login(users["owner"])
    here = _opened(client, workflow_id, large=False, monkeypatch=monkeypatch)
    there = _opened(client, workflow_id, large=True, monkeypatch=monkeypatch)
    assert there[0] == here[0]
    assert there[0]["definition"] == _chain(300) and there[0]["draft"]["definition"] == draft
    assert there[0]["glossary"]["$.x"] == "x <&>"
    assert there[1] == here[1]


def test_json_script_spliced_writes_what_json_script_writes():
    from django.utils.html import json_script

    value = {"a": "</script> & <b>", "b": [1, 2.5, None], "c": {"d": "é"}}
    text = json.dumps(value["c"], ensure_ascii=False, separators=(",", ":"))
    spliced = editor_page.json_script_spliced({**value, "c": editor_page.RawJSON(text)}, "x")
    assert "</script>" not in spliced[:-len("</script>")]
    assert json.loads(spliced.split(">", 1)[1].rsplit("<", 1)[0]) == json.loads(str(json_script(value, "x")).split(">", 1)[1].rsplit("<", 1)[0])
