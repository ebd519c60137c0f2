"""Who may do what, for every endpoint of the review, the members and the share links: one table.

Principals: the owner, an editor, a reviewer, a viewer, a signed-in non-member, someone anonymous,
and a share link's holder (anonymous, with the link). Each row is one request; each principal makes
it on the same fresh data (the request is rolled back afterwards), and the answer's status is
checked, with a JSON body saying why whenever it is refused. The websocket messages have their own
table in test_feed.py.
"""
from __future__ import annotations

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from designer import services, simulation
from designer.access import services as members
from designer.review import comments, reviews, sharing
from designer.review.models import Notification

pytestmark = pytest.mark.django_db

PRINCIPALS = ("owner", "editor", "reviewer", "viewer", "stranger", "anonymous", "share")
READ = {"owner": 200, "editor": 200, "reviewer": 200, "viewer": 200, "stranger": 404, "anonymous": 401, "share": 401}


def only(allowed: dict, refused: int = 403) -> dict:
    """Members not named get ``refused``; outsiders get 404 (signed in) or 401 (anonymous)."""
    table = {"owner": refused, "editor": refused, "reviewer": refused, "viewer": refused,
             "stranger": 404, "anonymous": 401, "share": 401}
    table.update(allowed)
    return table


COMMENTERS = only({"owner": 201, "editor": 201, "reviewer": 201})
EDITORS = only({"owner": 200, "editor": 200})
OWNER = only({"owner": 200})
SIGNED_IN = {"owner": 200, "editor": 200, "reviewer": 200, "viewer": 200, "stranger": 200, "anonymous": 401,
             "share": 401}
EVERYONE = {p: 200 for p in PRINCIPALS}

ROWS = [
    # comments
    ("GET", "{wf}/comments/", None, READ),
    ("POST", "{wf}/comments/", {"text": "Hm", "state": "Check Address"}, COMMENTERS),
    ("POST", "{wf}/comments/", {"text": "Re", "parent": "{c}"}, COMMENTERS),
    ("GET", "{wf}/comments/{c}/", None, READ),
    ("PATCH", "{wf}/comments/{c}/", {"text": "edited"}, only({"reviewer": 200})),
    ("DELETE", "{wf}/comments/{c}/", None, only({"reviewer": 200})),
    ("POST", "{wf}/comments/{c}/resolve/", None, only({"owner": 200, "editor": 200, "reviewer": 200})),
    ("POST", "{wf}/comments/{c_editor}/resolve/", None, EDITORS),
    ("POST", "{wf}/comments/{c_resolved}/reopen/", None, EDITORS),
    # reviews and releases
    ("GET", "{wf}/reviews/", None, READ),
    ("GET", "{wf}/reviews/{r}/", None, READ),
    ("POST", "{wf}/reviews/", {"version": 1, "reviewers": ["helper"]}, only({"owner": 201, "editor": 201})),
    ("POST", "{wf}/reviews/{r}/answer/", {"decision": "approved"}, only({"reviewer": 200})),
    ("POST", "{wf}/reviews/{r}/withdraw/", None, EDITORS),
    ("GET", "{wf}/release/", None, READ),
    ("POST", "{wf}/release/", {"version": 1}, EDITORS),
    ("GET", "{wf}/export/asl/", None, READ),
    ("GET", "{wf}/bundle/", None, READ),
    ("GET", "{wf}/activity/", None, READ),
    ("GET", "{wf}/presence/", None, READ),
    # share links, the members' side
    ("GET", "{wf}/share-links/", None, EDITORS),
    ("POST", "{wf}/share-links/", {"version": 1}, only({"owner": 201, "editor": 201})),
    ("DELETE", "{wf}/share-links/{link}/", None, EDITORS),
    # members and invitations
    ("GET", "{wf}/members/", None, READ),
    ("POST", "{wf}/members/", {"username": "helper", "role": "viewer"}, only({"owner": 201})),
    ("PATCH", "{wf}/members/{viewer_id}/", {"role": "reviewer"}, OWNER),
    ("DELETE", "{wf}/members/{helper_id}/", None, only({"owner": 204})),
    ("GET", "{wf}/invitations/", None, OWNER),
    ("POST", "{wf}/invitations/", {"email": "x@example.com", "role": "viewer"}, only({"owner": 201})),
    ("DELETE", "{wf}/invitations/{invitation}/", None, OWNER),
    ("GET", "/api/invitations/{invitation_token}/", None, EVERYONE),
    ("POST", "/api/invitations/{invitation_token}/", {"username": "newcomer", "password": "a-sturdy-passphrase-42"},
     {**{p: 201 for p in PRINCIPALS}, "owner": 400}),
    # notifications: one's own
    ("GET", "/api/notifications/", None, SIGNED_IN),
    ("POST", "/api/notifications/read-all/", None, SIGNED_IN),
    ("POST", "/api/notifications/{note}/read/", None, {**SIGNED_IN, "owner": 404, "editor": 404, "viewer": 404,
                                                       "stranger": 404}),
    # a reviewer does not change the design or control runs
    ("PATCH", "{wf}/", {"name": "Renamed"}, EDITORS),
    ("POST", "{wf}/versions/", {"definition": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
                                "base_version": 1}, only({"owner": 201, "editor": 201})),
    ("POST", "{wf}/executions/", {}, only({"owner": 201, "editor": 201})),
    # a share link: reading what it points at, for anyone holding it; nothing else
    ("GET", "/api/share/{token}/", None, EVERYONE),
    ("GET", "/api/share/{token}/comments/", None, EVERYONE),
    ("POST", "/api/share/{token}/comments/", {"text": "sneaky"}, {p: 403 for p in PRINCIPALS}),
    ("DELETE", "/api/share/{token}/", None, {p: 403 for p in PRINCIPALS}),
    ("GET", "/api/share/{run_token}/events/", None, EVERYONE),
    ("GET", "/api/share/{run_token}/dataflow/?state=Check%20Address", None, EVERYONE),
    ("GET", "/api/share/{token}/events/", None, {p: 404 for p in PRINCIPALS}),
    ("GET", "/api/share/{revoked_token}/", None, {p: 404 for p in PRINCIPALS}),
    ("GET", "/api/share/not-a-link/comments/", None, {p: 404 for p in PRINCIPALS}),
]


