"""The work pool's children (designer/workpool.py): they do the work, answer through real servers
(``manage.py serve``, as ``make serve``, and ``runserver``, as ``make run``), and none outlives
its server process, however that ends."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from designer import devservers, workpool

from .test_api_large import BIG

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # ended, not yet reaped


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, p in parents.items() if p == parent]
        found += kids
        frontier += kids
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_warm_starts_every_child_before_any_work_is_asked():
    workpool.shutdown()
    workpool._warming = False  # as in a server process that has not warmed yet
    workpool.warm()
    deadline = time.monotonic() + 120  # bounds a hang only: spawning is slow on a loaded machine
    while len(workpool.children()) < workpool.PROCESSES and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workpool.children()) == workpool.PROCESSES
    started = workpool.children()
    assert workpool.run(os.getpid, what="Asking") in started


def _gone(pids, timeout: float = 60) -> list[int]:
    """The pids still alive after waiting up to ``timeout`` seconds for them to end."""
    deadline = time.monotonic() + timeout
    while (left := [p for p in pids if _alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_the_work_runs_in_a_child_and_the_children_end_when_shut_down():
    pid = workpool.run(os.getpid, what="Asking")
    assert pid != os.getpid() and pid in workpool.children()
    workpool.shutdown()
    assert workpool.children() == []
    assert _gone([pid], timeout=10) == []


def test_the_children_end_when_their_server_process_is_killed():
    """SIGKILL leaves a process no time to stop its children: they notice it is gone."""
    code = ("import os, sys, time\n"
            "from designer import workpool\n"
            "if __name__ == '__main__':\n"
            "    print(workpool.run(os.getpid, what='Asking'), flush=True)\n"
            "    time.sleep(600)\n")
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "STATEWISE_WORK_PROCESSES": "1"})
    try:
        child = int(server.stdout.readline())
        assert _alive(child)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    assert _gone([child]) == [], "the child outlived its killed parent"


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(240)
@pytest.mark.parametrize("kind", ["serve", "runserver"])
def test_a_real_server_answers_a_large_definition_from_a_child_and_leaves_none(users, client_for, kind):
    from rest_framework.authtoken.models import Token

    here = client_for("owner").post("/api/validate/", {"definition": BIG}, format="json")  # in the test process
    token = Token.objects.get_or_create(user=users["owner"])[0].key
    server = devservers.ServerProcess(database_url=devservers.database_url(connection.settings_dict), kind=kind,
                                      workers=1).start()
    try:
        before = set(_descendants(server.process.pid))
        request = urllib.request.Request(f"{server.url}/api/validate/", data=json.dumps({"definition": BIG}).encode(),
                                         method="POST", headers={"Content-Type": "application/json",
                                                                 "Authorization": f"Token {token}"})
        with urllib.request.urlopen(request, timeout=120) as r:
            answer = json.load(r)
        after = set(_descendants(server.process.pid))
        spawned = [pid for pid in after if b"spawn_main" in _cmdline(pid)]
    finally:
        server.stop()
    assert answer == here.json()
    # The server starts its children when it starts (workpool.warm), so they may be there before
    # the request: what counts is that work children exist and end with the server.
    assert spawned, "the server has no work children"
    assert _gone(after | before) == [], "processes outlived the server"
