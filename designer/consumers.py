"""The live stream of a run: ``/ws/executions/<id>/``.

On connect: check the user may see the run (else an error frame, then close with code 4403 and a
reason), join the run's group, send ``hello`` (the run's state and whether this user may control
it), then every event after the ``after`` query parameter, in frames within ``frames.FRAME_EVENTS``
and ``frames.FRAME_BYTES`` (read from the database a frame's worth at a time).
Afterwards, each broadcast update is relayed as it comes; the consumer keeps its client's stream
in order and complete: an update that would leave a gap is preceded by the missing events read
from the database, an update the client already has is skipped.

Client messages are commands (``commands.py``): ``{"command": "step", "id": 7}``. Each gets an
``ack`` or an ``error`` frame with the same ``id``; the connection stays open either way. The
effects reach every viewer, the sender included, as ordinary updates. ``{"command": "replay",
"after": N}`` sends the events after N again (any user).
"""
from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from channels.db import DatabaseSyncToAsync
from channels.generic.websocket import AsyncWebsocketConsumer

from interpreter.limits import DATA_DEPTH, MESSAGE_BYTES, depth_error, json_depth_within

from . import live, selectors, simulation, timeline
from .frames import FRAME_EVENTS, row_size, split_frames
from .errors import DomainError
from .models import ExecutionMode
from .simulation import runner

log = logging.getLogger(__name__)
REPLAY_CHUNK = FRAME_EVENTS
MAX_SEQ = 2**31 - 1
MAX_MESSAGE = MESSAGE_BYTES  # a command carrying a 256 KiB callback output, with room to spare


def _db(fn):
    # Each call in a pool thread of its own: Channels' default runs every consumer's database
    # work of the process in one shared thread, so one slow command would hold up every socket.
    return DatabaseSyncToAsync(fn, thread_sensitive=False)


