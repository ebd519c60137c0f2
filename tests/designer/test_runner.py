"""The runner, through real server processes: continuing runs move with nobody watching, a run
whose process dies is finished by another with every event exactly once, and the interpreter's
work happens outside the server process."""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from designer import devservers, services, simulation
from designer.models import Execution
from designer.simulation import runner
from interpreter.execution import RUNNING, Execution as Interpreter

REDIS_URL = os.environ.get("STATEWISE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
LOOP = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": 60, "Next": "Increment"}],
              "Default": "Done"},
    "Increment": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}}
# Every transition computes for a while (~5,000 JSONata function calls: tens of ms, far below the
# evaluation's time bound even on a loaded machine).
HEAVY = {"QueryLanguage": "JSONata", "StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n < 40 %}", "Next": "Work"}],
              "Default": "Done"},
    "Work": {"Type": "Pass", "Output": {
        "n": "{% $states.input.n + 1 %}",
        "sum": "{% $sum($map([0..99], function($v) { $sum($map([0..49], function($w) { $v * $w })) })) %}"},
        "Next": "Check"},
    "Done": {"Type": "Succeed"}}}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


def _redis() -> str:
    reason = devservers.redis_reachable(REDIS_URL)
    if reason:
        pytest.skip(f"Needs Redis: {reason} (start one with redis-server)")
    return REDIS_URL


def _control(server, execution_id: int, token: str, body: dict) -> dict:
    request = urllib.request.Request(f"{server.url}/api/executions/{execution_id}/control/",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.load(r)


def _token(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def _wait(predicate, timeout: float, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s")


def _reference_events(execution: Execution) -> list[tuple]:
    """The same run, done here by the interpreter alone: what the servers must have written."""
    machine = simulation.machine_of(execution)
    run = Interpreter(machine, execution.input, seed=execution.seed, state_machine_name="x")
    events = run.take_events()
    while run.status == RUNNING:
        events += run.step()
    return [(e.type, json.dumps(e.details, sort_keys=True)) for e in events[1:]]  # ExecutionStarted names the run


def test_a_run_whose_process_dies_is_finished_by_another_with_every_event_once(users):
    """Two `manage.py serve` processes share the database and Redis; the one advancing a paced
    run is killed, nobody connects again, and the other finishes the run within seconds."""
    url = devservers.database_url(connection.settings_dict)
    redis = _redis()
    pair = [devservers.ServerProcess(database_url=url, redis_url=redis, kind="serve", workers=1) for _ in range(2)]
    try:
        for server in pair:
            server.start()
        workflow = services.workflow_create(owner=users["owner"], name="Paced loop", definition=LOOP)
        execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={"count": 0},
                                                  speed=25, seed=5)
        _control(pair[0], execution.pk, _token(users["owner"]), {"command": "continue"})
        held = _wait(lambda: (row := Execution.objects.get(pk=execution.pk)).last_seq >= 20 and row.runner_id and row,
                     timeout=60)
        holder = next(s for s in pair if held.runner_id.startswith(f"{s.process.pid}-"))
        other = next(s for s in pair if s is not holder)

        holder.kill()
        killed_at = time.monotonic()
        at_kill = Execution.objects.get(pk=execution.pk).last_seq
        taken = _wait(lambda: (row := Execution.objects.get(pk=execution.pk)).last_seq > at_kill
                      and row.runner_id.startswith(f"{other.process.pid}-") and row, timeout=60)
        resumed_after = time.monotonic() - killed_at
        done = _wait(lambda: (row := Execution.objects.get(pk=execution.pk)).status != "RUNNING" and row, timeout=120)
    finally:
        for server in pair:
            server.stop()
    assert taken and done.status == "SUCCEEDED" and done.output == {"count": 60}
    events = list(done.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, done.last_seq + 1))
    assert [(e.type, json.dumps(e.details, sort_keys=True)) for e in events[1:]] == _reference_events(done)
    # The lease (3 s) and the poll (0.5 s) make it ~3.5 s; the bound leaves room for a loaded machine.
    assert resumed_after < runner.LEASE_SECONDS + runner.POLL_SECONDS + 6, f"resumed after {resumed_after:.1f} s"
    print(f"resumed {resumed_after:.2f} s after the kill")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, this process only


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def test_a_computing_run_costs_the_server_process_almost_nothing(users):
    """Failure 2 of issue 11: a run's interpreter work ran in the server process and took its
    time from every request. Now the batch process computes; the server only relays."""
    url = devservers.database_url(connection.settings_dict)
    server = devservers.ServerProcess(database_url=url, kind="serve", workers=1).start()
    try:
        workflow = services.workflow_create(owner=users["owner"], name="Heavy", definition=HEAVY)
        execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={"n": 0})
        before = _cpu_seconds(server.process.pid)
        _control(server, execution.pk, _token(users["owner"]), {"command": "continue"})
        done = _wait(lambda: (row := Execution.objects.get(pk=execution.pk)).status != "RUNNING" and row, timeout=180)
        server_cpu = _cpu_seconds(server.process.pid) - before
        batches = [pid for pid in _children(server.process.pid)]
        batch_cpu = sum(_cpu_seconds(pid) for pid in batches)
    finally:
        server.stop()
    assert done.status == "SUCCEEDED" and done.output["n"] == 40, (done.error, done.cause)
    assert batches and batch_cpu > 0.5, f"the batch process did the work ({batch_cpu:.2f} s of CPU)"
    assert server_cpu < 0.25 * batch_cpu, f"server {server_cpu:.2f} s of CPU, batches {batch_cpu:.2f} s"


