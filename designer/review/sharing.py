"""Share links: read-only links to one version or one run, for people without an account.

A link's text is ``<id>-<secret>`` (the secret 32 random bytes) signed with the server's secret
key: it cannot be guessed, a forged or altered one is refused before the database is asked, and
the secret read from the database alone does not make a link that opens. A revoked or expired link
answers 404 from the next request on; open sockets on it are closed at once (revoked) or when it
expires (``consumers``).
"""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import live
from .. import selectors as access
from ..errors import InvalidInput, NotFound
from ..models import Execution, Workflow
from . import feed, selectors, text
from .links import SIGNER, share_link_path, share_link_state, share_link_token  # noqa: F401 - also read from here
from .models import ShareLink

MAX_DAYS = 366


def share_group(link_id: int) -> str:
    return f"review-share.{int(link_id)}"


def _target(link: ShareLink) -> str:
    if link.execution_id:
        return f"run {link.execution.name[:12]} of version {link.version.number if link.version_id else '?'}"
    return f"version {link.version.number}"


def share_link_create(*, user: AbstractBaseUser, workflow: Workflow, version: Any = None, execution: Any = None,
                      expires_in_days: Any = None, label: Any = "") -> ShareLink:
    """A link to a version (by number) or to a run (by id) of the workflow; optionally expiring."""
    access.require(user=user, workflow=workflow, action="share")
    if (version is None) == (execution is None):
        raise InvalidInput("Share either a version or a run.", field="version")
    run = None
    if execution is not None:
        if isinstance(execution, bool) or not isinstance(execution, int):
            raise InvalidInput("execution must be a run's id.", field="execution")
        run = Execution.objects.select_related("version").filter(pk=execution, workflow=workflow).first()
        if run is None:
            raise InvalidInput("This workflow has no such run.", field="execution")
        target = run.version
    else:
        target = selectors.version_named(workflow=workflow, number=version)
    expires = None
    if expires_in_days is not None:
        if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, (int, float)) \
                or not 0.04 <= expires_in_days <= MAX_DAYS:
            raise InvalidInput(f"expires_in_days is how many days the link stays open: from an hour (0.04) to "
                               f"{MAX_DAYS}.", field="expires_in_days")
        expires = timezone.now() + dt.timedelta(days=expires_in_days)
    label = text.clean(label, field="label", required=False, limit=200)
    with transaction.atomic():
        link = ShareLink.objects.create(workflow=workflow, version=target, execution=run, label=label,
                                        secret=secrets.token_urlsafe(32), created_by=user, expires=expires)
        feed.record(workflow=workflow, kind="share.created", actor=user, version_number=target.number,
                    data={"target": _target(link), "link": link.pk})
    return link


def share_link_revoke(*, user: AbstractBaseUser, link: ShareLink) -> ShareLink:
    """Revoke at once: the next request answers 404 and every open socket on it is closed."""
    access.require(user=user, workflow=link.workflow, action="share")
    if link.revoked:
        return link
    with transaction.atomic():
        link.revoked, link.revoked_by = timezone.now(), user
        link.save(update_fields=["revoked", "revoked_by"])
        feed.record(workflow=link.workflow, kind="share.revoked", actor=user,
                    version_number=link.version.number if link.version_id else None,
                    data={"target": _target(link), "link": link.pk})
        live.send_after_commit(share_group(link.pk), {"type": "share.revoked"})
    return link


def share_link_get(*, workflow: Workflow, link_id: Any) -> ShareLink:
    try:
        return (workflow.share_links.select_related("version", "execution", "created_by", "workflow")
                .get(pk=int(link_id)))
    except (ShareLink.DoesNotExist, ValueError, TypeError):
        raise NotFound("This workflow has no such share link.") from None


def share_link_open(token: Any, *, touch: bool = False) -> ShareLink:
    """The active link a token names, or NotFound (forged, unknown, revoked or expired alike).
    ``touch`` (when its page is opened) records the use."""
    gone = NotFound("This link does not exist, was revoked or has expired.")
    if not isinstance(token, str) or len(token) > 200:
        raise gone
    try:
        value = SIGNER.unsign(token)
    except signing.BadSignature:
        raise gone from None
    ident, _, secret = value.partition("-")
    if not ident.isdigit():
        raise gone
    link = (ShareLink.objects.select_related("workflow", "version", "execution", "execution__version")
            .filter(pk=int(ident)).first())
    if link is None or not hmac.compare_digest(link.secret, secret) or share_link_state(link) != "active":
        raise gone
    if touch:
        link.last_used = timezone.now()
        ShareLink.objects.filter(pk=link.pk).update(last_used=link.last_used, uses=F("uses") + 1)
    return link
