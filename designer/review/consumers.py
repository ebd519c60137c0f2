"""Live review over websockets: comments, review answers, presence and notifications.

``/ws/workflows/<id>/feed/?after=N&page=editor`` (members): ``hello`` (``lastSeq``, your
``permissions``, ``unread``, who is ``here``), then the activity frames after N (``feed.py``),
then live ones: in order, each once, a gap filled from the database. ``presence`` frames list
who has a page of the workflow open; ``notification`` frames bring your unread count. Removing
you from the workflow closes the socket (error frame, code 4404); a role change sends ``access``.

``/ws/inbox/``: the notification frames alone, for pages that show no workflow.

``/ws/share/<token>/feed/``: a share link's page: comment frames and presence only; revoking the
link closes it at once, its expiry when it comes (4404). ``/ws/share/<token>/execution/``: the
run stream of a run's share link, read-only (see ``designer.consumers``).

Client messages: ``{"command": "replay", "after": N}``, ``{"command": "here", "page": P,
"state": S}`` (what you look at; also keeps you listed), ``{"command": "ping"}``. Each gets an
``ack`` or an ``error`` frame with the same ``id``; the socket stays open.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from .. import live
from .. import selectors as access
from ..consumers import ExecutionConsumer
from ..errors import DomainError, NotFound
from ..models import Workflow
from . import feed, selectors, sharing
from .models import Presence

log = logging.getLogger(__name__)
MAX_MESSAGE = 16 * 1024
MAX_SEQ = 2**31 - 1
PRESENCE_TTL = dt.timedelta(seconds=90)  # a page says "here" every 30 s; a dead server's rows age out
HERE_LIMIT = (10, 10.0)  # at most 10 "here" messages in 10 s per page: each one reaches every page
PAGES = {"editor", "versions", "run", "activity", "members", "share", "inbox"}


def presence_now(workflow_id: int) -> list[dict]:
    return selectors.presence_list(workflow_id=workflow_id, since=timezone.now() - PRESENCE_TTL)


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


class FeedConsumer(AsyncWebsocketConsumer):
    workflow_id: int | None = None
    share_link_id: int | None = None
    shared_only = False
    last_sent = 0
    joined: tuple[str, ...] = ()
    permissions: dict | None = None
    present = False
    heres: list[float] | None = None

    # --- who is asking ---

    def _allowed(self) -> dict | None:
        """The socket's permissions now, or None when it may no longer read the workflow."""
        user = self.scope.get("user")
        workflow = Workflow.objects.filter(pk=self.workflow_id).first()
        role = access.workflow_role(user=user, workflow=workflow) if workflow is not None else None
        return access.permissions_of(role) if access.role_can(role, "read") else None

    async def connect(self):
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self._refuse("login_required", "Log in to follow this workflow.", 4401)
        kwargs = self.scope["url_route"]["kwargs"]
        groups = [feed.user_group(user.pk)]
        if "workflow_id" in kwargs:
            self.workflow_id = int(kwargs["workflow_id"])
            self.permissions = await database_sync_to_async(self._allowed)()
            if self.permissions is None:
                return await self._refuse("not_found", "No such workflow, or you may not see it.", 4404)
            groups += [feed.feed_group(self.workflow_id), live.access_group(self.workflow_id)]
        await self._start(groups)

    async def _start(self, groups: list[str]):
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.joined = tuple(groups)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        hello = await database_sync_to_async(self._hello)()
        await self.send_json(hello)
        if self.workflow_id is not None:
            after = _int(query.get("after", [""])[0])
            await self._replay(hello["lastSeq"] if after is None or after < 0 else min(after, MAX_SEQ))
            page = query.get("page", [""])[0]
            await self._here(page if page in PAGES else "", "")

    def _hello(self) -> dict:
        user = self.scope.get("user")
        frame = {"type": "hello", "unread": selectors.notification_unread_count(user=user) if user else 0}
        if self.workflow_id is not None:
            frame.update(lastSeq=selectors.activity_last_seq(workflow_id=self.workflow_id),
                         permissions=self.permissions, here=presence_now(self.workflow_id))
        return frame

    async def _refuse(self, code: str, detail: str, close_code: int):
        await self.send_json({"type": "error", "error": code, "detail": detail})
        await self.close(code=close_code, reason=detail)

    async def disconnect(self, code):
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.present:
            await database_sync_to_async(Presence.objects.filter(channel=self.channel_name).delete)()
            await self._announce_presence()

    # --- the feed ---

    def _frames(self, after: int, upto: int | None = None) -> tuple[list[dict], int, bool]:
        workflow = Workflow.objects.get(pk=self.workflow_id)
        return feed.frames_after(workflow=workflow, after=after, upto=upto, shared_only=self.shared_only)

    async def _replay(self, after: int, upto: int | None = None):
        """Send what the page lacks after ``after`` (up to ``upto``), a page of entries at a time."""
        while True:
            frames, last, more = await database_sync_to_async(self._frames)(after, upto)
            for frame in frames:
                await self.send_json(frame)
            self.last_sent = max(self.last_sent, last)
            if not more:
                return
            after = last

    async def feed_activity(self, message):
        seq = message["seq"]
        if seq <= self.last_sent:
            return  # already sent (a replay overtook the broadcast)
        if seq > self.last_sent + 1:  # entries committed before this one, not yet sent
            await self._replay(self.last_sent, upto=seq - 1)
        if message["shared"] or not self.shared_only:
            await self.send(text_data=message["text"])
        self.last_sent = seq

    async def feed_notify(self, message):
        if self.share_link_id is None:
            await self.send(text_data=message["text"])

    async def feed_presence(self, message):
        await self.send(text_data=message["text"])

    async def access_changed(self, message):
        permissions = await database_sync_to_async(self._allowed)()
        if permissions is None:
            return await self._refuse("not_found", "You may no longer see this workflow.", 4404)
        if permissions != self.permissions:
            self.permissions = permissions
            await self.send_json({"type": "access", "permissions": permissions})

    # --- presence ---

    def _store_presence(self, page: str, state: str) -> None:
        user = self.scope.get("user")
        Presence.objects.update_or_create(channel=self.channel_name, defaults={
            "workflow_id": self.workflow_id, "page": page, "state": state[:200], "seen": timezone.now(),
            "user": user if user is not None and user.is_authenticated else None,
            "share_link_id": self.share_link_id})
        # Rows of pages whose server stopped without saying goodbye: forgotten after a while.
        Presence.objects.filter(workflow_id=self.workflow_id, seen__lt=timezone.now() - 10 * PRESENCE_TTL).delete()

    async def _here(self, page: str, state: str):
        await database_sync_to_async(self._store_presence)(page, state)
        self.present = True
        await self._announce_presence()

    async def _announce_presence(self):
        here = await database_sync_to_async(presence_now)(self.workflow_id)
        await self.channel_layer.group_send(feed.feed_group(self.workflow_id), {
            "type": "feed.presence", "text": feed.dumps({"type": "presence", "here": here})})

    # --- messages from the page ---

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            return await self._error(None, "invalid_message", "Send messages as JSON text.")
        if len(text_data) > MAX_MESSAGE:
            return await self._error(None, "too_large", f"A message is at most {MAX_MESSAGE} bytes.")
        try:
            body = json.loads(text_data)
        except ValueError as exc:
            return await self._error(None, "invalid_json", f"The message is not JSON: {exc}.")
        if not isinstance(body, dict):
            return await self._error(None, "invalid_message", "Send a JSON object with a command.")
        ident = body.get("id")
        if not isinstance(ident, (str, int)) or isinstance(ident, bool):
            ident = None
        command = body.get("command")
        if command == "ping":
            return await self.send_json({"type": "ack", "id": ident, "command": "ping"})
        if self.workflow_id is None:
            return await self._error(ident, "unknown_command", "This socket only brings notifications: "
                                     "send ping, or nothing.", command=command if isinstance(command, str) else None)
        if command == "replay":
            after = body.get("after")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                return await self._error(ident, "invalid_input", "replay needs 'after': an activity number.",
                                         field="after")
            self.last_sent = 0
            await self._replay(min(after, MAX_SEQ))
            return await self.send_json({"type": "ack", "id": ident, "command": "replay", "lastSeq": self.last_sent})
        if command == "here":
            page, state = body.get("page", ""), body.get("state") or ""
            if page not in PAGES or not isinstance(state, str) or len(state) > 200:
                return await self._error(ident, "invalid_input", f"here needs 'page' (one of {', '.join(sorted(PAGES))}) "
                                         "and optionally 'state' (a step's name).", field="page")
            now = asyncio.get_running_loop().time()
            self.heres = [t for t in self.heres or [] if now - t < HERE_LIMIT[1]] + [now]
            if len(self.heres) > HERE_LIMIT[0]:
                return await self._error(ident, "too_many", f"Say where you are at most {HERE_LIMIT[0]} times in "
                                         f"{HERE_LIMIT[1]:g} seconds.")
            await self._here(page, state)
            return await self.send_json({"type": "ack", "id": ident, "command": "here"})
        return await self._error(ident, "unknown_command", "Commands are replay, here and ping; comments and "
                                 "reviews are written through the API.", command=command if isinstance(command, str) else None)

    async def _error(self, ident, code: str, detail: str, **extra):
        frame = {"type": "error", "error": code, "detail": detail, "id": ident}
        frame.update({k: v for k, v in extra.items() if v is not None})
        await self.send_json(frame)

    async def send_json(self, content):
        await self.send(text_data=feed.dumps(content))


