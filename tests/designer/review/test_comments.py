"""Comments pinned to the design: services (designer/review/comments.py) and their safe text."""
from __future__ import annotations

import pytest

from designer.errors import Forbidden, InvalidInput, NotFound
from designer.review import comments, selectors, text
from designer.review.models import Activity, Notification
from designer.review.serializers import comment_out

pytestmark = pytest.mark.django_db


def post(users, workflow, who="reviewer", body="Is this right?", **where):
    return comments.comment_create(user=users[who], workflow=workflow, text_=body, **where)


def test_a_comment_on_a_step_an_arrow_and_the_workflow(users, workflow, reviewer):
    on_step = post(users, workflow, state="Check Address")
    on_edge = post(users, workflow, edge={"source": "Human Review Required?", "to": "Wait For Review", "kind": "choice"})
    on_all = post(users, workflow)
    assert (on_step.anchor, on_step.state_name, on_step.version.number) == ("state", "Check Address", 1)
    assert (on_edge.anchor, on_edge.state_name, on_edge.edge_to, on_edge.edge_kind) == (
        "edge", "Human Review Required?", "Wait For Review", "choice")
    assert on_all.anchor == "workflow" and on_all.state_name == ""
    assert [a.kind for a in Activity.objects.filter(workflow=workflow).order_by("seq")][-3:] == ["comment.created"] * 3


@pytest.mark.parametrize("where, field", [
    ({"state": "No Such Step"}, "state"),
    ({"version": 9}, "version"),
    ({"edge": {"source": "Check Address", "to": "Done", "kind": "next"}}, "edge.to"),
    ({"edge": {"source": "Nope", "to": "Done", "kind": "next"}}, "edge.source"),
    ({"edge": {"source": "Check Address", "to": "Done", "kind": "sideways"}}, "edge.kind"),
    ({"state": "Check Address", "edge": {"source": "a", "to": "b"}}, "edge"),
])
def test_a_missing_step_version_or_arrow_is_refused_naming_the_field(users, workflow, reviewer, where, field):
    with pytest.raises(InvalidInput) as caught:
        post(users, workflow, **where)
    assert caught.value.field == field
    assert not workflow.comments.exists()


def test_text_is_bounded_and_never_blank(users, workflow, reviewer):
    with pytest.raises(InvalidInput) as caught:
        post(users, workflow, body="x" * 10_001)
    assert caught.value.field == "text" and "10,000" in caught.value.message
    with pytest.raises(InvalidInput):
        post(users, workflow, body=" \n\t ")
    assert len(post(users, workflow, body="y" * 10_000).text) == 10_000


def test_a_viewer_reads_but_does_not_comment(users, workflow):
    with pytest.raises(Forbidden):
        post(users, workflow, who="viewer")
    with pytest.raises(NotFound):
        post(users, workflow, who="stranger")


def test_replies_join_the_thread_and_tell_its_author(users, workflow, reviewer):
    root = post(users, workflow, state="Check Address")
    reply = post(users, workflow, who="editor", body="Yes", parent=root.pk)
    again = post(users, workflow, who="owner", body="Agreed", parent=reply.pk)  # a reply to a reply
    assert reply.parent_id == again.parent_id == root.pk
    assert (again.anchor, again.state_name) == ("state", "Check Address")
    kinds = set(Notification.objects.filter(user=reviewer).values_list("kind", flat=True))
    assert kinds == {"replied"}
    with pytest.raises(NotFound) as caught:
        post(users, workflow, parent=999999)
    assert caught.value.field == "parent"


def test_mentions_tell_members_only(users, workflow, reviewer):
    comment = post(users, workflow, body="@editor and @stranger, and @viewer.", state="Check Address")
    assert comment.mentions == ["editor", "viewer"]
    told = set(Notification.objects.filter(kind="mentioned").values_list("user__username", flat=True))
    assert told == {"editor", "viewer"}


