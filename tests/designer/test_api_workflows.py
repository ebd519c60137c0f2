"""The REST API through HTTP: workflows, versions, drafts, members, access rules."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def _broken(definition: dict) -> dict:
    broken = json.loads(json.dumps(definition))
    broken["States"]["Review Approved?"]["Default"] = "Nowhere"
    return broken


def test_list_shows_only_workflows_the_user_may_see(workflow, client_for, users):
    from designer import services

    services.workflow_create(owner=users["stranger"], name="Stranger's own")
    names = {w["name"]: w["role"] for w in client_for("viewer").get("/api/workflows/").json()}
    assert names == {"Bank account application": "viewer"}
    assert [w["name"] for w in client_for("stranger").get("/api/workflows/").json()] == ["Stranger's own"]


def test_anonymous_requests_are_refused_with_json(workflow, client_for):
    response = client_for(None).get("/api/workflows/")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_create_workflow_makes_version_one(client_for, bank_definition):
    response = client_for("stranger").post("/api/workflows/", {"name": "Mine", "definition": bank_definition},
                                           format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == "owner" and body["latest_version"] == 1
    version = client_for("stranger").get(f"/api/workflows/{body['id']}/versions/1/").json()
    assert version["definition"] == bank_definition
    assert version["is_valid"] is True


def test_create_without_name_names_the_field(client_for):
    response = client_for("owner").post("/api/workflows/", {"description": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "name"


def test_detail_patch_and_delete(workflow, client_for):
    url = f"/api/workflows/{workflow.pk}/"
    assert client_for("viewer").get(url).json()["name"] == "Bank account application"
    assert client_for("editor").patch(url, {"name": "Renamed"}, format="json").json()["name"] == "Renamed"
    assert client_for("viewer").patch(url, {"name": "No"}, format="json").status_code == 403
    assert client_for("editor").delete(url).status_code == 403  # only the owner deletes
    assert client_for("owner").delete(url).status_code == 204
    assert client_for("owner").get(url).status_code == 404


@pytest.mark.parametrize("method,suffix", [
    ("get", ""), ("patch", ""), ("delete", ""), ("get", "versions/"), ("post", "versions/"),
    ("get", "versions/1/"), ("get", "versions/1/export/asl/"), ("get", "versions/1/export/svg/"),
    ("get", "versions/1/export/png/"), ("get", "draft/"), ("put", "draft/"), ("get", "members/"),
    ("post", "import/"),
])
def test_non_members_get_404_everywhere(workflow, client_for, method, suffix, bank_definition):
    response = getattr(client_for("stranger"), method)(
        f"/api/workflows/{workflow.pk}/{suffix}", {"definition": bank_definition, "base_version": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "Bank" not in response.content.decode()


@pytest.mark.parametrize("method,suffix,body", [
    ("post", "versions/", {"message": "x", "base_version": 1}),
    ("put", "draft/", {"base_version": 1}),
    ("post", "members/", {"username": "stranger", "role": "viewer"}),
])
def test_viewers_get_403_on_writes(workflow, client_for, bank_definition, method, suffix, body):
    response = getattr(client_for("viewer"), method)(
        f"/api/workflows/{workflow.pk}/{suffix}", {"definition": bank_definition, **body}, format="json")
    assert response.status_code == 403
    assert workflow.versions.count() == 1


def test_save_versions_in_sequence_and_list_them(workflow, client_for, bank_definition):
    client = client_for("editor")
    url = f"/api/workflows/{workflow.pk}/versions/"
    response = client.post(url, {"definition": _broken(bank_definition), "message": "Broke it", "base_version": 1},
                           format="json")
    assert response.status_code == 201, response.content
    saved = response.json()
    # Saving an invalid definition is allowed; it carries its problems.
    assert saved["number"] == 2 and saved["is_valid"] is False
    assert any(p["state"] == "Review Approved?" and p["pointer"].endswith("/Default") for p in saved["problems"])
    listed = client.get(url).json()
    assert [(v["number"], v["message"], v["author"]) for v in listed] == [(2, "Broke it", "editor"),
                                                                          (1, "First version", "owner")]


def test_stale_base_version_answers_409_and_keeps_everything(workflow, client_for, bank_definition):
    url = f"/api/workflows/{workflow.pk}/versions/"
    assert client_for("owner").post(url, {"definition": bank_definition, "base_version": 1}, format="json").status_code == 201
    client_for("editor").put(f"/api/workflows/{workflow.pk}/draft/", {"definition": _broken(bank_definition),
                                                                      "base_version": 1}, format="json")
    response = client_for("editor").post(url, {"definition": _broken(bank_definition), "base_version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "stale_base_version" and response.json()["latest_version"] == 2
    assert workflow.versions.count() == 2
    # The editor's work is still there to merge.
    draft = client_for("editor").get(f"/api/workflows/{workflow.pk}/draft/").json()
    assert draft["definition"]["States"]["Review Approved?"]["Default"] == "Nowhere"


def test_version_create_needs_base_version(workflow, client_for, bank_definition):
    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/versions/", {"definition": bank_definition},
                                        format="json")
    assert response.status_code == 400 and response.json()["field"] == "base_version"


@pytest.mark.parametrize("body", [
    b'{"definition": {"StartAt": ',
    b'[1, 2, 3]',
    b'{"definition": 42, "base_version": 1}',
    b'{"definition": {"States": {}}, "base_version": "one"}',
    b'{"definition": "StartAt: [unclosed", "base_version": 1}',
    b'{"definition": ' + b'[' * 100000 + b']' * 100000 + b', "base_version": 1}',
    b'\xff\xfe not utf-8',
])
def test_malformed_version_bodies_answer_400_json(workflow, client_for, body):
    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/versions/", body,
                                        content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert workflow.versions.count() == 1


def test_deeply_nested_definition_object_is_refused_with_pointer(workflow, client_for):
    nested: dict = {"x": 1}
    for _ in range(100):  # past the definition's 64 levels; a body past 200 is refused before parsing
        nested = {"a": nested}
    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/versions/",
                                        {"definition": {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": nested, "End": True}}},
                                         "base_version": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_definition" and "pointer" in response.json()


def test_huge_body_answers_413_json(workflow, client_for):
    body = b'{"definition": "' + b"x" * (6 * 1024 * 1024) + b'", "base_version": 1}'
    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/versions/", body,
                                        content_type="application/json")
    assert response.status_code in (400, 413)
    assert response.json()["error"]


def test_version_detail_404_for_missing_number(workflow, client_for):
    response = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/99/")
    assert response.status_code == 404 and "99" in response.json()["detail"]


def test_draft_roundtrip_and_discard(workflow, client_for, bank_definition):
    url = f"/api/workflows/{workflow.pk}/draft/"
    client = client_for("editor")
    assert client.get(url).status_code == 404
    changed = _broken(bank_definition)
    assert client.put(url, {"definition": changed, "base_version": 1}, format="json").status_code == 200
    got = client.get(url).json()
    assert got["definition"] == changed and got["base_version"] == 1
    # Drafts are per user: the owner does not see the editor's.
    assert client_for("owner").get(url).status_code == 404
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_saving_a_version_clears_the_authors_draft(workflow, client_for, bank_definition):
    client = client_for("editor")
    client.put(f"/api/workflows/{workflow.pk}/draft/", {"definition": bank_definition}, format="json")
    client.post(f"/api/workflows/{workflow.pk}/versions/", {"definition": bank_definition, "base_version": 1}, format="json")
    assert client.get(f"/api/workflows/{workflow.pk}/draft/").status_code == 404


def test_members_owner_manages_roles(workflow, client_for, users):
    url = f"/api/workflows/{workflow.pk}/members/"
    assert {m["username"]: m["role"] for m in client_for("viewer").get(url).json()} == {"editor": "editor", "viewer": "viewer"}
    assert client_for("editor").post(url, {"username": "stranger", "role": "viewer"}, format="json").status_code == 403
    response = client_for("owner").post(url, {"username": "stranger", "role": "viewer"}, format="json")
    assert response.status_code == 201
    assert client_for("stranger").get(f"/api/workflows/{workflow.pk}/").status_code == 200
    assert client_for("owner").post(url, {"username": "nobody", "role": "viewer"}, format="json").json()["field"] == "username"
    assert client_for("owner").post(url, {"username": "stranger", "role": "boss"}, format="json").status_code == 400
    assert client_for("owner").delete(f"{url}{users['stranger'].pk}/").status_code == 204
    assert client_for("stranger").get(f"/api/workflows/{workflow.pk}/").status_code == 404


def test_token_auth_for_scripts(workflow, users):
    from rest_framework.test import APIClient

    client = APIClient()
    token = client.post("/api/auth/token/", {"username": "editor", "password": "pw-editor"}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert [w["name"] for w in client.get("/api/workflows/").json()] == ["Bank account application"]
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert bad.get("/api/workflows/").status_code == 401


def test_session_auth_enforces_csrf(workflow, users, bank_definition):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["owner"])
    response = client.post(f"/api/workflows/{workflow.pk}/versions/",
                           json.dumps({"definition": bank_definition, "base_version": 1}), content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert workflow.versions.count() == 1


def test_nul_and_odd_characters_in_names_are_stored(workflow, client_for):
    name = "Tab\there\x00nul"
    definition = {"StartAt": name, "States": {name: {"Type": "Pass", "Next": "missing\x00too"}}}
    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/versions/",
                                        {"definition": definition, "base_version": 1}, format="json")
    assert response.status_code == 201, response.content
    stored = client_for("owner").get(f"/api/workflows/{workflow.pk}/versions/2/").json()
    assert stored["definition"] == definition
    assert stored["problems"]


def test_lone_surrogates_are_refused_with_a_pointer(workflow, client_for):
    body = '{"definition": {"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "\\ud800", "End": true}}}, "base_version": 1}'
    response = client_for("owner").post(f"/api/workflows/{workflow.pk}/versions/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["pointer"] == "/States/A/Comment"