class _ShareMixin:
    """What a share link's sockets have in common: the link is checked on connect, closes the
    socket when revoked (at once) or when it expires."""

    link = None
    expiry = None

    def _open_link(self):
        try:
            return sharing.share_link_open(self.scope["url_route"]["kwargs"]["token"])
        except DomainError:
            return None

    async def _watch_link(self):
        await self.channel_layer.group_add(sharing.share_group(self.link.pk), self.channel_name)
        if self.link.expires is not None:
            delay = max(0.0, (self.link.expires - timezone.now()).total_seconds())
            self.expiry = asyncio.get_running_loop().call_later(
                delay, lambda: asyncio.ensure_future(self.share_revoked({})))

    async def _unwatch_link(self):
        if self.expiry is not None:
            self.expiry.cancel()
        if self.link is not None:
            await self.channel_layer.group_discard(sharing.share_group(self.link.pk), self.channel_name)

    async def share_revoked(self, message):
        await self._refuse("not_found", "This link was revoked or has expired.", 4404)


class ShareFeedConsumer(_ShareMixin, FeedConsumer):
    shared_only = True

    async def connect(self):
        await self.accept()
        self.link = await database_sync_to_async(self._open_link)()
        if self.link is None:
            return await self._refuse("not_found", "This link does not exist, was revoked or has expired.", 4404)
        self.workflow_id, self.share_link_id = self.link.workflow_id, self.link.pk
        self.permissions = access.permissions_of(None)
        await self._watch_link()
        await self._start([feed.feed_group(self.workflow_id)])

    async def disconnect(self, code):
        await self._unwatch_link()
        await super().disconnect(code)

    async def access_changed(self, message):  # members' roles do not concern a link
        return

    def _allowed(self):
        return access.permissions_of(None) if self._open_link() is not None else None


