"""Writes on a person's inbox: opening a notification marks it read; so can "mark all read".
Every open page of that person gets the new unread count."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .. import live
from . import selectors
from .feed import dumps, user_group
from .models import Notification


def _announce(user: AbstractBaseUser) -> None:
    unread = selectors.notification_unread_count(user=user)
    live.send_after_commit(user_group(user.pk), {"type": "feed.notify",
                                                 "text": dumps({"type": "notification", "unread": unread})})


def notification_read(*, user: AbstractBaseUser, notification: Notification) -> Notification:
    if notification.user_id != user.pk:  # selectors only hand out one's own; a guard, not a rule
        raise PermissionError("not your notification")
    if notification.read is None:
        notification.read = timezone.now()
        notification.save(update_fields=["read"])
        _announce(user)
    return notification


def notification_read_all(*, user: AbstractBaseUser) -> int:
    count = Notification.objects.filter(user=user, read__isnull=True).update(read=timezone.now())
    if count:
        _announce(user)
    return count