class ExecutionConsumer(AsyncWebsocketConsumer):
    execution_id: int = 0
    workflow_id: int = 0
    last_sent = 0
    revision = -1
    can_control = False
    joined = False

    async def connect(self):
        self.execution_id = int(self.scope["url_route"]["kwargs"]["execution_id"])
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            return await self._refuse("login_required", "Log in to watch this run.", 4401)
        allowed = await _db(self._access)(user)
        if allowed is None:
            return await self._refuse("not_found", "No such execution, or you may not see it.", 4404)
        self.can_control, self.workflow_id = allowed
        await self.channel_layer.group_add(live.group_name(self.execution_id), self.channel_name)
        await self.channel_layer.group_add(live.access_group(self.workflow_id), self.channel_name)
        self.joined = True
        after = _int(parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("after", ["0"])[0])
        state = await self._replay(min(after, MAX_SEQ) if after is not None and after >= 0 else 0, hello=True)
        if state["mode"] == ExecutionMode.CONTINUING and state["status"] == "RUNNING":
            runner.wake(self.execution_id)  # no need to wait for the runner's next look

    def _access(self, user) -> tuple[bool, int] | None:
        """None when the user may not see the run; else whether they may control it, and its workflow."""
        try:
            execution = simulation.execution_get(user=user, execution_id=self.execution_id)
        except DomainError:
            return None
        return selectors.can(user=user, workflow=execution.workflow, action="control_runs"), execution.workflow_id

    async def access_changed(self, message):
        allowed = await _db(self._access)(self.scope["user"])
        if allowed is None:
            return await self._refuse("not_found", "You may no longer see this run.", 4404)
        if allowed[0] != self.can_control:
            self.can_control = allowed[0]
            await self.send_json({"type": "access", "canControl": self.can_control})

    async def _refuse(self, code: str, detail: str, close_code: int):
        await self.send_json({"type": "error", "error": code, "detail": detail})
        await self.close(code=close_code, reason=detail)

    async def disconnect(self, code):
        if self.joined:
            await self.channel_layer.group_discard(live.group_name(self.execution_id), self.channel_name)
            await self.channel_layer.group_discard(live.access_group(self.workflow_id), self.channel_name)

    # --- the stream ---

    def _state(self) -> dict:
        execution = simulation.execution_get(user=self.scope["user"], execution_id=self.execution_id)
        return simulation.execution_state(execution)

    def _page(self, after: int, upto: int) -> list[list]:
        """The next events after ``after`` (up to ``upto``), at most a frame's count, in frames."""
        from .models import ExecutionEvent

        events = list(ExecutionEvent.objects.filter(execution_id=self.execution_id, seq__gt=after, seq__lte=upto)
                      .order_by("seq")[:FRAME_EVENTS])
        rows = [timeline.event_row(e) for e in events]
        return split_frames(rows, [row_size(row, e.details_json) for row, e in zip(rows, events)])

    async def _send_events(self, after: int, upto: int, replay: bool, state: dict | None = None) -> bool:
        """Every event in (after, upto], a page at a time; the last frame carries ``state``."""
        sent = False
        while after < upto:
            frames = await _db(self._page)(after, upto)
            if not frames:
                break
            for chunk in frames:
                after = chunk[-1]["id"]
                frame = {"type": "events", "events": chunk}
                if replay:
                    frame["replay"] = True
                if state is not None and after >= upto:
                    frame["execution"] = state
                await self.send_json(frame)
                sent = True
        return sent

    async def _replay(self, after: int, hello: bool = False) -> dict:
        try:
            state = await _db(self._state)()
        except DomainError as exc:  # removed since the connection opened
            await self._refuse(exc.default_code, exc.message, 4404)
            return {"mode": "", "status": ""}
        if hello:
            await self.send_json({"type": "hello", "canControl": self.can_control, "execution": state})
        sent = await self._send_events(after, state["lastSeq"], replay=True, state=state)
        if not sent and not hello:
            await self.send_json({"type": "events", "replay": True, "events": [], "execution": state})
        self.last_sent = state["lastSeq"]
        self.revision = max(self.revision, state["revision"])
        return state

    async def execution_update(self, message):
        if message["revision"] <= self.revision:
            return  # the client already has this (and newer)
        if message["first"] > self.last_sent + 1:
            await self._send_events(self.last_sent, message["first"] - 1, replay=False)
        for text in message.get("earlier", ()):
            await self.send(text_data=text)
        await self.send(text_data=message["text"])
        self.last_sent = max(self.last_sent, message["last"])
        self.revision = message["revision"]

    # --- commands ---

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            return await self._error(None, "invalid_message", "Send commands as JSON text.")
        if len(text_data) > MAX_MESSAGE:
            return await self._error(None, "too_large", f"A command is at most {MAX_MESSAGE:,} bytes.")
        # Nesting is bounded before the (recursive) decoder runs: 10,000 levels get an error frame,
        # not a RecursionError that drops the connection.
        if not json_depth_within(text_data, DATA_DEPTH):
            return await self._error(None, "too_deep", depth_error("message", DATA_DEPTH))
        try:
            body = json.loads(text_data)
        except ValueError as exc:
            return await self._error(None, "invalid_json", f"The message is not JSON: {exc}.")
        ident = body.get("id") if isinstance(body, dict) else None
        if not isinstance(ident, (str, int)) or isinstance(ident, bool):
            ident = None
        if isinstance(body, dict) and body.get("command") == "replay":
            after = body.get("after")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                return await self._error(ident, "invalid_input", "replay needs 'after': an event number.",
                                         field="after")
            await self._replay(min(after, MAX_SEQ))
            return await self.send_json({"type": "ack", "id": ident, "command": "replay"})
        if not self.can_control:
            name = body.get("command") if isinstance(body, dict) else None
            return await self._error(ident, "forbidden", "You can watch this run but not control it: "
                                     "ask the workflow's owner to make you an editor.",
                                     command=name if isinstance(name, str) else None)
        try:
            update = await _db(runner.command)(
                user=self.scope["user"], execution_id=self.execution_id, body=body)
        except DomainError as exc:
            return await self._error(ident, exc.default_code, exc.message, field=exc.field, pointer=exc.pointer,
                                     command=body.get("command") if isinstance(body, dict) else None)
        except Exception:  # noqa: BLE001 - a defect of ours: say so, keep the connection, log it
            log.exception("Command %r on execution %s failed", body, self.execution_id)
            return await self._error(ident, "internal_error", "The command failed on the server; it has been logged.")
        await live.publish(update)
        if body.get("command") in ("continue", "redrive"):  # the run moves on: no need to wait for a poll
            runner.wake(self.execution_id)
        await self.send_json({"type": "ack", "id": ident, "command": body["command"], "revision": update.revision})

    async def _error(self, ident, code: str, detail: str, **extra):
        frame = {"type": "error", "error": code, "detail": detail, "id": ident}
        frame.update({k: v for k, v in extra.items() if v is not None})
        await self.send_json(frame)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, separators=(",", ":")))


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
