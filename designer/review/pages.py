"""Pages of the design review: the activity log, the inbox, a share link's page, and what the
editor, versions and run pages add (their review bar and comment layer's data)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from interpreter.wording import vocabulary

from .. import graph, simulation
from .. import selectors as access
from ..errors import DomainError, NotFound
from ..glossary.selectors import glossary_applied, glossary_stored
from ..models import Workflow, WorkflowVersion
from ..suites.selectors import version_tests
from . import notifications, selectors, sharing, words
from .serializers import NotificationSerializer, ReviewSerializer, ShareLinkSerializer, comments_out

ACTIVITY_PAGE = 500


def _visible(request, workflow_id: int) -> Workflow:
    try:
        return access.workflow_get(user=request.user, workflow_id=workflow_id)
    except NotFound:
        raise Http404("No such workflow.") from None


def review_context(request, workflow: Workflow, version: WorkflowVersion | None, role: str | None,
                   page: str) -> dict:
    """What a workflow page's review bar and comment layer start from (as ``review`` in the
    template, and as JSON in ``#review-data``); the live feed keeps it current."""
    permissions = access.permissions_of(role)
    review = selectors.review_open_for(version=version) if version is not None else None
    last = selectors.version_reviews(workflow=workflow).get(version.number) if version is not None else None
    latest = access.version_latest(workflow=workflow)
    released = selectors.version_released(workflow=workflow)
    mine = selectors.pending_answer(user=request.user, version=version) if version is not None else None
    data = {
        "workflowId": workflow.pk, "page": page, "user": request.user.username, "permissions": permissions,
        "versionNumber": version.number if version else None, "latestVersion": latest.number if latest else None,
        "released": released.number if released else None,
        "lastSeq": selectors.activity_last_seq(workflow_id=workflow.pk),
        "comments": comments_out(selectors.comment_list(workflow=workflow), workflow=workflow),
        "review": ReviewSerializer(review).data if review else None,
        "summary": last,
        "tests": version_tests(version=version) if version is not None else None,
        "myAnswer": {"decision": mine.decision, "request": mine.request_id} if mine else None,
        "reviewers": [u.username for u in selectors.reviewer_candidates(workflow=workflow)
                      if u.pk != request.user.pk],
        "members": sorted({u.username for u in selectors.reviewer_candidates(workflow=workflow)}
                          | {m.user.username for m in access.membership_list(workflow=workflow)}),
    }
    if permissions["share"]:
        data["shareLinks"] = ShareLinkSerializer(selectors.share_link_list(workflow=workflow)[:50], many=True,
                                                 context={"request": request}).data
    return {"review": data, "review_summary": last, "released_version": released, "review_tests": data["tests"]}


@login_required
def activity_page(request, workflow_id: int):
    workflow = _visible(request, workflow_id)
    role = access.workflow_role(user=request.user, workflow=workflow)
    last = selectors.activity_last_seq(workflow_id=workflow.pk)
    entries = selectors.activity_after(workflow=workflow, after=max(0, last - ACTIVITY_PAGE))
    return render(request, "review/activity.html", {
        "workflow": workflow, "role": role,
        "entries": [{"seq": e.seq, "kind": e.kind, "created": e.created, "words": words.activity_words(e)}
                    for e in reversed(list(entries))],
        "older": max(0, last - ACTIVITY_PAGE),
        **review_context(request, workflow, access.version_latest(workflow=workflow), role, "activity")})


@login_required
def inbox_page(request):
    notes = selectors.notification_list(user=request.user)[:200]
    return render(request, "review/inbox.html", {"notes": [
        {"id": n.pk, "words": words.notification_words(n), "created": n.created, "is_read": n.read is not None,
         "compare": words.compare_url(n.activity), "version": n.activity.version_number}
        for n in notes]})


@login_required
@require_http_methods(["GET", "POST"])
def inbox_open(request, notification_id: int):
    """Opening a notification marks it read, then shows what it is about."""
    try:
        note = selectors.notification_get(user=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404("No such notification.") from None
    notifications.notification_read(user=request.user, notification=note)
    return redirect(NotificationSerializer(note).data["url"])


@login_required
@require_http_methods(["POST"])
def inbox_read_all(request):
    notifications.notification_read_all(user=request.user)
    return redirect("inbox")


@never_cache
def share_page(request, token: str):
    """A share link's page: the graph, the plain-words inspector, the comments (read-only) and,
    for a run, its live replay. Nothing else of the workflow or the site."""
    try:
        link = sharing.share_link_open(token, touch=True)
    except DomainError:
        raise Http404("This link does not exist, was revoked or has expired.") from None
    version = link.version
    workflow = link.workflow
    page = {"shareToken": token, "kind": "run" if link.execution_id else "version", "workflow": workflow.name,
            "versionNumber": version.number, "definition": version.definition, "problems": version.problems,
            "vocabulary": vocabulary(), "expires": link.expires.isoformat() if link.expires else None,
            "comments": comments_out(selectors.comment_list(workflow=workflow), workflow=workflow),
            "lastSeq": selectors.activity_last_seq(workflow_id=workflow.pk),
            "feed": reverse("share-page", args=[token]).replace("/s/", "/ws/share/", 1) + "feed/"}
    # The workflow's own plain names for its data fields, as members see them.
    glossary = glossary_applied(version.definition, glossary_stored(workflow_id=workflow.pk))
    context = {"link": link, "workflow": workflow, "version": version, "page": page,
               "svg": graph.render_svg(version.definition, version.problems, glossary=glossary)}
    if link.execution_id:
        execution = link.execution
        state = simulation.execution_state(execution)
        page.update(execution=state, executionId=execution.pk,
                    websocket=page["feed"].removesuffix("feed/") + "execution/", tableLimit=1000)
        context.update(execution=execution, state=state)
    response = render(request, "review/share.html", context)
    # The link is the credential: it must not leak to other sites through the Referer header, nor to a
    # search engine.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def version_rows_context(workflow: Workflow) -> dict:
    """The versions page's review column: each version's review summary and the released one."""
    released = selectors.version_released(workflow=workflow)
    return {"version_reviews": selectors.version_reviews(workflow=workflow),
            "released_number": released.number if released else None}
