"""``/ws/workflows/<id>/runs/``: a workflow's recent runs, then every run that starts or changes
status, for pages that list runs (the editor's Simulate panel, a run's page).

Frames: ``{"type": "runs", "runs": [summary, ...]}`` on connect (newest first, at most
``RECENT``), then ``{"type": "run", "run": summary}`` as runs change; a summary is ``id``,
``status``, ``created``, ``label``, ``version`` and ``url``. Only members who may read the
workflow connect (else an error frame, then close 4401 or 4404); a member removed while
connected is closed at once (4404). Nothing the client sends is needed: any message gets an
error frame, and the socket stays open.
"""
from __future__ import annotations

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from .. import live as run_live
from .. import selectors
from ..errors import DomainError
from ..simulation import execution_list
from .live import group_name, run_summary

RECENT = 8


class RunListConsumer(AsyncWebsocketConsumer):
    workflow_id = 0
    joined = False

    async def connect(self):
        self.workflow_id = int(self.scope["url_route"]["kwargs"]["workflow_id"])
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self._refuse("login_required", "Log in to see this workflow's runs.", 4401)
        runs = await database_sync_to_async(self._recent)(user)
        if runs is None:
            return await self._refuse("not_found", "No such workflow, or you may not see it.", 4404)
        await self.channel_layer.group_add(group_name(self.workflow_id), self.channel_name)
        await self.channel_layer.group_add(run_live.access_group(self.workflow_id), self.channel_name)
        self.joined = True
        await self.send(text_data=json.dumps({"type": "runs", "runs": runs}))

    def _recent(self, user) -> list[dict] | None:
        try:
            workflow = selectors.workflow_get(user=user, workflow_id=self.workflow_id)
        except DomainError:
            return None
        return [run_summary(e) for e in execution_list(workflow=workflow)[:RECENT]]

    async def disconnect(self, code):
        if self.joined:
            await self.channel_layer.group_discard(group_name(self.workflow_id), self.channel_name)
            await self.channel_layer.group_discard(run_live.access_group(self.workflow_id), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=json.dumps({"type": "error", "error": "read_only",
                                              "detail": "This socket only tells; it takes no commands."}))

    async def run_changed(self, message):
        await self.send(text_data=json.dumps({"type": "run", "run": message["run"]}))

    async def access_changed(self, message):
        if await database_sync_to_async(self._recent)(self.scope["user"]) is None:
            await self._refuse("not_found", "You may no longer see this workflow.", 4404)

    async def _refuse(self, code: str, detail: str, close_code: int):
        await self.send(text_data=json.dumps({"type": "error", "error": code, "detail": detail}))
        await self.close(code=close_code, reason=detail)
