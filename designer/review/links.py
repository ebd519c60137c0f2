"""A share link's text, address and state: what the link's pages and its serializer read.

Apart from ``sharing`` (which records creating and revoking one in the activity feed), so that
the serializers can show a link without importing the feed, which imports them.
"""
from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import ShareLink

SIGNER = signing.Signer(salt="statewise.review.share-link", sep=".")


def share_link_token(link: ShareLink) -> str:
    return SIGNER.sign(f"{link.pk}-{link.secret}")


def share_link_path(link: ShareLink) -> str:
    return reverse("share-page", args=[share_link_token(link)])


def share_link_state(link: ShareLink, now: dt.datetime | None = None) -> str:
    if link.revoked:
        return "revoked"
    if link.expires and link.expires <= (now or timezone.now()):
        return "expired"
    return "active"
