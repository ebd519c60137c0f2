"""The websocket, through the real ASGI application (sessions, origin check) and the in-memory layer."""
from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async as sync_to_async  # closes each thread's connection
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from designer import live, simulation
from designer.samples import SAMPLES_DIR
from designer.simulation import runner
from designer.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True)]
# How long to wait for a frame that must come: generous, so a loaded machine does not fail a test.
WAIT = 30

LOOP_DEFINITION = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": 300, "Next": "Increment"}],
                  "Default": "Done"},
        "Increment": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)"}, "Next": "Check"},
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                           "CONFIG": {"capacity": 5000}}}
    from channels.layers import channel_layers
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def run(users, workflow):
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={
        "application": {"id": "a-1", "name": "N", "address": "A", "idDocS3path": "s3://d"}}, mock_config={
        "StateMachines": {"m": {"TestCases": {"T": {"Verify Identity Documents": "Ok", "Check Address": "Ok",
                                                    "Approve Application": "Put", "Notify Applicant": "Put"}}}},
        "MockedResponses": {"Ok": {"0": {"Return": {"Payload": {"flagged": False, "reason": None}}}},
                            "Put": {"0": {"Return": {}}}}}, mock_test_case="T", seed=1)
    return execution


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def _connect(user, execution_id, after=None, origin=b"http://localhost"):
    cookie = await sync_to_async(_cookie)(user) if user is not None else b""
    path = f"/ws/executions/{execution_id}/" + (f"?after={after}" if after is not None else "")
    headers = [(b"origin", origin)] if origin else []
    if cookie:
        headers.append((b"cookie", cookie))
    comm = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await comm.connect(timeout=WAIT)
    return comm, connected


async def _frames_until(comm, predicate, timeout=WAIT):
    frames = []
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        frame = json.loads(await comm.receive_from(timeout=max(0.1, end - loop.time())))
        frames.append(frame)
        if predicate(frame, frames):
            return frames


def _events(frames):
    return [e for f in frames if f["type"] == "events" for e in f["events"]]


async def test_strangers_and_anonymous_get_an_error_and_a_close(users, run):
    comm, connected = await _connect(users["stranger"], run.pk)
    assert connected
    frame = await comm.receive_json_from(timeout=WAIT)
    assert frame["type"] == "error" and frame["error"] == "not_found"
    closed = await comm.receive_output(timeout=WAIT)
    assert closed["type"] == "websocket.close" and closed["code"] == 4404
    comm, connected = await _connect(None, run.pk)
    frame = await comm.receive_json_from(timeout=WAIT)
    assert frame["error"] == "login_required"
    assert (await comm.receive_output(timeout=WAIT))["code"] == 4401


async def test_origin_is_checked(users, run):
    comm, connected = await _connect(users["owner"], run.pk, origin=b"http://evil.example")
    assert not connected
    comm, connected = await _connect(users["owner"], run.pk, origin=None)
    assert not connected


async def test_replay_after_a_sequence_number(users, run):
    for _ in range(3):
        await sync_to_async(simulation.execution_step)(user=users["owner"], execution=run)
    comm, _ = await _connect(users["viewer"], run.pk)
    hello = await comm.receive_json_from(timeout=WAIT)
    assert hello["type"] == "hello" and hello["canControl"] is False
    last = hello["execution"]["lastSeq"]
    frames = await _frames_until(comm, lambda f, fs: f["type"] == "events" and f["events"][-1]["id"] == last)
    assert [e["id"] for e in _events(frames)] == list(range(1, last + 1))
    await comm.disconnect()
    comm, _ = await _connect(users["viewer"], run.pk, after=4)
    await comm.receive_json_from(timeout=WAIT)
    frames = await _frames_until(comm, lambda f, fs: f["type"] == "events")
    assert [e["id"] for e in _events(frames)] == list(range(5, last + 1))
    assert await comm.receive_nothing(timeout=0.2)
    await comm.disconnect()


async def test_live_events_reach_every_viewer_and_commands_are_acked(users, run):
    viewer, _ = await _connect(users["viewer"], run.pk)
    editor, _ = await _connect(users["editor"], run.pk)
    for comm in (viewer, editor):
        await _frames_until(comm, lambda f, fs: f["type"] == "events")  # hello + replay
    await editor.send_json_to({"command": "step", "id": 1})
    got = {}
    for name, comm in (("viewer", viewer), ("editor", editor)):
        frames = await _frames_until(comm, lambda f, fs: f["type"] == "events" and not f.get("replay"))
        got[name] = _events(frames)
        if name == "editor":
            ack = [f for f in frames if f["type"] == "ack"] or [await comm.receive_json_from(timeout=WAIT)]
            assert ack[0] == {"type": "ack", "id": 1, "command": "step", "revision": ack[0]["revision"]}
    assert got["viewer"] == got["editor"]
    assert [e["type"] for e in got["viewer"]] == ["ParallelStateEntered", "ParallelStateStarted"]
    await viewer.disconnect()
    await editor.disconnect()


