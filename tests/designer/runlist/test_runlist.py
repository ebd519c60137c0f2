"""Run lists that stay true: /ws/workflows/<id>/runs/ through the real ASGI application."""
from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from designer import simulation
from designer.asgi import application
from designer.models import Execution
from designer.simulation import runner

pytestmark = [pytest.mark.django_db(transaction=True)]
MOCKS = {"StateMachines": {"m": {"TestCases": {"T": {
    "Verify Identity Documents": "Ok", "Check Address": "Flagged", "Approve Application": "Put",
    "Notify Applicant": "Put"}}}},
    "MockedResponses": {"Ok": {"0": {"Return": {"Payload": {"flagged": False, "reason": None}}}},
                        "Flagged": {"0": {"Return": {"Payload": {"flagged": True, "reason": "PO box"}}}},
                        "Put": {"0": {"Return": {}}}}}
INPUT = {"application": {"id": "a-1", "name": "N", "address": "A", "idDocS3path": "s3://d"}}


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def _connect(user, workflow_id):
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(_cookie)(user)))
    comm = WebsocketCommunicator(application, f"/ws/workflows/{workflow_id}/runs/", headers=headers)
    connected, _ = await comm.connect(timeout=5)
    assert connected
    return comm


async def test_a_run_list_hears_runs_start_wait_for_a_person_and_finish(users, workflow):
    viewer = await _connect(users["viewer"], workflow.pk)
    assert await viewer.receive_json_from(timeout=5) == {"type": "runs", "runs": []}

    execution, _ = await sync_to_async(simulation.execution_start)(
        user=users["owner"], workflow=workflow, input=INPUT, mock_config=MOCKS, mock_test_case="T", seed=1)
    frame = await viewer.receive_json_from(timeout=5)
    assert frame["type"] == "run"
    run = frame["run"]
    assert (run["id"], run["status"], run["waitingForPerson"], run["label"], run["version"]) == (
        execution.pk, "RUNNING", False, "custom input", 1)
    assert run["url"] == f"/executions/{execution.pk}/"

    # Continuing to the review: the list hears it waits for a person (and nothing of the steps between).
    await sync_to_async(_continue_to_stop)(users["owner"], execution.pk)
    frame = await viewer.receive_json_from(timeout=5)
    assert (frame["run"]["status"], frame["run"]["waitingForPerson"]) == ("RUNNING", True)
    assert await viewer.receive_nothing(timeout=0.3)

    token = next(iter((await sync_to_async(_waiting_tokens)(execution.pk))))
    await sync_to_async(simulation.execution_send_task_success)(
        user=users["owner"], execution=await sync_to_async(Execution.objects.get)(pk=execution.pk), token=token,
        output={"approved": True})
    frame = await viewer.receive_json_from(timeout=5)
    assert (frame["run"]["status"], frame["run"]["waitingForPerson"]) == ("RUNNING", False)
    await sync_to_async(_continue_to_stop)(users["owner"], execution.pk)
    frame = await viewer.receive_json_from(timeout=5)
    assert frame["run"]["status"] == "SUCCEEDED"

    # A page that connects now gets the list as it is.
    late = await _connect(users["editor"], workflow.pk)
    frame = await late.receive_json_from(timeout=5)
    assert [(r["id"], r["status"]) for r in frame["runs"]] == [(execution.pk, "SUCCEEDED")]
    await late.send_to(text_data='{"command": "step"}')
    assert (await late.receive_json_from(timeout=5))["type"] == "error"
    await late.disconnect()
    await viewer.disconnect()


def _waiting_tokens(execution_id):
    return Execution.objects.get(pk=execution_id).waiting["tokens"]


def _continue_to_stop(user, execution_id):
    """Continue the run and advance it, batch by batch, as the server's runner does."""
    simulation.execution_continue(user=user, execution=Execution.objects.get(pk=execution_id))
    while True:
        update = runner.execution_advance(execution_id=execution_id, runner_id="test")
        if update is None or update.stop:
            return


async def test_strangers_are_refused_and_a_removed_member_is_cut_off(users, workflow):
    from designer import services

    for user, code in ((None, 4401), (users["stranger"], 4404)):
        comm = await _connect(user, workflow.pk)
        assert (await comm.receive_json_from(timeout=5))["type"] == "error"
        assert (await comm.receive_output(timeout=5))["code"] == code
    viewer = await _connect(users["viewer"], workflow.pk)
    await viewer.receive_json_from(timeout=5)
    await sync_to_async(services.membership_remove)(user=users["owner"], workflow=workflow, member_id=users["viewer"].pk)
    assert (await viewer.receive_json_from(timeout=5))["error"] == "not_found"
    assert (await viewer.receive_output(timeout=5))["code"] == 4404
