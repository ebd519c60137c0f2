"""The data glossary through the API and on the drawings."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _terms(response) -> dict:
    return {t["path"]: t for t in response.json()["terms"]}


def test_members_read_the_glossary_with_proposed_names(client_for, workflow):
    terms = _terms(client_for("viewer").get(f"/api/workflows/{workflow.pk}/glossary/"))
    assert terms["$.checks[0].flagged"] == {"path": "$.checks[0].flagged", "name": "flagged (first of checks)",
                                            "proposed": True, "read": True}
    assert client_for("stranger").get(f"/api/workflows/{workflow.pk}/glossary/").status_code == 404
    assert client_for(None).get(f"/api/workflows/{workflow.pk}/glossary/").status_code in (401, 403)


def test_editors_name_fields_and_an_empty_name_goes_back_to_the_proposal(client_for, workflow):
    url = f"/api/workflows/{workflow.pk}/glossary/"
    body = {"terms": {"$.checks[0].flagged": "  the identity check flagged it ", "$.gone": "an old field"}}
    assert client_for("viewer").put(url, body, format="json").status_code == 403
    terms = _terms(client_for("editor").put(url, body, format="json"))
    assert terms["$.checks[0].flagged"]["name"] == "the identity check flagged it"
    assert terms["$.checks[0].flagged"]["proposed"] is False
    assert terms["$.gone"] == {"path": "$.gone", "name": "an old field", "proposed": False, "read": False}
    terms = _terms(client_for("editor").put(url, {"terms": {"$.checks[0].flagged": ""}}, format="json"))
    assert terms["$.checks[0].flagged"]["proposed"] is True


@pytest.mark.parametrize("body", [{"terms": {"$.a": "x" * 201}}, {"terms": {"not a path": "x"}}, {"terms": ["x"]},
                                  {"terms": {f"$.f{i}": "x" for i in range(501)}}, {}, []])
def test_bad_glossaries_are_refused_in_words(client_for, workflow, body):
    response = client_for("owner").put(f"/api/workflows/{workflow.pk}/glossary/", body, format="json")
    assert response.status_code == 400 and response.json()["detail"]


def test_the_graph_the_render_api_and_the_run_history_say_the_names(client_for, workflow, bank_definition):
    from designer.glossary import services

    services.glossary_set(user=workflow.owner, workflow=workflow,
                          terms={"$.reviewDecision.approved": "the reviewer approved"})
    client = client_for("owner")
    client.force_login(workflow.owner)
    html = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert "if the reviewer approved is true" in html
    assert "if flagged (first of checks) is true" in html  # the proposal, where nobody wrote a name
    svg = client.post("/api/render/", {"definition": bank_definition, "glossary": {"$.checks[0].flagged": "the ID check flagged it"}},
                      format="json").json()["svg"]
    assert "if the ID check flagged it is true" in svg


def test_the_narrative_says_the_glossary_names_as_the_graph_does(client_for, workflow, bank_definition):
    """The Read tab (POST /api/explain/ with the editor's glossary) and a version's narrative (as the
    compare page and the review document show it) use the workflow's words for its data, the words
    of the Choice labels."""
    from designer.glossary import services

    client = client_for("viewer")
    plain = client.post("/api/explain/", {"definition": bank_definition}, format="json").json()["text"]
    assert "the reviewer approved" not in plain
    named = client.post("/api/explain/", {"definition": bank_definition,
                                          "glossary": {"$.reviewDecision.approved": "the reviewer approved"}},
                        format="json").json()["text"]
    assert "the reviewer approved is true" in named
    assert "flagged (first of checks)" in named  # proposed, as the graph proposes it
    services.glossary_set(user=workflow.owner, workflow=workflow,
                          terms={"$.reviewDecision.approved": "the reviewer approved"})
    text = client.get(f"/api/workflows/{workflow.pk}/versions/1/narrative/").json()["text"]
    assert "the reviewer approved is true" in text
    bad = client.post("/api/explain/", {"definition": bank_definition, "glossary": ["x"]}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "glossary"
