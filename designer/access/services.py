"""Who is a member with which role: add by username or e-mail, change roles, remove, and invite
people without an account. Only the owner may (``designer.selectors.PERMISSIONS["manage_members"]``).
Every change is in the workflow's activity log and reaches open pages and sockets at once."""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .. import live
from .. import selectors as access
from ..errors import InvalidInput, NotFound
from ..models import Membership, Role, Workflow
from ..review import feed
from .models import Invitation

_SIGNER = signing.Signer(salt="statewise.access.invitation", sep=".")
INVITATION_DAYS = 7
MAX_INVITATION_DAYS = 30


def _role(role: Any) -> str:
    if role not in Role.values:
        raise InvalidInput(f"Role must be one of {', '.join(Role.values)}.", field="role")
    return role


def user_find(who: Any, *, field: str = "username") -> AbstractBaseUser | None:
    """The account a username or an e-mail address names, or None. An e-mail shared by several
    accounts is refused: the owner must say which one, by username."""
    if not isinstance(who, str) or not who.strip() or len(who) > 254:
        raise InvalidInput("Give a username or an e-mail address.", field=field)
    who = who.strip()
    User = get_user_model()
    user = User.objects.filter(username=who).first()
    if user is not None or "@" not in who:
        return user
    matches = list(User.objects.filter(email__iexact=who)[:2])
    if len(matches) > 1:
        raise InvalidInput(f"Several accounts use {who}: give the username instead.", field=field)
    return matches[0] if matches else None


def member_set(*, user: AbstractBaseUser, workflow: Workflow, who: Any, role: Any) -> Membership:
    """Give an existing account a role on the workflow (or change it), by username or e-mail."""
    access.require(user=user, workflow=workflow, action="manage_members")
    role = _role(role)
    member = user_find(who)
    if member is None:
        hint = " Invite them instead: they will get a link to set a password." if "@" in str(who) else ""
        raise InvalidInput(f"There is no account called “{who}”.{hint}", field="username")
    if member.pk == workflow.owner_id:
        raise InvalidInput("The owner already has every right.", field="username")
    with transaction.atomic():
        before = Membership.objects.filter(workflow=workflow, user=member).values_list("role", flat=True).first()
        membership, _ = Membership.objects.update_or_create(workflow=workflow, user=member, defaults={"role": role})
        if before != role:
            feed.record(workflow=workflow, kind="member.changed" if before else "member.added", actor=user,
                        data={"member": member.username, "role": role, **({"was": before} if before else {})})
        live.announce_access_change(workflow.pk)
    return membership


def member_remove(*, user: AbstractBaseUser, workflow: Workflow, member_id: Any) -> None:
    access.require(user=user, workflow=workflow, action="manage_members")
    membership = Membership.objects.select_related("user").filter(workflow=workflow, user_id=member_id).first() \
        if isinstance(member_id, int) else None
    if membership is None:
        raise NotFound("That user is not a member of this workflow.")
    with transaction.atomic():
        membership.delete()
        feed.record(workflow=workflow, kind="member.removed", actor=user, data={"member": membership.user.username})
        live.announce_access_change(workflow.pk)


# --- invitations -------------------------------------------------------------------------------

def invitation_token(invitation: Invitation) -> str:
    return _SIGNER.sign(f"{invitation.pk}-{invitation.secret}")


def invitation_path(invitation: Invitation) -> str:
    return reverse("invitation-page", args=[invitation_token(invitation)])


def invitation_state(invitation: Invitation) -> str:
    if invitation.accepted:
        return "accepted"
    if invitation.revoked:
        return "revoked"
    if invitation.expires <= timezone.now():
        return "expired"
    return "open"