class ShareExecutionConsumer(_ShareMixin, ExecutionConsumer):
    """A run's live replay through its share link: the same stream as members get, no commands."""

    async def connect(self):
        await self.accept()
        self.link = await database_sync_to_async(self._open_link)()
        if self.link is None or self.link.execution_id is None:
            return await self._refuse("not_found", "This link does not exist, was revoked or has expired.", 4404)
        self.execution_id, self.workflow_id, self.can_control = self.link.execution_id, self.link.workflow_id, False
        await self._watch_link()
        await self.channel_layer.group_add(live.group_name(self.execution_id), self.channel_name)
        self.joined = True
        after = _int(parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("after", ["0"])[0])
        await self._replay(min(after, MAX_SEQ) if after is not None and after >= 0 else 0, hello=True)

    async def disconnect(self, code):
        await self._unwatch_link()
        if self.joined:
            await self.channel_layer.group_discard(live.group_name(self.execution_id), self.channel_name)

    def _state(self) -> dict:
        from .. import simulation

        if self._open_link() is None:
            raise NotFound("This link was revoked or has expired.")
        execution = self.link.execution
        execution.refresh_from_db()
        return simulation.execution_state(execution)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            body = json.loads(text_data or "")
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("command") == "replay":
            return await super().receive(text_data=text_data)
        ident = body.get("id") if isinstance(body, dict) else None
        await self._error(ident if isinstance(ident, (str, int)) and not isinstance(ident, bool) else None,
                          "forbidden", "A share link only lets you watch this run.")
