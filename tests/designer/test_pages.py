"""Server-rendered pages, the sample loader and the model's guarantees."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_pages_need_login(client, workflow):
    for url in ("/workflows/", f"/workflows/{workflow.pk}/", f"/workflows/{workflow.pk}/versions/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_editor_page_has_graph_and_page_data(client, workflow, users):
    client.force_login(users["viewer"])
    html = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert 'data-state="Wait For Review"' in html
    assert 'id="page-data"' in html and '"canEdit": false' in html
    assert "Do in parallel" in html  # palette words


def test_non_member_gets_404_on_pages(client, workflow, users):
    client.force_login(users["stranger"])
    for url in (f"/workflows/{workflow.pk}/", f"/workflows/{workflow.pk}/versions/"):
        assert client.get(url).status_code == 404
    assert "Bank account" not in client.get("/workflows/").content.decode()


def test_state_names_are_escaped_on_the_editor_page(client, users):
    from designer import services

    evil = "</script><script>alert(1)</script>"
    wf = services.workflow_create(owner=users["owner"], name=evil, definition={
        "StartAt": evil, "States": {evil: {"Type": "Pass", "Next": "nowhere", "Comment": evil}}})
    client.force_login(users["owner"])
    html = client.get(f"/workflows/{wf.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "</script><script>" not in html


def test_create_and_import_forms(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["owner"])
    response = client.post("/workflows/", {"name": "From the form"})
    assert response.status_code == 302
    upload = SimpleUploadedFile("flow.yaml", b"StartAt: A\nStates:\n  A: {Type: Succeed}\n")
    response = client.post("/workflows/", {"file": upload})
    assert response.status_code == 302
    listing = client.get("/workflows/").content.decode()
    assert "From the form" in listing and ">flow<" in listing
    bad = SimpleUploadedFile("bad.json", b"{nope")
    response = client.post("/workflows/", {"file": bad}, follow=True)
    assert "Not valid" in response.content.decode()


def test_versions_page_lists_versions_with_exports(client, workflow, users):
    client.force_login(users["viewer"])
    html = client.get(f"/workflows/{workflow.pk}/versions/").content.decode()
    assert "v1" in html and f"/api/workflows/{workflow.pk}/versions/1/export/asl/" in html


def test_login_and_logout(client, users):
    response = client.post("/accounts/login/", {"username": "owner", "password": "pw-owner"})
    assert response.status_code == 302
    assert client.get("/workflows/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/workflows/").status_code == 302


def test_load_samples_is_idempotent_and_prints_the_login(django_user_model):
    out = io.StringIO()
    call_command("load_samples", stdout=out)
    assert "username: demo" in out.getvalue() and "password: statewise-demo" in out.getvalue()
    call_command("load_samples", stdout=io.StringIO())
    demo = django_user_model.objects.get(username="demo")
    assert demo.check_password("statewise-demo")
    names = sorted(demo.owned_workflows.values_list("name", flat=True))
    assert names == ["Bank account application", "Break-glass host access", "Nutrition label validation"]
    assert all(w.versions.count() == 1 for w in demo.owned_workflows.all())


def test_versions_are_immutable(workflow):
    version = workflow.versions.get()
    version.message = "rewritten"
    with pytest.raises(AssertionError, match="immutable"):
        version.save()


def test_admin_lists_every_model(admin_client, workflow):
    for model in ("workflow", "workflowversion", "draft", "membership"):
        assert admin_client.get(f"/admin/designer/{model}/").status_code == 200
