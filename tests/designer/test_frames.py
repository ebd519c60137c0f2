"""Frames of events never carry more than README's 2,000 events (nor much more than 1 MiB, unless
one event alone is larger): live updates, replays and gap filling alike."""
from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from designer import services, simulation
from designer.asgi import application
from designer.frames import FRAME_BYTES, FRAME_EVENTS

pytestmark = [pytest.mark.django_db(transaction=True)]


def loop(count: int) -> dict:
    return {"StartAt": "Check", "States": {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": count, "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)", "blob.$": "$.blob"},
                "Next": "Check"},
        "Done": {"Type": "Succeed"}}}


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                           "CONFIG": {"capacity": 5000}}}
    from channels.layers import channel_layers
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def _connect(user, execution_id, after=0):
    cookie = await sync_to_async(_cookie)(user)
    comm = WebsocketCommunicator(application, f"/ws/executions/{execution_id}/?after={after}",
                                 headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)])
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return comm


async def _frames_until(comm, done, timeout=120):
    """Every frame as (its text, parsed) until ``done(frame)``."""
    frames = []
    loop_ = asyncio.get_running_loop()
    end = loop_.time() + timeout
    while True:
        text = await comm.receive_from(timeout=max(0.1, end - loop_.time()))
        frame = json.loads(text)
        frames.append((text, frame))
        if done(frame):
            return frames


def _check(frames) -> list[int]:
    ids = []
    for text, frame in frames:
        if frame["type"] != "events":
            continue
        assert len(frame["events"]) <= FRAME_EVENTS
        assert len(frame["events"]) == 1 or len(text) <= FRAME_BYTES * 1.05, (len(frame["events"]), len(text))
        ids += [e["id"] for e in frame["events"]]
    return ids


async def _run(users, definition, blob, count):
    wf = await sync_to_async(services.workflow_create)(owner=users["owner"], name="Frames", definition=definition)
    execution, _ = await sync_to_async(simulation.execution_start)(
        user=users["owner"], workflow=wf, input={"count": 0, "blob": blob})
    comm = await _connect(users["owner"], execution.pk)
    await _frames_until(comm, lambda f: f["type"] == "events")
    await comm.send_json_to({"command": "continue"})
    frames = await _frames_until(comm, lambda f: (f.get("execution") or {}).get("status") == "SUCCEEDED")
    await comm.disconnect()
    replay = await _connect(users["owner"], execution.pk, after=0)
    replayed = await _frames_until(replay, lambda f: f["type"] == "events" and "execution" in f)
    await replay.disconnect()
    return execution, frames, replayed


async def test_a_batch_of_thousands_of_events_arrives_in_frames_of_at_most_2000(users, monkeypatch):
    # A batch ends at 2,000 transitions or after BATCH_SECONDS: on a loaded machine the time bound
    # would end batches before they write 2,000 events. Only the transition bound here.
    from designer.simulation import runner
    monkeypatch.setattr(runner, "BATCH_SECONDS", 3600.0)
    # 1,500 iterations: a batch of 2,000 transitions writes about 4,000 events
    execution, frames, replayed = await _run(users, loop(1500), "", 1500)
    live_ids = _check(frames)
    assert live_ids == list(range(2, 6007))
    assert max(len(f["events"]) for _, f in frames if f["type"] == "events") == FRAME_EVENTS
    assert _check(replayed) == list(range(1, 6007))


async def test_large_events_arrive_in_frames_of_about_a_megabyte(users):
    # Each event carries a 100 KB input or output: a batch of them is split by bytes.
    execution, frames, replayed = await _run(users, loop(30), "x" * 100_000, 30)
    live_ids = _check(frames)
    assert live_ids == list(range(2, 127))
    assert 10 < sum(f["type"] == "events" for _, f in frames)  # ~12 MB in frames of ~1 MB, not one
    assert _check(replayed) == list(range(1, 127))