def invitation_create(*, user: AbstractBaseUser, workflow: Workflow, email: Any, role: Any,
                      expires_in_days: Any = INVITATION_DAYS) -> Invitation:
    """A single-use link for someone without an account; it expires after ``expires_in_days``."""
    access.require(user=user, workflow=workflow, action="manage_members")
    role = _role(role)
    if not isinstance(email, str):
        raise InvalidInput("Give the e-mail address to invite.", field="email")
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"“{email[:100]}” is not an e-mail address.", field="email") from None
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, (int, float)) \
            or not 0.04 <= expires_in_days <= MAX_INVITATION_DAYS:
        raise InvalidInput(f"An invitation stays open from 1 hour (0.04 days) to {MAX_INVITATION_DAYS} days.",
                           field="expires_in_days")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            workflow=workflow, email=email, role=role, secret=secrets.token_urlsafe(32), invited_by=user,
            expires=timezone.now() + dt.timedelta(days=expires_in_days))
        feed.record(workflow=workflow, kind="member.invited", actor=user, data={"email": email, "role": role})
    return invitation


def invitation_revoke(*, user: AbstractBaseUser, invitation: Invitation) -> Invitation:
    access.require(user=user, workflow=invitation.workflow, action="manage_members")
    if invitation_state(invitation) == "open":
        invitation.revoked = timezone.now()
        invitation.save(update_fields=["revoked"])
    return invitation


def invitation_get(*, workflow: Workflow, invitation_id: Any) -> Invitation:
    try:
        return workflow.invitations.get(pk=int(invitation_id))
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise NotFound("This workflow has no such invitation.") from None


def invitation_open(token: Any) -> Invitation:
    """The open invitation a token names, or NotFound (forged, used, revoked or expired alike)."""
    gone = NotFound("This invitation does not exist, was already used, was withdrawn or has expired.")
    if not isinstance(token, str) or len(token) > 200:
        raise gone
    try:
        ident, _, secret = _SIGNER.unsign(token).partition("-")
    except signing.BadSignature:
        raise gone from None
    invitation = Invitation.objects.select_related("workflow", "invited_by").filter(
        pk=int(ident) if ident.isdigit() else 0).first()
    if invitation is None or not hmac.compare_digest(invitation.secret, secret) or invitation_state(invitation) != "open":
        raise gone
    return invitation


def invitation_accept(*, token: Any, user: AbstractBaseUser | None = None, username: Any = None,
                      password: Any = None) -> tuple[AbstractBaseUser, Membership]:
    """Join with the invitation's role: as the signed-in ``user``, or as a new account with
    ``username`` and ``password`` (checked by the site's password rules). Works once."""
    invitation = invitation_open(token)
    with transaction.atomic():
        # Single use even when two people click at once: the second finds it accepted.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation_state(locked) != "open":
            raise NotFound("This invitation was already used.")
        if user is None or not user.is_authenticated:
            user = _account_create(username=username, password=password, email=invitation.email)
        workflow = invitation.workflow
        if user.pk == workflow.owner_id:
            raise InvalidInput("You own this workflow already.", field="username")
        current = access.workflow_role(user=user, workflow=workflow)
        role = invitation.role if current is None or _rank(invitation.role) > _rank(current) else current
        membership, _ = Membership.objects.update_or_create(workflow=workflow, user=user, defaults={"role": role})
        locked.accepted, locked.accepted_by = timezone.now(), user
        locked.save(update_fields=["accepted", "accepted_by"])
        feed.record(workflow=workflow, kind="member.joined", actor=user, data={"member": user.username, "role": role})
        live.announce_access_change(workflow.pk)
    return user, membership


def _rank(role: str) -> int:
    return [Role.VIEWER, Role.REVIEWER, Role.EDITOR].index(role) if role in Role.values else 3


def _account_create(*, username: Any, password: Any, email: str) -> AbstractBaseUser:
    User = get_user_model()
    if not isinstance(username, str) or not username.strip():
        raise InvalidInput("Choose a username.", field="username")
    username = username.strip()
    field = User._meta.get_field(User.USERNAME_FIELD)
    try:
        field.run_validators(username)
        if len(username) > field.max_length:
            raise ValidationError(f"A username has at most {field.max_length} characters.")
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="username") from None
    if not isinstance(password, str) or not password:
        raise InvalidInput("Choose a password.", field="password")
    candidate = User(username=username, email=email)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        raise InvalidInput(f"The username “{username}” is taken: choose another.", field="username") from None
