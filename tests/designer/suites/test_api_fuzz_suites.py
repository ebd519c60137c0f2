"""Whatever a client sends to the suites API, the answer is below 500, with a JSON body."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db(transaction=True)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                      max_leaves=20)
names = st.sampled_from(["Done", "Wait For Review", "Nope", "", "Approve Application"]) | st.text(max_size=6)
expect = st.fixed_dictionaries({}, optional={
    "status": st.sampled_from(["SUCCEEDED", "FAILED", "WAITING_FOR_CALLBACK", "x"]) | values,
    "waitingAt": names | values, "output": values, "outputContains": values, "error": values, "cause": values,
    "path": st.lists(names, max_size=3) | values, "passesThrough": st.lists(names, max_size=3) | values,
    "neverEnters": st.lists(names, max_size=3) | values, "maxTransitions": st.integers() | values})
callbacks = st.lists(st.fixed_dictionaries({"state": names | values}, optional={
    "success": values, "failure": values, "timeout": values, "stop": values}), max_size=3) | values
specs = st.fixed_dictionaries({}, optional={"expect": expect | values, "callbacks": callbacks}) | values
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(response):
    assert response.status_code < 500, response.content[:500]
    if response["Content-Type"].startswith("application/json"):
        json.loads(response.content)


@pytest.fixture
def tc(client_for, workflow):
    r = client_for("owner").post(f"/api/workflows/{workflow.pk}/test-cases/", {"name": "Any", "input": {}}, format="json")
    return r.json()["id"]


@FUZZ
@given(body=specs)
def test_expectations(client_for, workflow, tc, body):
    owner = client_for("owner")
    _check(owner.put(f"/api/workflows/{workflow.pk}/test-cases/{tc}/expectations/", {"expectations": body}, format="json"))
    _check(owner.put(f"/api/workflows/{workflow.pk}/test-cases/{tc}/expectations/", body, format="json"))


@FUZZ
@given(body=st.fixed_dictionaries({}, optional={"version": values, "definition": values | st.fixed_dictionaries(
    {"StartAt": names, "States": st.dictionaries(names, values, max_size=3)})}) | values)
def test_suite_runs_and_saved_cases(client_for, workflow, tc, body):
    owner = client_for("owner")
    _check(owner.post(f"/api/workflows/{workflow.pk}/suite-runs/", body, format="json"))
    _check(owner.post(f"/api/workflows/{workflow.pk}/suite/test-cases/", body, format="json"))
    _check(owner.get(f"/api/workflows/{workflow.pk}/suite-runs/", {"version": str(body)[:20]}))
    _check(owner.get(f"/api/workflows/{workflow.pk}/suite/", {"version": str(body)[:20]}))
