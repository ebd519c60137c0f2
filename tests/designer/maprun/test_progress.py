"""A Distributed Map advances a bounded number of children per step and per runner batch, and
every write reports its Map Run's counts: the REST API, the live frames and the Map Runs API show
them moving while the parent writes no event. Children wait on the virtual clock (Wait states)."""
from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as sync_to_async

from designer import services, simulation
from designer.simulation import runner
from tests.designer.test_consumers import WAIT, _connect, _frames_until, _in_memory_layer  # noqa: F401

START = 1_700_000_000_000
DEFINITION = {"StartAt": "Fan", "States": {"Fan": {
    "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": True,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Sleep", "States": {
                          "Sleep": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
                          "Done": {"Type": "Pass", "End": True}}}}}}


def _succeeded(state: dict) -> int | None:
    runs = state["mapRuns"]
    return runs[0]["executionCounts"]["succeeded"] if runs else None


@pytest.mark.django_db
def test_stepping_over_rest_moves_one_child_at_a_time_and_shows_the_counts(client_for, users):
    owner = client_for("owner")
    workflow = services.workflow_create(owner=users["owner"], name="Fan out", definition=DEFINITION)
    run = owner.post(f"/api/workflows/{workflow.pk}/executions/", {"input": {"items": list(range(6))}, "seed": 2},
                     format="json").json()
    seen, quiet_moves = [], 0
    last_seq = run["lastSeq"]
    for _ in range(100):
        response = owner.post(f"/api/executions/{run['id']}/control/", {"command": "step"}, format="json")
        assert response.status_code == 200, response.json()  # never "nothing to do" while children move
        state = response.json()
        if state["lastSeq"] == last_seq and seen and _succeeded(state) is not None:
            quiet_moves += 1  # the parent wrote nothing: only the children moved
        last_seq = state["lastSeq"]
        seen.append(_succeeded(state))
        if state["status"] != "RUNNING":
            break
    assert state["status"] == "SUCCEEDED" and len(state["output"]) == 6
    counts = [n for n in seen if n is not None]
    assert counts == sorted(counts) and counts[-1] == 6
    assert all(b - a <= 1 for a, b in zip(counts, counts[1:]))  # a step ends at most one child
    assert set(range(7)) <= set(counts) and quiet_moves >= 12  # two moves per child: sleep, then finish
    (listed,) = owner.get(f"/api/executions/{run['id']}/map-runs/").json()["mapRuns"]
    assert listed["status"] == "SUCCEEDED" and listed["stateName"] == "Fan"
    assert listed["executionCounts"] == {"pending": 0, "running": 0, "succeeded": 6, "failed": 0, "timedOut": 0,
                                         "aborted": 0, "total": 6}
    # three waves of two children, ten virtual seconds each
    assert state["virtualTime"] - state["startedAt"] == 30_000
    from django.test import Client

    browser = Client()
    browser.force_login(users["owner"])
    page = browser.get(f"/executions/{run['id']}/").content.decode()
    assert 'id="map-runs-panel"' in page and "6 of 6 child executions succeeded, 0 running" in page


@pytest.mark.django_db
def test_a_runner_batch_moves_at_most_its_transitions_of_children(users):
    workflow = services.workflow_create(owner=users["owner"], name="Wide", definition={
        **DEFINITION, "States": {"Fan": {**DEFINITION["States"]["Fan"], "MaxConcurrency": 0}}})
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, seed=1,
                                              input={"items": list(range(40))}, start_time=START)
    simulation.execution_continue(user=users["owner"], execution=execution)
    counts = []
    while True:
        update = runner.execution_advance(execution_id=execution.pk, runner_id="test", max_transitions=7,
                                          max_seconds=3600)
        execution.refresh_from_db()
        counts.append(simulation.execution_state(execution)["mapRuns"])
        if update is None or update.stop:
            break
    assert execution.status == "SUCCEEDED" and execution.virtual_time == START + 10_000
    progress = [(r[0]["executionCounts"]["running"], r[0]["executionCounts"]["succeeded"]) for r in counts if r]
    # 40 children, two moves each, at most 7 transitions a batch: at least 12 batches, each visible
    assert len(counts) >= 12 and progress[-1] == (0, 40)
    succeeded = [s for _, s in progress]
    assert succeeded == sorted(succeeded) and all(b - a <= 7 for a, b in zip(succeeded, succeeded[1:]))
    assert len({s for s in succeeded if 0 < s < 40}) >= 5


@pytest.mark.django_db(transaction=True)
async def test_live_frames_show_the_map_run_moving(users, monkeypatch):
    monkeypatch.setattr(runner, "BATCH_TRANSITIONS", 5)  # several batches for a small Map Run
    workflow = await sync_to_async(services.workflow_create)(owner=users["owner"], name="Fan", definition={
        **DEFINITION, "States": {"Fan": {**DEFINITION["States"]["Fan"], "MaxConcurrency": 0}}})
    execution, _ = await sync_to_async(simulation.execution_start)(
        user=users["owner"], workflow=workflow, input={"items": list(range(20))}, seed=4, start_time=START)
    viewer, _ = await _connect(users["owner"], execution.pk)
    await _frames_until(viewer, lambda f, fs: f["type"] == "events")
    await viewer.send_json_to({"command": "continue"})
    frames = await _frames_until(viewer, lambda f, fs: f.get("execution", {}).get("status") == "SUCCEEDED",
                                 timeout=4 * WAIT)
    states = [f["execution"] for f in frames if "execution" in f and f["execution"]["mapRuns"]]
    succeeded = [_succeeded(s) for s in states]
    assert succeeded == sorted(succeeded) and succeeded[-1] == 20
    assert len({n for n in succeeded if 0 < n < 20}) >= 2  # seen part-way, not only at the end
    running = [s["mapRuns"][0]["executionCounts"]["running"] for s in states]
    assert max(running) == 20 and states[-1]["mapRuns"][0]["status"] == "SUCCEEDED"
    await viewer.disconnect()
