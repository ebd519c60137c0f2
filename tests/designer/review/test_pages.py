"""The review's pages, as the server draws them (the browser tests drive them with JavaScript)."""
from __future__ import annotations

import json
import re

import pytest

from designer import simulation
from designer.access import services as members
from designer.review import comments, reviews, sharing

pytestmark = pytest.mark.django_db


def review_data(html: str) -> dict:
    return json.loads(re.search(r'<script id="review-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def test_workflow_pages_carry_the_review_bar_and_its_data(client, users, workflow, reviewer):
    comments.comment_create(user=reviewer, workflow=workflow, text_="</script><b>x</b>", state="Check Address")
    reviews.review_request(user=users["owner"], workflow=workflow, version=1, reviewers=["reviewer"])
    client.force_login(reviewer)
    for path in (f"/workflows/{workflow.pk}/", f"/workflows/{workflow.pk}/versions/",
                 f"/workflows/{workflow.pk}/activity/", f"/workflows/{workflow.pk}/members/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert 'id="review-bar"' in html and "in review · approved by 0 of 1" in html, path
        data = review_data(html)
        assert data["comments"][0]["text"] == "</script><b>x</b>"  # escaped inside the JSON, whole in the data
        assert "</script><b>" not in html
        assert data["permissions"]["comment"] and not data["permissions"]["edit"]
        assert data["myAnswer"] == {"decision": "pending", "request": data["review"]["id"]}
    assert 'data-review-version="1"' in client.get(f"/workflows/{workflow.pk}/versions/").content.decode()
    activity = client.get(f"/workflows/{workflow.pk}/activity/").content.decode()
    assert "owner asked reviewer to review version 1" in activity
    assert "reviewer commented on “Check Address” (version 1)" in activity


def test_the_run_page_has_the_bar_and_the_inbox_counts(client, users, workflow, reviewer):
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={}, seed=1)
    reviews.review_request(user=users["owner"], workflow=workflow, version=1, reviewers=["reviewer"])
    client.force_login(reviewer)
    html = client.get(f"/executions/{execution.pk}/").content.decode()
    assert 'id="review-bar"' in html and review_data(html)["page"] == "run"
    assert re.search(r'id="inbox-count"[^>]*>1<', html)
    inbox = client.get("/inbox/").content.decode()
    note = re.search(r'href="/inbox/(\d+)/open/">owner asked you to review version 1 of “Bank account application”', inbox)
    assert note
    opened = client.get(f"/inbox/{note.group(1)}/open/")
    assert opened.status_code == 302 and opened["Location"] == f"/workflows/{workflow.pk}/?version=1"
    assert re.search(r'id="inbox-count"[^>]*>0<', client.get("/inbox/").content.decode())
    assert client.get("/inbox/999999/open/").status_code == 404


def test_a_share_page_shows_the_version_and_nothing_else(client, users, workflow):
    comments.comment_create(user=users["editor"], workflow=workflow, text_="Looks fine", state="Check Address")
    link = sharing.share_link_create(user=users["editor"], workflow=workflow, version=1)
    path = sharing.share_link_path(link)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200 and response["Referrer-Policy"] == "same-origin"
    assert 'data-state="Check Address"' in html and "Looks fine" in html
    for elsewhere in ("/workflows/", "/api/docs/", "Log out", "Inbox", "review-bar", "/admin/"):
        assert elsewhere not in html, elsewhere
    sharing.share_link_revoke(user=users["owner"], link=link)
    assert client.get(path).status_code == 404
    assert client.get(path.replace("/s/", "/s/x")).status_code == 404


def test_a_run_share_page_replays_the_run(client, users, workflow):
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={}, seed=1)
    link = sharing.share_link_create(user=users["owner"], workflow=workflow, execution=execution.pk)
    html = client.get(sharing.share_link_path(link)).content.decode()
    page = json.loads(re.search(r'<script id="page-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert page["kind"] == "run" and page["websocket"].startswith("/ws/share/") and page["websocket"].endswith("/execution/")
    assert 'id="history"' in html


def test_the_members_page_adds_invites_changes_and_removes(client, users, workflow, django_user_model):
    client.force_login(users["owner"])
    url = f"/workflows/{workflow.pk}/members/"
    django_user_model.objects.create_user(username="ann", email="ann@example.com", password="x")
    page = client.post(url, {"action": "add", "who": "ann@example.com", "role": "reviewer"}, follow=True).content.decode()
    assert "ann is now a reviewer." in page
    page = client.post(url, {"action": "add", "who": "bob@example.com", "role": "editor"}, follow=True).content.decode()
    link = re.search(r'(http://testserver/invite/[^ "<]+)', page).group(1)
    assert "bob@example.com has no account yet" in page
    ann = django_user_model.objects.get(username="ann")
    page = client.post(url, {"action": "role", "user": str(ann.pk), "role": "editor"}, follow=True).content.decode()
    assert "ann is now an editor." in page
    client.post(url, {"action": "remove", "user": str(ann.pk)})
    assert not workflow.memberships.filter(user=ann).exists()
    # The invitation page: a new account with the invited role, signed in.
    other = client.__class__()
    joined = other.post(link.removeprefix("http://testserver"), {"username": "bob", "password": "bob-secret-123",
                                                                  "password2": "bob-secret-123"})
    assert joined.status_code == 302 and joined["Location"] == f"/workflows/{workflow.pk}/"
    assert workflow.memberships.get(user__username="bob").role == "editor"
    assert other.get(f"/workflows/{workflow.pk}/").status_code == 200
    assert other.get(link.removeprefix("http://testserver")).status_code == 404  # single use
    # Others see the list, not the forms.
    client.force_login(users["viewer"])
    html = client.get(url).content.decode()
    assert "bob" in html and 'id="invite-form"' not in html and "member-remove" not in html
    assert client.post(url, {"action": "remove", "user": str(users["editor"].pk)}).status_code == 302
    assert workflow.memberships.filter(user=users["editor"]).exists()


def test_invitation_page_mismatched_passwords_say_so(client, users, workflow):
    invitation = members.invitation_create(user=users["owner"], workflow=workflow, email="c@example.com", role="viewer")
    html = client.post(members.invitation_path(invitation), {"username": "c", "password": "abcdefgh1",
                                                              "password2": "abcdefgh2"}).content.decode()
    assert "The two passwords are not the same." in html
