"""Whatever a client sends, the API answers below 500 with a JSON body."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=20)
state_types = st.sampled_from(["Task", "Choice", "Wait", "Parallel", "Map", "Pass", "Succeed", "Fail", "Bogus", 3])
names = st.text(min_size=1, max_size=10)
states = st.fixed_dictionaries({"Type": state_types}, optional={
    "Next": names | json_values, "End": st.booleans() | json_values, "Default": names,
    "Choices": st.lists(st.fixed_dictionaries({"Next": names}, optional={"Variable": st.text(max_size=8),
                                                                       "StringEquals": json_values, "And": json_values}), max_size=3) | json_values,
    "Catch": st.lists(st.fixed_dictionaries({"Next": names, "ErrorEquals": st.lists(st.text(max_size=8), max_size=2) | json_values}), max_size=2),
    "Retry": st.lists(json_values, max_size=2) | json_values,
    "Branches": st.lists(st.fixed_dictionaries({"StartAt": names, "States": st.dictionaries(names, json_values, max_size=2)}), max_size=2) | json_values,
    "ItemProcessor": json_values, "Seconds": json_values, "Resource": st.text(max_size=30) | json_values,
})
definitions = st.fixed_dictionaries({"States": st.dictionaries(names, states, max_size=5)},
                                    optional={"StartAt": names | json_values, "Comment": json_values})
bodies = st.one_of(json_values, definitions, st.fixed_dictionaries({}, optional={"definition": definitions | json_values,
                                                                                   "base_version": json_values,
                                                                                   "message": json_values}))

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check(response):
    assert response.status_code < 500, response.content[:500]
    if response.status_code != 204:
        json.loads(response.content) if response["Content-Type"].startswith("application/json") else None


@FUZZ
@given(body=bodies)
def test_render_validate_and_saves_never_500(workflow, client_for, body):
    client = client_for("editor")
    for url in ("/api/render/", "/api/validate/", f"/api/workflows/{workflow.pk}/versions/",
                f"/api/workflows/{workflow.pk}/draft/"):
        method = client.put if url.endswith("draft/") else client.post
        response = method(url, json.dumps(body), content_type="application/json")
        _check(response)
        if response.status_code >= 400:
            assert response.json()["detail"]


@FUZZ
@given(text=st.text(max_size=200) | definitions.map(json.dumps))
def test_import_of_any_text_never_500(client_for, text):
    for content_type in ("application/json", "application/yaml", "text/plain"):
        _check(client_for("owner").post("/api/workflows/import/", text.encode("utf-8", "surrogatepass"),
                                        content_type=content_type))
