"""Review requests, answers, superseding and releases (designer/review/reviews.py), and the
activity log they leave."""
from __future__ import annotations

import pytest

from designer.errors import Forbidden, InvalidInput
from designer.review import comments, reviews, selectors
from designer.review.models import Activity, Notification
from designer.review.reviews import ReviewClosed

pytestmark = pytest.mark.django_db


def ask(users, workflow, version=1, who=("reviewer",), by="owner", message="Please look"):
    return reviews.review_request(user=users[by], workflow=workflow, version=version, reviewers=list(who),
                                  message=message)


def test_ask_answer_and_the_status_at_a_glance(users, workflow, reviewer):
    request = ask(users, workflow, who=("reviewer", "editor"))
    assert selectors.version_review(version=request.version)["label"] == "in review · approved by 0 of 2"
    assert set(Notification.objects.filter(kind="review_requested").values_list("user__username", flat=True)) == {
        "reviewer", "editor"}
    reviews.review_answer(user=reviewer, request=request, decision="approved")
    assert selectors.version_review(version=request.version)["label"] == "in review · approved by 1 of 2"
    reviews.review_answer(user=users["editor"], request=request, decision="changes_requested", comment="Rename it")
    summary = selectors.version_review(version=request.version)
    assert (summary["state"], summary["label"]) == ("changes_requested", "changes requested")
    reviews.review_answer(user=users["editor"], request=request, decision="approved")
    summary = selectors.version_review(version=request.version)
    assert (summary["state"], summary["label"], summary["approved_by_all"]) == ("approved", "approved by all 2", True)
    assert Notification.objects.filter(user=users["owner"], kind="review_answered").count() == 3


def test_who_may_ask_and_answer(users, workflow, reviewer):
    with pytest.raises(Forbidden):
        ask(users, workflow, by="reviewer", who=("editor",))
    for who, field_text in ((("viewer",), "is a viewer"), (("stranger",), "not a member"), (("owner",), "yourself"),
                            ([], "at least one")):
        with pytest.raises(InvalidInput) as caught:
            ask(users, workflow, who=who)
        assert caught.value.field == "reviewers" and field_text in caught.value.message
    request = ask(users, workflow)
    with pytest.raises(Forbidden):  # an editor who was not asked
        reviews.review_answer(user=users["editor"], request=request, decision="approved")
    with pytest.raises(Forbidden):
        reviews.review_answer(user=users["viewer"], request=request, decision="approved")
    with pytest.raises(InvalidInput) as caught:
        reviews.review_answer(user=reviewer, request=request, decision="changes_requested")
    assert caught.value.field == "comment"
    with pytest.raises(InvalidInput) as caught:
        reviews.review_answer(user=reviewer, request=request, decision="maybe")
    assert caught.value.field == "decision"


def test_only_the_latest_version_goes_in_review_and_asking_again_adds_people(users, workflow, reviewer, save):
    save()
    with pytest.raises(InvalidInput) as caught:
        ask(users, workflow, version=1)
    assert caught.value.field == "version" and "latest" in caught.value.message
    with pytest.raises(InvalidInput) as caught:
        ask(users, workflow, version=7)
    assert caught.value.field == "version"
    first = ask(users, workflow, version=2)
    again = ask(users, workflow, version=2, who=("reviewer", "editor"))
    assert again.pk == first.pk and [a.reviewer.username for a in again.answers.all()] == ["reviewer", "editor"]
    with pytest.raises(InvalidInput):
        ask(users, workflow, version=2, who=("editor",))