async def test_bad_messages_get_error_frames_and_the_connection_stays(users, run):
    editor, _ = await _connect(users["editor"], run.pk)
    await _frames_until(editor, lambda f, fs: f["type"] == "events")
    cases = [
        ("{not json", "invalid_json", None),
        ("[1, 2]", "invalid_input", "command"),
        (json.dumps({"command": "fly", "id": "a"}), "invalid_input", "command"),
        (json.dumps({"command": "set_speed", "id": 2}), "invalid_input", "speed"),
        (json.dumps({"command": "set_speed", "speed": -3}), "invalid_input", "speed"),
        (json.dumps({"command": "set_breakpoints", "breakpoints": ["No such state"]}), "invalid_input", "breakpoints"),
        (json.dumps({"command": "send_task_success", "token": "x", "output": {}}), "invalid_input", "token"),
        (json.dumps({"command": "replay", "after": -1}), "invalid_input", "after"),
    ]
    for text, code, field in cases:
        await editor.send_to(text_data=text)
        frame = await editor.receive_json_from(timeout=WAIT)
        assert frame["type"] == "error" and frame["error"] == code, (text, frame)
        assert frame.get("field") == field, (text, frame)
    await editor.send_to(bytes_data=b"\x00")
    assert (await editor.receive_json_from(timeout=WAIT))["error"] == "invalid_message"
    # still open, still working
    await editor.send_json_to({"command": "step", "id": 9})
    frames = await _frames_until(editor, lambda f, fs: f["type"] == "ack")
    assert frames[-1]["id"] == 9
    await editor.disconnect()


async def test_viewers_cannot_control_but_may_replay(users, run):
    viewer, _ = await _connect(users["viewer"], run.pk)
    await _frames_until(viewer, lambda f, fs: f["type"] == "events")
    for command in ({"command": "step", "id": 3}, {"command": "abort"}, {"command": "continue"}):
        await viewer.send_json_to(command)
        frame = await viewer.receive_json_from(timeout=WAIT)
        assert frame["type"] == "error" and frame["error"] == "forbidden"
    assert (await sync_to_async(lambda: run.__class__.objects.get(pk=run.pk).last_seq)()) == 1
    await viewer.send_json_to({"command": "replay", "after": 0, "id": 4})
    frames = await _frames_until(viewer, lambda f, fs: f["type"] == "ack")
    assert [e["id"] for e in _events(frames)] == [1]
    await viewer.disconnect()


async def test_full_speed_arrives_in_batches_in_order_none_dropped(users, monkeypatch):
    from designer import services

    monkeypatch.setattr(runner, "BATCH_TRANSITIONS", 100)  # several batches for a short loop
    monkeypatch.setattr(runner, "BATCH_SECONDS", 3600.0)  # a loaded machine must not end them by time
    wf = await sync_to_async(services.workflow_create)(owner=users["owner"], name="Loop", definition=LOOP_DEFINITION)
    execution, _ = await sync_to_async(simulation.execution_start)(user=users["owner"], workflow=wf, input={"count": 0})
    watchers = [(await _connect(users["owner"], execution.pk))[0] for _ in range(3)]
    for comm in watchers:
        await _frames_until(comm, lambda f, fs: f["type"] == "events")
    await watchers[0].send_json_to({"command": "continue"})
    results = []
    for comm in watchers:
        frames = await _frames_until(comm, lambda f, fs: f["type"] == "events" and f["events"]
                                     and f["events"][-1]["type"] == "ExecutionSucceeded", timeout=4 * WAIT)
        events = _events(frames)
        results.append([e["id"] for e in events])
        batches = [len(f["events"]) for f in frames if f["type"] == "events"]
        assert max(batches) > 50, batches  # batched, not one frame per event
        assert frames[-1]["execution"]["status"] == "SUCCEEDED"
    expected = list(range(2, results[0][-1] + 1))
    assert len(expected) == 1 + 2 * 601 + 2 + 1 - 1  # 301 Checks, 300 Increments, Done, end
    for seqs in results:
        assert seqs == expected
    for comm in watchers:
        await comm.disconnect()


