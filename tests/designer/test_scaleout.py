"""Scale-out: two server processes share the database and a Redis channel layer; a viewer
connected to one sees a run advanced through the other."""
from __future__ import annotations

import asyncio
import json
import os
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from designer import devservers, services, simulation
from designer.wsclient import WebSocketClient

# Two checkouts testing at once on one machine give each its own Redis database.
REDIS_URL = os.environ.get("STATEWISE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
LOOP = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": 200, "Next": "Increment"}],
              "Default": "Done"},
    "Increment": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}}

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


@pytest.fixture
def servers():
    reason = devservers.redis_reachable(REDIS_URL)
    if reason:
        pytest.skip(f"Scale-out needs Redis: {reason} (start one with redis-server)")
    url = devservers.database_url(connection.settings_dict)
    pair = [devservers.ServerProcess(database_url=url, redis_url=REDIS_URL, kind="daphne") for _ in range(2)]
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            server.stop()


def test_a_viewer_on_one_process_sees_a_run_advanced_by_another(servers, users):
    from rest_framework.authtoken.models import Token

    a, b = servers
    wf = services.workflow_create(owner=users["owner"], name="Loop", definition=LOOP)
    execution, _ = simulation.execution_start(user=users["owner"], workflow=wf, input={"count": 0}, seed=3)
    client = Client()
    client.force_login(users["owner"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    token = Token.objects.create(user=users["owner"]).key

    def control(server, body):
        request = urllib.request.Request(f"{server.url}/api/executions/{execution.pk}/control/",
                                         data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Authorization": f"Token {token}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.load(r)

    async def scenario():
        ws = await WebSocketClient.connect(f"{a.ws_url}/ws/executions/{execution.pk}/?after=0",
                                           headers={"Cookie": cookie, "Origin": a.url})
        hello = await asyncio.wait_for(ws.recv_json(), 10)
        assert hello["type"] == "hello" and hello["execution"]["lastSeq"] == 1
        replay = await asyncio.wait_for(ws.recv_json(), 10)
        assert [e["id"] for e in replay["events"]] == [1]
        # one step through process B's REST API ...
        await asyncio.to_thread(control, b, {"command": "step"})
        frame = await asyncio.wait_for(ws.recv_json(), 10)
        assert [e["type"] for e in frame["events"]] == ["ChoiceStateEntered", "ChoiceStateExited"]
        # ... then B runs it to the end; A's viewer gets every event, in order
        await asyncio.to_thread(control, b, {"command": "continue"})
        seqs = [e["id"] for e in frame["events"]]
        while True:
            frame = await asyncio.wait_for(ws.recv_json(), 20)
            if frame["type"] != "events":
                continue
            seqs += [e["id"] for e in frame["events"]]
            if frame.get("execution", {}).get("status") == "SUCCEEDED":
                break
        await ws.close()
        return seqs

    seqs = asyncio.run(scenario())
    assert seqs == list(range(2, seqs[-1] + 1))
    execution.refresh_from_db()
    assert execution.status == "SUCCEEDED" and execution.last_seq == seqs[-1]
    # B did the work: A never ran it (it only relayed)
    assert "Runner" not in a.output()


def test_two_processes_asked_to_continue_one_run_take_turns(servers, users):
    """Both processes are told to continue the same paced run: the lease lets one advance it, so
    it keeps its speed (two runners would finish it in half the time) and its event log stays whole."""
    from rest_framework.authtoken.models import Token

    a, b = servers
    definition = json.loads(json.dumps(LOOP))
    definition["States"]["Check"]["Choices"][0]["NumericLessThan"] = 30
    wf = services.workflow_create(owner=users["owner"], name="Paced loop", definition=definition)
    speed = 40.0
    execution, _ = simulation.execution_start(user=users["owner"], workflow=wf, input={"count": 0}, speed=speed)
    token = Token.objects.create(user=users["owner"]).key
    transitions = 30 * 2 + 2  # Check and Increment thirty times, then Check and Done

    def control(server, body):
        request = urllib.request.Request(f"{server.url}/api/executions/{execution.pk}/control/",
                                         data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Authorization": f"Token {token}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.load(r)

    import time
    started = time.monotonic()
    control(a, {"command": "continue"})
    control(b, {"command": "continue"})
    while True:
        execution.refresh_from_db()
        if execution.status != "RUNNING" or time.monotonic() - started > 60:
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    assert execution.status == "SUCCEEDED"
    assert elapsed >= 0.8 * transitions / speed, f"{elapsed:.2f} s: two runners advanced it at once"
    seqs = list(execution.events.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, execution.last_seq + 1))


def test_an_idle_viewer_stays_connected_through_redis(users):
    """Failure 1 of issue 11: with Redis, a viewer of a run that produced nothing for 5 s was
    closed (1011, a read timeout inside channels-redis). It idles 15 s here, then gets the next
    event on the same socket."""
    from rest_framework.authtoken.models import Token

    reason = devservers.redis_reachable(REDIS_URL)
    if reason:
        pytest.skip(f"Needs Redis: {reason} (start one with redis-server)")
    server = devservers.ServerProcess(database_url=devservers.database_url(connection.settings_dict),
                                      redis_url=REDIS_URL, kind="serve", workers=1).start()
    try:
        wf = services.workflow_create(owner=users["owner"], name="Idle", definition=LOOP)
        execution, _ = simulation.execution_start(user=users["owner"], workflow=wf, input={"count": 0})
        client = Client()
        client.force_login(users["owner"])
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        token = Token.objects.create(user=users["owner"]).key

        def step():
            request = urllib.request.Request(f"{server.url}/api/executions/{execution.pk}/control/",
                                             data=b'{"command": "step"}', method="POST",
                                             headers={"Content-Type": "application/json",
                                                      "Authorization": f"Token {token}"})
            with urllib.request.urlopen(request, timeout=30) as r:
                return json.load(r)

        async def scenario():
            ws = await WebSocketClient.connect(f"{server.ws_url}/ws/executions/{execution.pk}/?after=0",
                                               headers={"Cookie": cookie, "Origin": server.url})
            frames = [await asyncio.wait_for(ws.recv_json(), 10), await asyncio.wait_for(ws.recv_json(), 10)]
            assert [f["type"] for f in frames] == ["hello", "events"]
            listening = asyncio.ensure_future(ws.recv_json())
            await asyncio.sleep(15)
            assert not listening.done(), f"the socket ended while idle: {listening.exception() or listening.result()}"
            await asyncio.to_thread(step)
            frame = await asyncio.wait_for(listening, 20)
            await ws.close()
            return frame

        frame = asyncio.run(scenario())
    finally:
        server.stop()
    assert frame["type"] == "events" and [e["type"] for e in frame["events"]] == ["ChoiceStateEntered",
                                                                                  "ChoiceStateExited"]
