"""Members and invitations (designer/access/): the owner adds by username or e-mail, changes roles,
removes; an invitation link works once, for a while, and lets someone set a password and join."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from designer import selectors
from designer.access import services
from designer.access.models import Invitation
from designer.errors import Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def test_add_by_username_or_email_change_and_remove(users, workflow, django_user_model):
    ann = django_user_model.objects.create_user(username="ann", email="Ann@Example.com", password="x")
    services.member_set(user=users["owner"], workflow=workflow, who="ann@example.com", role="reviewer")
    assert selectors.workflow_role(user=ann, workflow=workflow) == "reviewer"
    services.member_set(user=users["owner"], workflow=workflow, who="ann", role="editor")
    assert selectors.workflow_role(user=ann, workflow=workflow) == "editor"
    services.member_remove(user=users["owner"], workflow=workflow, member_id=ann.pk)
    assert selectors.workflow_role(user=ann, workflow=workflow) is None
    kinds = list(workflow.activity.order_by("seq").values_list("kind", flat=True))[-3:]
    assert kinds == ["member.added", "member.changed", "member.removed"]
    with pytest.raises(Forbidden):
        services.member_set(user=users["editor"], workflow=workflow, who="ann", role="viewer")
    with pytest.raises(InvalidInput) as caught:
        services.member_set(user=users["owner"], workflow=workflow, who="nobody@example.com", role="viewer")
    assert "Invite them" in caught.value.message
    with pytest.raises(InvalidInput):
        services.member_set(user=users["owner"], workflow=workflow, who="ann", role="owner")


def test_an_email_shared_by_two_accounts_must_be_named(users, workflow, django_user_model):
    for name in ("a1", "a2"):
        django_user_model.objects.create_user(username=name, email="same@example.com", password="x")
    with pytest.raises(InvalidInput) as caught:
        services.member_set(user=users["owner"], workflow=workflow, who="same@example.com", role="viewer")
    assert "Several accounts" in caught.value.message


def test_an_invitation_makes_an_account_once(users, workflow, django_user_model):
    invitation = services.invitation_create(user=users["owner"], workflow=workflow, email="new@example.com",
                                            role="reviewer")
    token = services.invitation_token(invitation)
    with pytest.raises(InvalidInput) as caught:
        services.invitation_accept(token=token, username="newbie", password="short")
    assert caught.value.field == "password"
    with pytest.raises(InvalidInput) as caught:
        services.invitation_accept(token=token, username="viewer", password="a-long-enough-password")
    assert caught.value.field == "username" and "taken" in caught.value.message
    user, membership = services.invitation_accept(token=token, username="newbie", password="a-long-enough-password")
    assert (user.email, membership.role) == ("new@example.com", "reviewer")
    assert user.check_password("a-long-enough-password")
    with pytest.raises(NotFound):
        services.invitation_accept(token=token, username="second", password="a-long-enough-password")
    assert not django_user_model.objects.filter(username="second").exists()


def test_expired_withdrawn_and_forged_invitations_are_gone(users, workflow):
    invitation = services.invitation_create(user=users["owner"], workflow=workflow, email="a@example.com",
                                            role="viewer")
    token = services.invitation_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        services.invitation_open(token)
    other = services.invitation_create(user=users["owner"], workflow=workflow, email="b@example.com", role="viewer")
    services.invitation_revoke(user=users["owner"], invitation=other)
    for bad in (services.invitation_token(other), f"{other.pk}-{other.secret}", "1-x.sig"):
        with pytest.raises(NotFound):
            services.invitation_open(bad)
    with pytest.raises(InvalidInput) as caught:
        services.invitation_create(user=users["owner"], workflow=workflow, email="not an address", role="viewer")
    assert caught.value.field == "email"


def test_a_signed_in_member_accepting_keeps_the_higher_role(users, workflow):
    invitation = services.invitation_create(user=users["owner"], workflow=workflow, email="e@example.com",
                                            role="viewer")
    _, membership = services.invitation_accept(token=services.invitation_token(invitation), user=users["editor"])
    assert membership.role == "editor"