def test_a_newer_version_supersedes_and_approvals_never_carry_over(users, workflow, reviewer, save):
    request = ask(users, workflow)
    reviews.review_answer(user=reviewer, request=request, decision="approved")
    save()
    request.refresh_from_db()
    assert request.status == "superseded" and request.superseded_by.number == 2
    old = selectors.version_review(version=request.version)
    assert old["state"] == "superseded" and old["label"] == "approved, then superseded by version 2"
    assert selectors.version_review(version=workflow.versions.get(number=2)) is None
    with pytest.raises(ReviewClosed) as caught:
        reviews.review_answer(user=reviewer, request=request, decision="changes_requested", comment="late")
    assert caught.value.status_code == 409 and "version 2" in caught.value.message
    kinds = list(Activity.objects.filter(workflow=workflow).order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["version.saved", "review.superseded"]


def test_release_needs_approval_and_export_defaults_to_it(users, workflow, reviewer, save, client_for):
    with pytest.raises(InvalidInput) as caught:
        reviews.version_release(user=users["owner"], workflow=workflow, version=1)
    assert "not reviewed" in caught.value.message
    request = ask(users, workflow)
    with pytest.raises(InvalidInput):
        reviews.version_release(user=users["owner"], workflow=workflow, version=1)
    reviews.review_answer(user=reviewer, request=request, decision="approved")
    with pytest.raises(Forbidden):
        reviews.version_release(user=reviewer, workflow=workflow, version=1)
    reviews.version_release(user=users["editor"], workflow=workflow, version=1)
    save(lambda d: d.update(Comment="version two"))
    assert selectors.version_released(workflow=workflow).number == 1
    assert selectors.version_for_export(workflow=workflow).number == 1
    # v1 stays releasable after v2 superseded its (approved) review.
    reviews.version_release(user=users["editor"], workflow=workflow, version=1)
    export = client_for("viewer").get(f"/api/workflows/{workflow.pk}/export/asl/")
    assert export.status_code == 200 and b"version two" not in export.content
    assert "-v1.asl.json" in export["Content-Disposition"]
    latest = client_for("viewer").get(f"/api/workflows/{workflow.pk}/export/asl/?version=2")
    assert b"version two" in latest.content
    bundle = client_for("viewer").get(f"/api/workflows/{workflow.pk}/bundle/")
    assert bundle.status_code == 200 and "-v1-handover.zip" in bundle["Content-Disposition"]


def test_the_log_is_numbered_without_gaps_and_append_only(users, workflow, reviewer, save):
    request = ask(users, workflow)
    reviews.review_answer(user=reviewer, request=request, decision="approved")
    save()
    entries = list(Activity.objects.filter(workflow=workflow).order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    with pytest.raises(AssertionError):
        entries[0].save()


def test_notifications_are_emailed_when_on_and_never_needed(users, workflow, reviewer, settings, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    settings.STATEWISE_EMAIL_NOTIFICATIONS = True
    settings.STATEWISE_BASE_URL = "https://statewise.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        ask(users, workflow, who=("reviewer", "editor"))  # the editor has no address: inbox only
    assert [m.to for m in mailoutbox] == [["rev@example.com"]]
    assert mailoutbox[0].subject == "[Statewise] owner asked you to review version 1 of “Bank account application”"
    note = Notification.objects.get(user=reviewer)
    assert f"https://statewise.example.com/inbox/{note.pk}/open/" in mailoutbox[0].body
    settings.STATEWISE_EMAIL_NOTIFICATIONS = False
    settings.EMAIL_BACKEND = "no.such.Backend"  # would fail if anything tried to send
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_create(user=users["owner"], workflow=workflow, text_="@reviewer look", state="Check Address")
    assert len(mailoutbox) == 1 and Notification.objects.filter(user=reviewer, kind="mentioned").exists()


def test_the_versions_api_says_where_each_review_stands(users, workflow, reviewer, save, client_for):
    request = ask(users, workflow)
    reviews.review_answer(user=reviewer, request=request, decision="approved")
    reviews.version_release(user=users["owner"], workflow=workflow, version=1)
    save()
    rows = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/").json()
    assert [(r["number"], r["review"] and r["review"]["label"], r["is_released"]) for r in rows] == [
        (2, None, False), (1, "approved, then superseded by version 2", True)]
    one = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/1/").json()
    assert one["review"]["approved_by_all"] and one["is_released"]
