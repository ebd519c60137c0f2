"""Broadcasting a run's updates to everyone watching it, through the channel layer.

One group per execution. A group message carries the frame already as JSON text (serialised
once, however many viewers) and the range of event numbers it holds, so that each consumer can
keep its client's stream in order and complete (see ``consumers.ExecutionConsumer``).
Publish after the database commit: a viewer told about an event can always read it back.
"""
from __future__ import annotations

import asyncio
import functools
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .simulation.engine import Update


def group_name(execution_id: int) -> str:
    return f"execution.{int(execution_id)}"


def access_group(workflow_id: int) -> str:
    """Everyone watching a run of this workflow: told when its members or their roles change."""
    return f"workflow-access.{int(workflow_id)}"


def announce_access_change(workflow_id: int) -> None:
    """After the commit, each open socket on the workflow's runs checks again who may see it, so a
    member removed (or the workflow deleted) stops receiving the run at once, not at reconnect."""
    send_after_commit(access_group(workflow_id), {"type": "access.changed"})


def send_after_commit(group: str, message: dict) -> None:
    """Send ``message`` to ``group`` once the current transaction commits (at once outside one)."""
    # robust: the change is committed; a channel layer that is down must not turn it into an error
    transaction.on_commit(functools.partial(send_now, group, message), robust=True)


def send_now(group: str, message: dict) -> None:
    """``group_send`` from synchronous code, whether or not this thread runs an event loop."""
    layer = get_channel_layer()
    if layer is None:
        return
    call = functools.partial(async_to_sync(layer.group_send), group, message)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        call()
        return
    # Called by code that runs inside an event loop (a script, a browser-driving test):
    # async_to_sync cannot block that loop's thread, so the message goes from another.
    thread = threading.Thread(target=call)
    thread.start()
    thread.join()


def message(update: Update) -> dict:
    # sentAt: when the (committed) update left for the viewers, so they can measure the delay.
    sent = f',"sentAt":{time.time():.6f}}}'
    return {"type": "execution.update", "text": update.text[:-1] + sent,
            "earlier": [text[:-1] + sent for text in update.earlier], "first": update.first,
            "last": update.last, "revision": update.revision}


async def publish(update: Update | None) -> None:
    if update is None:
        return
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group_name(update.execution_id), message(update))


async def group_send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group, message)


def publish_sync(update: Update | None) -> None:
    """From synchronous code (views): under ASGI this runs on the server's event loop."""
    if update is not None:
        async_to_sync(publish)(update)
