"""The bounds on a real ASGI server (daphne), over real sockets: a body over the size bound is
answered 413 JSON before Django reads it (daphne itself buffers a body before calling the
application; servers that stream it, such as uvicorn, are answered without reading it), and a websocket message nested 10,000 levels deep or carrying a
callback output over 256 KiB gets an error frame, the connection staying open."""
from __future__ import annotations

import asyncio
import json
import socket

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from designer import devservers, services, simulation
from designer.wsclient import WebSocketClient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

CALLBACK = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}}


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        url = devservers.database_url(connection.settings_dict)
    process = devservers.ServerProcess(database_url=url, kind="daphne")
    try:
        yield process.start()
    finally:
        process.stop()


def _exchange(port: int, head: bytes, body_chunks=()) -> bytes:
    """Send a request head (and some body), then read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        for chunk in body_chunks:
            try:
                sock.sendall(chunk)
            except OSError:  # the server answered and closed: what was sent is enough
                break
        answer = b""
        while True:  # up to the end of the body the answer's Content-Length announces
            head, sep, body = answer.partition(b"\r\n\r\n")
            if sep:
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), None)
                if length is not None and len(body) >= length:
                    return answer
            data = sock.recv(65536)
            if not data:
                return answer
            answer += data


def test_a_body_over_the_bound_is_413_json_before_django_reads_it(server):
    head = (b"POST /api/validate/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 20971520\r\n\r\n")
    answer = _exchange(server.port, head, [b"[" * (1024 * 1024)] * 20)
    status, _, body = answer.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 413")
    assert json.loads(body) == {"error": "too_large", "detail": "The request body is 20,971,520 bytes; Statewise "
                                                               "accepts at most 5,242,880 bytes (5 MiB)."}
    # Without a Content-Length (chunked), the body is counted as it comes and cut off at the bound.
    chunk = b"x" * (1024 * 1024)
    head = (b"POST /api/validate/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    framed = [b"%x\r\n" % len(chunk) + chunk + b"\r\n"] * 8 + [b"0\r\n\r\n"]
    answer = _exchange(server.port, head, framed)
    assert answer.startswith(b"HTTP/1.1 413") and b"is larger than 5,242,880 bytes" in answer


def test_websocket_messages_too_deep_or_too_large_get_error_frames_and_the_socket_stays(server, users):
    workflow = services.workflow_create(owner=users["owner"], name="Callback", definition=CALLBACK)
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={}, seed=1)
    client = Client()
    client.force_login(users["owner"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        ws = await WebSocketClient.connect(f"{server.ws_url}/ws/executions/{execution.pk}/?after=0",
                                           headers={"Cookie": cookie, "Origin": server.url})
        frames = []

        async def until(kind, test=lambda frame: True):
            while True:
                frame = await asyncio.wait_for(ws.recv_json(), 30)
                frames.append(frame)
                if frame["type"] == kind and test(frame):
                    return frame
        await until("hello")
        await ws.send("[" * 10_000 + "]" * 10_000)
        deep = await until("error")
        await ws.send_json({"command": "step", "id": 1})  # into the task, which waits for its callback
        waiting = await until("events", lambda frame: (frame.get("execution") or {}).get("waiting"))
        token = next(iter(waiting["execution"]["waiting"]["tokens"]))
        await ws.send_json({"command": "send_task_success", "id": 3, "token": token, "output": {"b": "y" * 300_000}})
        large = await until("error")
        await ws.send_json({"command": "send_task_success", "id": 4, "token": token, "output": {"ok": True}})
        ack = await until("ack")
        await ws.close()
        return deep, large, ack

    deep, large, ack = asyncio.run(scenario())
    assert deep["error"] == "too_deep" and "nested more than 200 levels deep" in deep["detail"]
    assert (large["error"], large["field"], large["id"]) == ("too_large", "output", 3)
    assert "accepts at most 262,144 bytes (256 KiB)" in large["detail"]
    assert ack["id"] == 4