def test_a_suite_costs_the_server_process_almost_nothing(users):
    """A suite's interpreter work ran in a thread of the server process and took its time from
    every request (bench_abuse: GET /api/workflows/ at 110-280 ms p99 during a suite). Now child
    processes compute it; the server only reads the cases and stores the result."""
    url = devservers.database_url(connection.settings_dict)
    server = devservers.ServerProcess(database_url=url, kind="serve", workers=1).start()
    try:
        workflow = services.workflow_create(owner=users["owner"], name="Heavy suite", definition=HEAVY)
        for i in range(8):  # each a fraction of a second of work
            simulation.test_case_create(user=users["owner"], workflow=workflow, name=f"From {30 + i}",
                                        input={"n": 30 + i})
        before = _cpu_seconds(server.process.pid)
        request = urllib.request.Request(f"{server.url}/api/workflows/{workflow.pk}/suite-runs/", data=b"{}",
                                         method="POST", headers={"Content-Type": "application/json",
                                                                 "Authorization": f"Token {_token(users['owner'])}"})
        with urllib.request.urlopen(request, timeout=180) as r:
            suite = json.load(r)
        server_cpu = _cpu_seconds(server.process.pid) - before
        children_cpu = sum(_cpu_seconds(pid) for pid in _children(server.process.pid))
    finally:
        server.stop()
    assert (suite["passed"], suite["total"]) == (8, 8), [(c.get("failures"), c.get("problems")) for c in suite["cases"]]
    assert children_cpu > 1.0, f"the children did the work ({children_cpu:.2f} s of CPU)"
    assert server_cpu < 0.25 * children_cpu, f"server {server_cpu:.2f} s of CPU, children {children_cpu:.2f} s"


def test_a_run_left_continuing_is_advanced_with_nobody_asking(users, monkeypatch):
    """In-process: the runner finds a continuing run by itself (no wake, no viewer)."""
    monkeypatch.setenv("STATEWISE_RUNNER_PROCESSES", "0")
    workflow = services.workflow_create(owner=users["owner"], name="Loop", definition=LOOP)
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={"count": 0})
    Execution.objects.filter(pk=execution.pk).update(mode="continuing", runner_id="gone-process")
    runner.start()
    done = _wait(lambda: (row := Execution.objects.get(pk=execution.pk)).status != "RUNNING" and row, timeout=60)
    assert done.status == "SUCCEEDED" and done.runner_id == ""
    assert list(done.events.values_list("seq", flat=True)) == list(range(1, done.last_seq + 1))


def test_a_step_that_computes_too_long_is_stopped_and_the_run_is_as_it_was(users):
    """A person's step runs where batches run: past the server's time bound its process is
    replaced, the step is refused (422, saying which bound) and nothing of it is kept."""
    url = devservers.database_url(connection.settings_dict)
    server = devservers.ServerProcess(database_url=url, kind="serve", workers=1,
                                      extra_env={"STATEWISE_BATCH_DEADLINE": "1"}).start()
    # Twenty fields of ~50,000 calls each: far over a second, however fast the machine (and each
    # stops at the evaluation's own 2 s bound, however slow).
    costly = "{% $sum($map([0..999], function($v) { $sum($map([0..49], function($w) { $v * $w })) })) %}"
    slow = {"QueryLanguage": "JSONata", "StartAt": "Work", "States": {
        "Work": {"Type": "Pass", "Output": {f"f{i}": costly for i in range(20)}, "End": True}}}
    try:
        workflow = services.workflow_create(owner=users["owner"], name="Slow", definition=slow)
        execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, input={})
        with pytest.raises(urllib.error.HTTPError) as refused:
            _control(server, execution.pk, _token(users["owner"]), {"command": "step"})
        body = json.load(refused.value)
        with urllib.request.urlopen(f"{server.url}/accounts/login/", timeout=30) as page:
            alive = page.status
    finally:
        server.stop()
    assert refused.value.code == 422 and body["error"] == "over_bound", body
    assert "took longer than 1 s" in body["detail"] and "as it was" in body["detail"]
    row = Execution.objects.get(pk=execution.pk)
    assert row.last_seq == 1 and row.status == "RUNNING" and alive == 200
