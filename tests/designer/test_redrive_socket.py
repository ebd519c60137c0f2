"""Redrive over the websocket: the editor's command, and every viewer of the run receiving the
redrive's events live, in order, each once."""
from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator

from designer import simulation
from designer.asgi import application
from designer.models import Execution
from designer.simulation import runner

from .test_consumers import WAIT, _connect, _events, _frames_until, _in_memory_layer  # noqa: F401 - fixture
from .test_redrive import THROWS, _config, INPUT

pytestmark = [pytest.mark.django_db(transaction=True)]


def _failed_run(users, workflow) -> Execution:
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input=INPUT,
                                              mock_config=_config(THROWS), mock_test_case="T", seed=5)
    simulation.execution_continue(user=users["owner"], execution=execution)
    while (update := runner.execution_advance(execution_id=execution.pk, runner_id="test")) and not update.stop:
        pass
    execution = Execution.objects.get(pk=execution.pk)
    assert execution.status == "FAILED"
    return execution


async def test_a_second_viewer_sees_the_redrive_live_in_order_once(users, workflow):
    run = await sync_to_async(_failed_run)(users, workflow)
    failed_at = run.last_seq
    editor, _ = await _connect(users["editor"], run.pk)
    viewer, _ = await _connect(users["viewer"], run.pk)
    for comm in (editor, viewer):
        frames = await _frames_until(comm, lambda f, fs: f["type"] == "events")
        assert frames[0]["execution"]["redriveStatus"] == "REDRIVABLE"

    # Bad input and the viewer's attempt: error frames, the connection stays, nothing happens.
    await editor.send_json_to({"command": "redrive", "id": "bad",
                               "mock_override": {"state": "Approve Application", "response": {"x": 1}}})
    frame = await editor.receive_json_from(timeout=WAIT)
    assert frame["type"] == "error" and frame["id"] == "bad" and frame["field"] == "mock_override.response"
    await viewer.send_json_to({"command": "redrive", "id": 2})
    frame = await viewer.receive_json_from(timeout=WAIT)
    assert frame["type"] == "error" and frame["error"] == "forbidden"

    await editor.send_json_to({"command": "redrive", "id": 1, "mock_override": {
        "state": "Approve Application", "response": {"0": {"Return": {"ok": True}}}}})
    seen = {}
    for name, comm in (("editor", editor), ("viewer", viewer)):
        frames = await _frames_until(comm, lambda f, fs: f["type"] == "events" and f["events"]
                                     and f["events"][-1]["type"] == "ExecutionSucceeded", timeout=4 * WAIT)
        events = _events(frames)
        assert [e["id"] for e in events] == list(range(failed_at + 1, events[-1]["id"] + 1))  # in order, once
        assert events[0]["type"] == "ExecutionRedriven" and events[0]["details"] == {"redriveCount": 1}
        assert events[1]["type"] == "TaskStateEntered" and events[1]["step"] == "Approve Application"
        states = [f["execution"] for f in frames if f["type"] == "events" and "execution" in f]
        assert states[0]["status"] == "RUNNING" and states[0]["redrives"][0]["state"] == "Approve Application"
        assert states[-1]["status"] == "SUCCEEDED" and states[-1]["redriveCount"] == 1
        if name == "editor":
            assert any(f["type"] == "ack" and f["id"] == 1 and f["command"] == "redrive" for f in frames)
        seen[name] = events
        assert await comm.receive_nothing(timeout=0.3)  # nothing sent twice afterwards
    assert seen["editor"] == seen["viewer"]
    row = await sync_to_async(Execution.objects.get)(pk=run.pk)
    assert row.status == "SUCCEEDED" and row.redrives[-1]["by"] == "editor"
    await editor.disconnect()
    await viewer.disconnect()


async def test_a_share_link_holder_watches_but_cannot_redrive(users, workflow):
    from designer.review import sharing

    run = await sync_to_async(_failed_run)(users, workflow)
    link = await sync_to_async(sharing.share_link_create)(user=users["owner"], workflow=workflow, execution=run.pk)
    token = await sync_to_async(sharing.share_link_token)(link)
    guest = WebsocketCommunicator(application, f"/ws/share/{token}/execution/", headers=[(b"origin", b"http://localhost")])
    assert (await guest.connect(timeout=WAIT))[0]
    hello = (await _frames_until(guest, lambda f, fs: f["type"] == "events"))[0]
    assert hello["canControl"] is False and hello["execution"]["redriveStatus"] == "REDRIVABLE"
    await guest.send_json_to({"command": "redrive", "id": 7})
    frame = await guest.receive_json_from(timeout=WAIT)
    assert frame["type"] == "error" and frame["error"] == "forbidden" and frame["id"] == 7
    row = await sync_to_async(Execution.objects.get)(pk=run.pk)
    assert row.status == "FAILED" and row.revision == run.revision
    await guest.disconnect()
