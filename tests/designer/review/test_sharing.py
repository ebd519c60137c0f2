"""Share links (designer/review/sharing.py): signed, unguessable, expiring, revocable, listed."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from designer.errors import Forbidden, InvalidInput, NotFound
from designer.review import links, sharing
from designer.review.models import ShareLink

pytestmark = pytest.mark.django_db


def test_a_link_opens_only_as_signed(users, workflow):
    link = sharing.share_link_create(user=users["editor"], workflow=workflow, version=1, label="for the board")
    token = sharing.share_link_token(link)
    assert link.secret not in token.split(".")[-1] and len(link.secret) >= 40
    assert sharing.share_link_open(token, touch=True).pk == link.pk
    link.refresh_from_db()
    assert link.uses == 1 and link.last_used is not None
    forged = [f"{link.pk}-{link.secret}",                               # the database's secret, unsigned
              token[:-1] + ("A" if token[-1] != "A" else "B"),            # a signature changed
              links.SIGNER.sign(f"{link.pk}-guess"),                  # signed, wrong secret (key known)
              "", "x" * 500, None]
    for bad in forged:
        with pytest.raises(NotFound):
            sharing.share_link_open(bad)


def test_revoked_and_expired_links_are_gone(users, workflow):
    link = sharing.share_link_create(user=users["owner"], workflow=workflow, version=1, expires_in_days=1)
    token = sharing.share_link_token(link)
    ShareLink.objects.filter(pk=link.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        sharing.share_link_open(token)
    other = sharing.share_link_create(user=users["owner"], workflow=workflow, version=1)
    sharing.share_link_revoke(user=users["editor"], link=other)
    with pytest.raises(NotFound):
        sharing.share_link_open(sharing.share_link_token(other))
    assert sharing.share_link_state(other) == "revoked" and other.revoked_by == users["editor"]


def test_who_may_share_and_what(users, workflow, reviewer):
    for who in ("viewer", "reviewer"):
        with pytest.raises(Forbidden):
            sharing.share_link_create(user=users[who], workflow=workflow, version=1)
    for kwargs, field in (({"version": 5}, "version"), ({"execution": 10**9}, "execution"), ({}, "version"),
                          ({"version": 1, "expires_in_days": 0}, "expires_in_days"),
                          ({"version": 1, "expires_in_days": 10_000}, "expires_in_days")):
        with pytest.raises(InvalidInput) as caught:
            sharing.share_link_create(user=users["owner"], workflow=workflow, **kwargs)
        assert caught.value.field == field