@pytest.fixture
def world(users, workflow, reviewer, django_user_model):
    owner = users["owner"]
    helper = django_user_model.objects.create_user(username="helper", password="pw-helper")
    services.membership_set(user=owner, workflow=workflow, username="helper", role="reviewer")
    c = comments.comment_create(user=reviewer, workflow=workflow, text_="Why?", state="Check Address")
    c_editor = comments.comment_create(user=users["editor"], workflow=workflow, text_="Note", state="Check Address")
    c_resolved = comments.comment_create(user=users["editor"], workflow=workflow, text_="Done", state="Check Address")
    comments.comment_resolve(user=owner, comment=c_resolved)
    r = reviews.review_request(user=owner, workflow=workflow, version=1, reviewers=["reviewer"])
    reviews.review_answer(user=reviewer, request=r, decision="approved")
    link = sharing.share_link_create(user=owner, workflow=workflow, version=1)
    revoked = sharing.share_link_create(user=owner, workflow=workflow, version=1)
    sharing.share_link_revoke(user=owner, link=revoked)
    execution, _ = simulation.execution_start(user=owner, workflow=workflow, input={}, seed=3)
    run_link = sharing.share_link_create(user=owner, workflow=workflow, execution=execution.pk)
    invitation = members.invitation_create(user=owner, workflow=workflow, email="new@example.com", role="viewer")
    note = Notification.objects.filter(user=reviewer).first()
    return {"wf": f"/api/workflows/{workflow.pk}", "c": c.pk, "c_editor": c_editor.pk, "c_resolved": c_resolved.pk,
            "r": r.pk, "link": link.pk, "token": sharing.share_link_token(link),
            "revoked_token": sharing.share_link_token(revoked), "run_token": sharing.share_link_token(run_link),
            "viewer_id": users["viewer"].pk, "helper_id": helper.pk, "invitation": invitation.pk,
            "invitation_token": members.invitation_token(invitation), "note": note.pk}


def _fill(value, world):
    """The row's placeholders ({wf}, {c}...) filled from the world; a whole "{c}" becomes a number."""
    if isinstance(value, str):
        text = value.format(**world)
        return int(text) if value.startswith("{") and value.endswith("}") and text.isdigit() else text
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


def test_permission_matrix(world, users):
    """Every row with every principal, on one set of data (each request rolled back); all the
    rows that disagree are listed together."""
    clients = {}
    for who in PRINCIPALS:
        clients[who] = APIClient()
        if who not in ("anonymous", "share"):
            clients[who].force_authenticate(users[who])
    wrong = []
    for method, path, body, expected in ROWS:
        url = _fill(path, world)
        url = url if url.startswith("/api/") else f"/api/workflows/{url}"
        got = {}
        for who in PRINCIPALS:
            with transaction.atomic():
                response = getattr(clients[who], method.lower())(url, _fill(body, world), format="json")
                transaction.set_rollback(True)
            got[who] = response.status_code
            if response.status_code >= 400:
                assert response["Content-Type"].startswith("application/json"), (who, method, url)
                assert response.json()["detail"], (who, method, url)
        if got != expected:
            wrong.append(f"{method} {path}: " + ", ".join(f"{w} {got[w]} (expected {expected[w]})"
                                                          for w in PRINCIPALS if got[w] != expected[w]))
    assert not wrong, "\n".join(wrong)
    assert len(ROWS) * len(PRINCIPALS) > 300
