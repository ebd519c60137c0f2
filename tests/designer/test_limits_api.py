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


CALLBACK = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}}
OVER = {"blob": "x" * 300 * 1024}  # 307,211 bytes as compact JSON


def test_an_execution_input_over_256_kib_is_refused_before_anything_starts(client_for):
    from designer.models import Execution

    owner = client_for("owner")
    workflow_id = _workflow(owner, LOOP)
    response = owner.post(f"/api/workflows/{workflow_id}/executions/", {"input": OVER}, format="json")
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["error"] == "too_large" and body["field"] == "input"
    assert "307,211 bytes; Step Functions accepts at most 262,144 bytes (256 KiB)" in body["detail"]
    assert not Execution.objects.exists()
    case = owner.post(f"/api/workflows/{workflow_id}/test-cases/", {"name": "Big", "input": OVER}, format="json")
    assert case.status_code == 413 and case.json()["field"] == "input"


def test_a_callback_output_over_256_kib_is_refused_and_the_run_still_waits(client_for):
    owner = client_for("owner")
    workflow_id = _workflow(owner, CALLBACK)
    run = owner.post(f"/api/workflows/{workflow_id}/executions/", {}, format="json").json()
    owner.post(f"/api/executions/{run['id']}/control/", {"command": "step"}, format="json")
    owner.post(f"/api/executions/{run['id']}/control/", {"command": "step"}, format="json")
    token = next(iter(owner.get(f"/api/executions/{run['id']}/").json()["waiting"]["tokens"]))
    response = owner.post(f"/api/executions/{run['id']}/control/",
                          {"command": "send_task_success", "token": token, "output": OVER}, format="json")
    assert response.status_code == 413 and response.json()["field"] == "output"
    assert "The callback output is 307,211 bytes" in response.json()["detail"]
    ok = owner.post(f"/api/executions/{run['id']}/control/",
                    {"command": "send_task_success", "token": token, "output": {"fine": True}}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "SUCCEEDED"


@pytest.mark.parametrize("path", ["/api/validate/", "/api/workflows/", "/api/render/"])
def test_json_nested_10000_levels_is_refused_before_parsing(client_for, path):
    response = client_for("owner").post(path, "[" * 10_000 + "]" * 10_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "too_deep", "detail": "The request body is nested more than 200 levels "
                                                              "deep; at most 200 are accepted."}


def test_a_20_mb_body_is_413_like_the_other_size_errors(client_for):
    response = client_for("owner").post("/api/validate/", b"x" * (20 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"error": "too_large", "detail": "The request body is 20,971,520 bytes; Statewise "
                                                              "accepts at most 5,242,880 bytes (5 MiB)."}
    assert "DATA_UPLOAD" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("output, cause", [
    ("{% $range(0, 100000000, 1) %}", "The function $range can produce at most 1000 items, but 100,000,001 were asked for."),
    ("{% $pad('', 1000000000, 'x') %}", "It would build a string of 1,000,000,000 characters; one evaluation may build "
                                        "at most 4,000,000."),
])
def test_a_run_that_breaks_an_evaluation_bound_fails_with_aws_error_naming_the_bound(client_for, output, cause):
    owner = client_for("owner")
    workflow_id = _workflow(owner, {"QueryLanguage": "JSONata", "StartAt": "Huge", "States": {
        "Huge": {"Type": "Pass", "Output": output, "End": True}}})
    run = owner.post(f"/api/workflows/{workflow_id}/executions/", {}, format="json").json()
    assert owner.post(f"/api/executions/{run['id']}/control/", {"command": "continue"},
                      format="json").status_code == 200
    detail = _wait_for_end(owner, run["id"], seconds=60)
    assert detail["status"] == "FAILED" and detail["error"] == "States.QueryEvaluationError"
    assert detail["cause"].endswith(cause)
    events = owner.get(f"/api/executions/{run['id']}/events/").json()["events"]
    assert [e["type"] for e in events][-2:] == ["EvaluationFailed", "ExecutionFailed"]


def _api_views():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                callback = pattern.callback
                while callback is not None and not hasattr(callback, "cls") and hasattr(callback, "__wrapped__"):
                    callback = callback.__wrapped__
                view = getattr(callback, "cls", None)
                if view is not None:
                    yield str(pattern.pattern), view(**getattr(callback, "initkwargs", {}))
    return list(walk(get_resolver().url_patterns))


def test_every_api_view_reads_its_body_through_a_bounded_parser():
    from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

    from designer.api.parsers import BoundedJSONParser, RawDefinitionParser

    views = _api_views()
    assert len(views) > 30
    for route, view in views:
        for parser in view.get_parsers():
            assert not isinstance(parser, JSONParser) or isinstance(parser, BoundedJSONParser), (route, parser)
            assert isinstance(parser, (BoundedJSONParser, RawDefinitionParser, FormParser, MultiPartParser)), \
                (route, parser)


def test_every_serializer_field_that_may_be_null_is_declared_nullable():
    """A field read through a relation that may be empty (``source="x.name", default=None``)
    answers null: the schema must say so (the OpenAPI test finds it only when the data has one)."""
    import designer.urls  # noqa: F401 - every API module, so every serializer class, is imported
    from rest_framework import serializers

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    checked = 0
    for cls in subclasses(serializers.Serializer):
        if not cls.__module__.startswith("designer."):
            continue
        try:
            fields = cls().fields
        except Exception:  # a serializer that needs context or arguments to build its fields
            continue
        for name, field in fields.items():
            checked += 1
            if field.default is None and not isinstance(field, serializers.SerializerMethodField):
                assert field.allow_null, f"{cls.__module__}.{cls.__name__}.{name} defaults to None but is not nullable"
    assert checked > 50


def _tangle(steps: int = 100, arrows: int = 3) -> dict:
    """Steps whose arrows go anywhere: small as text (30 KB), minutes of work for Graphviz."""
    import random

    rng = random.Random(1)
    states = {f"S{i}": {"Type": "Choice", "Default": f"S{(i + 1) % steps}", "Choices": [
        {"Variable": "$.x", "NumericEquals": j, "Next": f"S{rng.randrange(steps)}"} for j in range(arrows - 1)]}
        for i in range(steps - 1)}
    states[f"S{steps - 1}"] = {"Type": "Succeed"}
    return {"StartAt": "S0", "States": states}


@pytest.mark.timeout(120)
def test_a_tangle_graphviz_cannot_lay_out_in_time_is_drawn_the_lighter_way(client_for, users, client, monkeypatch):
    """Graphviz was given 60 s per drawing, then the API answered 422 and pages 500; a burst of
    such drawings took every core. Now dot has a bound (1 s here) and a slot, and past it the
    lighter layout draws the workflow: every step is on the graph."""
    from designer.graph import render

    monkeypatch.setattr(render, "DOT_SECONDS", 1.0)
    owner = client_for("owner")
    tangle = _tangle()
    started = time.monotonic()
    drawn = owner.post("/api/render/", {"definition": tangle}, format="json")
    elapsed = time.monotonic() - started
    assert drawn.status_code == 200, drawn.content
    svg = drawn.json()["svg"]
    assert all(f'data-state="S{i}"' in svg for i in range(100))
    assert elapsed < 1.0 + 20, f"{elapsed:.1f} s"  # the bound, and room for a loaded machine
    workflow_id = _workflow(owner, tangle, name="Tangle")
    client.force_login(users["owner"])
    page = client.get(f"/workflows/{workflow_id}/")
    assert page.status_code == 200 and b'data-state="S99"' in page.content
    png = owner.get(f"/api/workflows/{workflow_id}/versions/1/export/png/")
    assert png.status_code == 422 and "too tangled" in png.json()["detail"]


def test_the_one_megabyte_verdict_is_the_same_for_pretty_json_compact_json_and_yaml(client_for):
    """The quota counts the definition's compact JSON, however it was written: 0.9 MB compact is
    valid even when indented past 1 MB, and 1.1 MB is too large as JSON or as YAML."""
    import yaml

    from interpreter.limits import DEFINITION_BYTES, json_size

    def chain(steps):
        return {"StartAt": "S0", "States": {
            f"S{i}": {"Type": "Pass", "Result": {"k": "v" * 300}, **({"Next": f"S{i + 1}"} if i < steps - 1
                                                                   else {"End": True})} for i in range(steps)}}
    owner = client_for("owner")
    under, over = chain(2900), chain(3400)
    assert json_size(under) < DEFINITION_BYTES < len(json.dumps(under, indent=8))
    assert DEFINITION_BYTES < json_size(over) < len(yaml.safe_dump(over))

    def verdict(text, content_type):
        imported = owner.post("/api/workflows/import/", text, content_type=content_type)
        assert imported.status_code == 201, imported.content[:300]
        version = owner.get(f"/api/workflows/{imported.json()['id']}/versions/1/").json()
        return "DEFINITION_TOO_LARGE" in [p["code"] for p in version["problems"]]
    assert not verdict(json.dumps(under, indent=8), "application/json")
    assert not verdict(yaml.safe_dump(under), "application/yaml")
    assert verdict(json.dumps(over, separators=(",", ":")), "application/json")
    assert verdict(yaml.safe_dump(over), "application/yaml")
    checked = owner.post("/api/validate/", {"definition": over}, format="json").json()
    assert "DEFINITION_TOO_LARGE" in [p["code"] for p in checked["problems"]]


def test_a_distributed_maps_100000_items_go_through_the_api_in_a_test_cases_mock_config(client_for):
    """What bench_abuse's dmap-100k sends: 100,000 items as an S3 object of a saved test case
    (some 1.5 MB, under the 5 MiB body bound), kept whole, and a run starts from that case."""
    owner = client_for("owner")
    fan = {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "MaxConcurrency": 1000, "End": True,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                       "Parameters": {"Bucket": "in", "Key": "items.json"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}}}}}
    workflow_id = _workflow(owner, fan)
    config = {"S3Objects": {"in/items.json": [{"id": i} for i in range(100_000)]},
              "StateMachines": {"Bench": {"TestCases": {"Default": {}}}}, "MockedResponses": {}}
    body = json.dumps({"name": "100k items", "mock_config": config, "mock_test_case": "Default"})
    assert 1_000_000 < len(body) < 5 * 1024 * 1024
    case = owner.post(f"/api/workflows/{workflow_id}/test-cases/", body, content_type="application/json")
    assert case.status_code == 201, case.content[:300]
    kept = owner.get(f"/api/workflows/{workflow_id}/test-cases/{case.json()['id']}/").json()
    assert kept["mock_config"]["S3Objects"]["in/items.json"][-1] == {"id": 99_999}
    run = owner.post(f"/api/workflows/{workflow_id}/executions/", {"test_case": case.json()["id"]}, format="json")
    assert run.status_code == 201, run.content[:300]
    started = run.json()
    assert (started["status"], started["testCase"], started["mockTestCase"]) == ("RUNNING", "100k items", "Default")
