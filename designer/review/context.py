"""Template context for every page: the signed-in person's unread notifications (the header's count)."""
from __future__ import annotations

from . import selectors


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": selectors.notification_unread_count(user=user)}