def test_only_the_author_edits_or_deletes_and_replies_survive_a_delete(users, workflow, reviewer):
    root = post(users, workflow, body="First", state="Check Address")
    reply = post(users, workflow, who="editor", body="Reply", parent=root.pk)
    with pytest.raises(Forbidden):
        comments.comment_edit(user=users["editor"], comment=root, text_="hijacked")
    with pytest.raises(Forbidden):
        comments.comment_delete(user=users["owner"], comment=root)
    comments.comment_edit(user=reviewer, comment=root, text_="First, edited @editor")
    assert root.edited is not None and root.mentions == ["editor"]
    comments.comment_delete(user=reviewer, comment=root)
    out = comment_out(root)
    assert out["is_deleted"] and out["text"] == "" and root.text == ""
    assert selectors.comment_get(workflow=workflow, comment_id=reply.pk).text == "Reply"
    with pytest.raises(InvalidInput):
        comments.comment_edit(user=reviewer, comment=root, text_="back from the dead")
    # The log says what happened, never the words.
    assert not any("First" in str(a.data) for a in Activity.objects.filter(workflow=workflow))


def test_resolve_by_editors_and_the_thread_author_not_other_reviewers(users, workflow, reviewer, django_user_model):
    from designer import services

    other = django_user_model.objects.create_user(username="other", password="x")
    services.membership_set(user=users["owner"], workflow=workflow, username="other", role="reviewer")
    root = post(users, workflow, state="Check Address")
    with pytest.raises(Forbidden):
        comments.comment_resolve(user=other, comment=root)
    with pytest.raises(Forbidden):
        comments.comment_resolve(user=users["viewer"], comment=root)
    comments.comment_resolve(user=users["editor"], comment=root)
    assert root.resolved and root.resolved_by == users["editor"]
    assert Notification.objects.filter(user=reviewer, kind="resolved").exists()
    comments.comment_reopen(user=reviewer, comment=root)
    root.refresh_from_db()
    assert root.resolved is None


def test_a_renamed_step_keeps_its_threads_and_a_removed_one_says_so(users, workflow, reviewer, save, rename):
    on_step = post(users, workflow, state="Check Address")
    on_edge = post(users, workflow, edge={"source": "Approve Application", "to": "Notify Applicant", "kind": "next"})
    save(lambda d: rename(d, "Check Address", "Verify Address"))
    save(lambda d: rename(d, "Notify Applicant", "Tell The Applicant"))
    on_step.refresh_from_db()
    on_edge.refresh_from_db()
    assert (on_step.state_name, on_step.written_state_name) == ("Verify Address", "Check Address")
    assert (on_edge.state_name, on_edge.edge_to) == ("Approve Application", "Tell The Applicant")
    assert not comment_out(on_step)["on_removed_step"]

    def drop(d):
        branch = next(b for b in d["States"]["Perform Automated Checks"]["Branches"] if "Verify Address" in b["States"])
        branch["States"] = {"Only": {"Type": "Pass", "End": True}}
        branch["StartAt"] = "Only"
    save(drop)
    out = comment_out(selectors.comment_get(workflow=workflow, comment_id=on_step.pk))
    assert out["on_removed_step"] and out["version"] == 1 and out["state"] == "Verify Address"


def test_safe_html_escapes_everything_and_links_only_http():
    html = text.to_html('<script>alert(1)</script>\nsee https://example.com/a_(b)). and javascript:alert(1) "q"')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.com/a_(b)" rel="noopener noreferrer nofollow" target="_blank">' in html
    assert "</a>). and javascript:alert(1) &quot;q&quot;" in html
    assert "<br>" in html
    assert text.to_html('https://x.io/"onmouseover="alert(1)') == (
        '<a href="https://x.io/" rel="noopener noreferrer nofollow" target="_blank">https://x.io/</a>'
        '&quot;onmouseover=&quot;alert(1)')


def test_clean_keeps_line_breaks_and_drops_control_characters():
    assert text.clean("a\r\nb\rc\x00d\x07") == "a\nb\ncd"
    assert text.mentioned_names("hi @ann, @bob. mail x@y.com @ann") == ["ann", "bob"]
