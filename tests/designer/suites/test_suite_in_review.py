"""A suite's outcome where a review is decided (the review bar, the review API, the activity log,
the review document), and a suite that runs for long never holds up anyone else's request."""
from __future__ import annotations

import asyncio
import json
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.test import Client

from designer.samples import SAMPLES_DIR

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cases(client_for, workflow):
    config = json.loads((SAMPLES_DIR / "account-application.mocks.json").read_text())
    data = json.loads((SAMPLES_DIR / "account-application.input.json").read_text())
    for name in ("CleanApplication", "FlaggedAddressApprovedByReviewer"):
        r = client_for("owner").post(f"/api/workflows/{workflow.pk}/test-cases/",
                                     {"name": name, "input": data, "mock_config": config}, format="json")
        assert r.status_code == 201, r.content


@pytest.fixture
def reviewer(users, workflow, django_user_model):
    from designer import services

    users["reviewer"] = django_user_model.objects.create_user(username="reviewer", password="pw")
    services.membership_set(user=users["owner"], workflow=workflow, username="reviewer", role="reviewer")
    return users["reviewer"]


def test_the_review_request_shows_how_the_test_cases_went_on_its_version(client_for, workflow, cases, reviewer):
    owner, rev = client_for("owner"), client_for("reviewer")
    base = f"/api/workflows/{workflow.pk}"
    r = owner.post(f"{base}/reviews/", {"version": 1, "reviewers": ["reviewer"], "message": "look"}, format="json")
    assert r.status_code == 201, r.content
    review = r.json()
    assert review["tests"] is None
    reviewer_page = Client()
    reviewer_page.force_login(reviewer)
    page = reviewer_page.get(f"/workflows/{workflow.pk}/?version=1").content.decode()
    assert "Test cases: not run for this version" in page

    run = owner.post(f"{base}/suite-runs/", {"version": 1}, format="json").json()
    assert run["summary"] == "2/2 pass"
    got = rev.get(f"{base}/reviews/{review['id']}/").json()
    assert got["tests"]["summary"] == "2/2 pass" and (got["tests"]["passed"], got["tests"]["total"]) == (2, 2)
    assert got["tests"]["suiteRun"] == run["id"]
    page = reviewer_page.get(f"/workflows/{workflow.pk}/?version=1").content.decode()
    assert 'id="review-tests" class="badge good"' in page and "Test cases: 2/2 pass" in page
    # Every open page hears of it through the workflow's feed: an entry of the activity log.
    entry = rev.get(f"{base}/activity/").json()[-1]
    assert (entry["kind"], entry["version"], entry["data"]["summary"]) == ("suite.ran", 1, "2/2 pass")
    assert entry["words"] == "owner ran the test cases on version 1: 2/2 pass"
    # The review document lists them with their outcomes.
    doc = reviewer_page.get(f"/workflows/{workflow.pk}/versions/1/review/").content.decode()
    assert '<dd id="doc-test-summary">2/2 pass</dd>' in doc
    assert "CleanApplication" in doc and "FlaggedAddressApprovedByReviewer" in doc and "SUCCEEDED" in doc


def test_a_review_request_in_the_inbox_links_to_what_changed(client_for, users, workflow, reviewer):
    from designer import selectors, services

    latest = selectors.version_latest(workflow=workflow)
    definition = dict(latest.definition, Comment="second version")
    services.version_create(user=users["owner"], workflow=workflow, definition=definition, base_version=1)
    r = client_for("owner").post(f"/api/workflows/{workflow.pk}/reviews/", {"version": 2, "reviewers": ["reviewer"]},
                                 format="json")
    assert r.status_code == 201, r.content
    compare = f"/workflows/{workflow.pk}/compare/?from=1&to=2"
    note = client_for("reviewer").get("/api/notifications/").json()
    note = note["results"][0] if isinstance(note, dict) else note[0]
    assert note["kind"] == "review_requested" and note["compare_url"] == compare
    page = Client()
    page.force_login(reviewer)
    inbox = page.get("/inbox/").content.decode()
    assert f'href="{compare.replace("&", "&amp;")}"' in inbox and "what changed since v1" in inbox
    assert page.get(compare).status_code == 200


async def test_a_long_suite_does_not_hold_up_other_requests(users, workflow, cases, monkeypatch):
    """The suite is held inside the interpreter until another person's request has been answered
    through the same ASGI application: were the suite run on the server's event loop (or on a
    thread every request shares), that request would wait behind it and this test would fail."""
    from designer.asgi import application
    from designer.suites import services

    started, release = threading.Event(), threading.Event()
    real = services.run_cases

    def held(*args, **kwargs):
        started.set()
        assert release.wait(60), "the other request was never answered"
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "run_cases", held)

    def session(user) -> list[tuple[bytes, bytes]]:
        client = Client()
        client.force_login(user)
        token = "a" * 32
        return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}".encode()),
                (b"x-csrftoken", token.encode()), (b"host", b"testserver"), (b"content-type", b"application/json")]

    owner_headers = await sync_to_async(session)(users["owner"])
    viewer_headers = await sync_to_async(session)(users["viewer"])
    suite = HttpCommunicator(application, "POST", f"/api/workflows/{workflow.pk}/suite-runs/",
                             body=b'{"version": 1}', headers=owner_headers)
    suite_task = asyncio.ensure_future(suite.get_response(timeout=90))
    try:
        assert await asyncio.to_thread(started.wait, 30), "the suite never started"
        other = HttpCommunicator(application, "GET", f"/api/workflows/{workflow.pk}/", headers=viewer_headers)
        answer = await other.get_response(timeout=30)
        assert answer["status"] == 200 and json.loads(answer["body"])["name"] == workflow.name
        assert not suite_task.done()
    finally:
        release.set()
    response = await suite_task
    assert response["status"] == 201, response["body"]
    assert json.loads(response["body"])["summary"] == "2/2 pass"
