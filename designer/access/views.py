"""The members page (the owner invites, changes roles, removes; everyone sees who is in) and an
invitation link's page (set a password and join). Plain forms: they work without JavaScript."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import selectors as access
from ..errors import DomainError, InvalidInput, NotFound
from ..models import Role
from ..review.pages import review_context
from . import services


def _visible(request, workflow_id: int):
    try:
        return access.workflow_get(user=request.user, workflow_id=workflow_id)
    except NotFound:
        raise Http404("No such workflow.") from None


ROLE_WORDS = {
    "viewer": "can look at the design, the comments and the runs",
    "reviewer": "can also comment and approve or request changes",
    "editor": "can also change the design, run simulations and ask for reviews",
}


@login_required
@require_http_methods(["GET", "POST"])
def members_page(request, workflow_id: int):
    workflow = _visible(request, workflow_id)
    role = access.workflow_role(user=request.user, workflow=workflow)
    if request.method == "POST":
        try:
            _act(request, workflow)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("workflow-members", workflow_id=workflow.pk)
    manage = access.role_can(role, "manage_members")
    invitations = []
    if manage:
        for inv in workflow.invitations.select_related("invited_by", "accepted_by").order_by("-id")[:50]:
            state = services.invitation_state(inv)
            invitations.append({"invitation": inv, "state": state,
                                "url": request.build_absolute_uri(services.invitation_path(inv)) if state == "open" else ""})
    return render(request, "access/members.html", {
        "workflow": workflow, "role": role, "manage": manage, "members": access.membership_list(workflow=workflow),
        "roles": [(value, label, ROLE_WORDS[value]) for value, label in Role.choices], "invitations": invitations,
        **review_context(request, workflow, access.version_latest(workflow=workflow), role, "members")})


def _act(request, workflow) -> None:
    action = request.POST.get("action", "")
    if action == "add":
        who, role = request.POST.get("who", "").strip(), request.POST.get("role", "")
        member = services.user_find(who, field="who") if who else None
        if member is None and "@" in who:
            invitation = services.invitation_create(user=request.user, workflow=workflow, email=who, role=role)
            url = request.build_absolute_uri(services.invitation_path(invitation))
            messages.success(request, f"{who} has no account yet: send them this invitation link (it works once, "
                                      f"for {services.INVITATION_DAYS} days): {url}")
            return
        membership = services.member_set(user=request.user, workflow=workflow, who=who, role=role)
        messages.success(request, f"{membership.user.username} is now {_a(membership.role)}.")
    elif action == "role":
        member_id = _id(request.POST.get("user"))
        membership = access.membership_list(workflow=workflow).filter(user_id=member_id).first()
        if membership is None:
            raise NotFound("That user is not a member of this workflow.")
        membership = services.member_set(user=request.user, workflow=workflow, who=membership.user.username,
                                         role=request.POST.get("role", ""))
        messages.success(request, f"{membership.user.username} is now {_a(membership.role)}.")
    elif action == "remove":
        services.member_remove(user=request.user, workflow=workflow, member_id=_id(request.POST.get("user")))
        messages.success(request, "Removed: they can no longer open this workflow.")
    elif action == "withdraw":
        invitation = services.invitation_get(workflow=workflow, invitation_id=request.POST.get("invitation"))
        services.invitation_revoke(user=request.user, invitation=invitation)
        messages.success(request, f"The invitation of {invitation.email} was withdrawn.")
    else:
        raise NotFound("Unknown action.")


def _id(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19 else None


def _a(role: str) -> str:
    return ("an " if role[:1] in "aeiou" else "a ") + role


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_page(request, token: str):
    try:
        invitation = services.invitation_open(token)
    except DomainError:
        raise Http404("This invitation does not exist, was already used, was withdrawn or has expired.") from None
    error = None
    if request.method == "POST":
        as_me = request.POST.get("as") == "me"
        try:
            if not as_me and request.POST.get("password") != request.POST.get("password2"):
                raise InvalidInput("The two passwords are not the same.", field="password2")
            user, _ = services.invitation_accept(token=token, user=request.user if as_me else None,
                                                 username=request.POST.get("username"),
                                                 password=request.POST.get("password"))
        except DomainError as exc:
            error = exc
        else:
            if not request.user.is_authenticated or request.user.pk != user.pk:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome: you joined “{invitation.workflow.name}” as {_a(invitation.role)}.")
            return redirect("workflow-editor", workflow_id=invitation.workflow_id)
    response = render(request, "access/invitation.html", {
        "invitation": invitation, "role_words": ROLE_WORDS.get(invitation.role, ""), "error": error,
        "suggested": request.POST.get("username") or invitation.email.split("@")[0]})
    response["Referrer-Policy"] = "same-origin"
    return response


urlpatterns = [
    path("workflows/<int:workflow_id>/members/", members_page, name="workflow-members"),
    path("invite/<str:token>/", invitation_page, name="invitation-page"),
]
