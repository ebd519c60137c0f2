"""Whatever a client sends to the simulation endpoints, they answer below 500 with a JSON body."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=20)
commands = st.sampled_from(["step", "continue", "pause", "abort", "set_breakpoints", "set_speed",
                            "send_task_success", "send_task_failure", "fly", ""]) | json_values
command_bodies = st.fixed_dictionaries({"command": commands}, optional={
    "speed": json_values, "breakpoints": json_values | st.lists(st.text(max_size=20), max_size=3),
    "token": json_values, "output": json_values, "error": json_values, "cause": json_values,
    "let_time_pass": json_values}) | json_values
start_bodies = st.fixed_dictionaries({}, optional={
    "version": json_values, "input": json_values, "test_case": json_values, "mock_config": json_values,
    "mock_test_case": json_values, "manual_callbacks": json_values, "breakpoints": json_values,
    "speed": json_values, "seed": json_values}) | json_values
test_case_bodies = st.fixed_dictionaries({"name": st.text(max_size=20) | json_values}, optional={
    "input": json_values, "mock_config": json_values, "mock_test_case": json_values}) | json_values

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check(response):
    assert response.status_code < 500, response.content[:500]
    if response.status_code != 204 and response["Content-Type"].startswith("application/json"):
        json.loads(response.content)


@pytest.fixture
def run(workflow, users):
    from designer import simulation

    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={"application": {}})
    return execution


@FUZZ
@given(body=command_bodies)
def test_control_never_500(client_for, run, body):
    _check(client_for("owner").post(f"/api/executions/{run.pk}/control/", body, format="json"))


@FUZZ
@given(body=start_bodies)
def test_start_never_500(client_for, workflow, body):
    _check(client_for("owner").post(f"/api/workflows/{workflow.pk}/executions/", body, format="json"))


@FUZZ
@given(body=test_case_bodies)
def test_test_case_create_never_500(client_for, workflow, body):
    _check(client_for("owner").post(f"/api/workflows/{workflow.pk}/test-cases/", body, format="json"))


@FUZZ
@given(after=st.text(max_size=6), limit=st.text(max_size=6), state=st.text(max_size=12))
def test_reads_never_500(client_for, run, after, limit, state):
    client = client_for("viewer")
    _check(client.get(f"/api/executions/{run.pk}/events/", {"after": after, "limit": limit}))
    _check(client.get(f"/api/executions/{run.pk}/dataflow/", {"state": state}))


def test_nul_characters_in_names(client_for, workflow, users):
    from designer import simulation

    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/test-cases/", {"name": "a\x00b"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "name"
    # Services called from elsewhere drop them (PostgreSQL text cannot hold one).
    assert simulation.test_case_create(user=users["owner"], workflow=workflow, name="c\x00d").name == "cd"


def test_huge_numbers_are_4xx_or_clamped(client_for, run, workflow):
    client = client_for("owner")
    assert client.get(f"/api/executions/{run.pk}/events/?after=99999999999999999999").json()["events"] == []
    assert client.get("/api/executions/99999999999999999999999/").status_code == 404
    response = client.post(f"/api/workflows/{workflow.pk}/executions/", {"test_case": 99999999999999999999}, format="json")
    assert 400 <= response.status_code < 500