async def test_a_gap_is_filled_from_the_database(users, run):
    viewer, _ = await _connect(users["viewer"], run.pk)
    await _frames_until(viewer, lambda f, fs: f["type"] == "events")
    # Two writes; only the second is published (the first's broadcast was lost or is late).
    await sync_to_async(simulation.execution_step)(user=users["owner"], execution=run)
    second = await sync_to_async(simulation.execution_step)(user=users["owner"], execution=run)
    await live.publish(second)
    frames = await _frames_until(viewer, lambda f, fs: len(_events(fs)) >= second.last - 1)
    assert [e["id"] for e in _events(frames)] == list(range(2, second.last + 1))
    # a late, older update is not sent again
    await live.publish(second)
    assert await viewer.receive_nothing(timeout=0.2)
    await viewer.disconnect()


async def test_answering_a_callback_over_the_socket(users, workflow):
    base = SAMPLES_DIR
    config = json.loads((base / "account-application.mocks.json").read_text())
    execution, _ = await sync_to_async(simulation.execution_start)(
        user=users["owner"], workflow=workflow, input=json.loads((base / "account-application.input.json").read_text()),
        mock_config=config, mock_test_case="FlaggedAddressApprovedByReviewer")
    editor, _ = await _connect(users["editor"], execution.pk)
    await _frames_until(editor, lambda f, fs: f["type"] == "events")
    await editor.send_json_to({"command": "continue"})
    frames = await _frames_until(editor, lambda f, fs: f.get("execution", {}).get("stopReason") == "waiting for a callback")
    state = frames[-1]["execution"]
    assert state["states"]["Wait For Review"] == "waiting"
    token = next(iter(state["waiting"]["tokens"]))
    await editor.send_json_to({"command": "send_task_success", "token": token, "output": {"approved": True}})
    await _frames_until(editor, lambda f, fs: f["type"] == "ack")
    await editor.send_json_to({"command": "continue"})
    frames = await _frames_until(editor, lambda f, fs: f.get("execution", {}).get("status") == "SUCCEEDED")
    assert frames[-1]["execution"]["states"]["Approve Application"] == "succeeded"
    await editor.disconnect()


async def test_a_server_defect_is_an_error_frame_not_a_closed_socket(users, run, monkeypatch):
    def broken(*, user, execution):
        raise RuntimeError("boom")

    monkeypatch.setenv("STATEWISE_RUNNER_PROCESSES", "0")  # commands in this process, where the patch is
    monkeypatch.setattr(simulation, "execution_pause", broken)
    editor, _ = await _connect(users["editor"], run.pk)
    await _frames_until(editor, lambda f, fs: f["type"] == "events")
    await editor.send_json_to({"command": "pause", "id": 5})
    frame = await editor.receive_json_from(timeout=WAIT)
    assert frame == {"type": "error", "error": "internal_error", "id": 5,
                     "detail": "The command failed on the server; it has been logged."}
    await editor.send_json_to({"command": "replay", "after": 0, "id": 6})
    assert (await _frames_until(editor, lambda f, fs: f["type"] == "ack"))[-1]["id"] == 6
    await editor.disconnect()


async def test_a_member_removed_while_watching_is_cut_off_and_a_new_editor_gets_control(users, workflow, run):
    from designer import services

    viewer, _ = await _connect(users["viewer"], run.pk)
    editor, _ = await _connect(users["editor"], run.pk)
    for comm in (viewer, editor):
        await _frames_until(comm, lambda f, fs: f["type"] == "events")
    viewer_id = users["viewer"].pk
    await sync_to_async(services.membership_remove)(user=users["owner"], workflow=workflow, member_id=viewer_id)
    frame = await viewer.receive_json_from(timeout=WAIT)
    assert frame["type"] == "error" and frame["error"] == "not_found"
    assert (await viewer.receive_output(timeout=WAIT))["code"] == 4404
    await sync_to_async(services.membership_set)(user=users["owner"], workflow=workflow, username="editor",
                                                 role="viewer")
    frame = await editor.receive_json_from(timeout=WAIT)
    assert frame == {"type": "access", "canControl": False}
    await editor.send_json_to({"command": "step", "id": 1})
    frame = await editor.receive_json_from(timeout=WAIT)
    assert frame["type"] == "error" and frame["error"] == "forbidden"
    await editor.disconnect()
