"""Callbacks, heartbeats, timeouts and activities on the virtual clock."""
from __future__ import annotations

import pytest

from interpreter.definition import parse
from interpreter.execution import Execution, InvalidToken
from interpreter.mocks import Mocks

from asl_helpers import START, machine

SQS_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:review"


def waiting(definition: dict, mocks: dict | None = None, input=None) -> Execution:
    ex = Execution(parse(definition), input or {}, mocks=Mocks.from_lists(mocks or {}), seed=1, start_time=START)
    while ex.next_wake() is None and ex.step():
        pass
    return ex


def callback_task(**fields) -> dict:
    return machine({"T": {"Type": "Task", "Resource": SQS_WAIT, "End": True,
                          "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, **fields}})


def token_of(ex: Execution) -> str:
    (token, _), = ex.waiting_tokens().items()
    return token


def test_callback_is_submitted_then_answered():
    ex = waiting(callback_task())
    assert [e.type for e in ex.events][-1] == "TaskSubmitted"
    ex.send_task_success(token_of(ex), {"ok": True})
    ex.run()
    assert ex.output == {"ok": True}
    with pytest.raises(InvalidToken):
        ex.send_task_success("not-a-token", {})


def test_heartbeats_keep_a_task_alive_until_its_timeout():
    ex = waiting(callback_task(HeartbeatSeconds=5, TimeoutSeconds=600))
    token = token_of(ex)
    for _ in range(3):
        ex.clock += 4000  # someone sends a heartbeat every 4 s of simulated time
        ex.send_task_heartbeat(token)
    assert ex.status == "RUNNING"
    ex.send_task_success(token, "done")
    assert ex.run().output == "done"


def test_a_missed_heartbeat_times_the_task_out():
    ex = waiting(callback_task(HeartbeatSeconds=5, TimeoutSeconds=600))
    ex.run()
    timed_out = next(e for e in ex.events if e.type == "TaskTimedOut")
    assert timed_out.timestamp - START == 5000
    assert ex.result()["error"] == "States.Timeout"


def test_timeout_from_a_path():
    ex = waiting(machine({"T": {"Type": "Task", "Resource": SQS_WAIT, "TimeoutSecondsPath": "$$.Execution.Input.t",
                                "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
                                "End": True}}), input={"t": 30})
    assert ex.status == "RUNNING"
    ex.run()
    assert ex.events[-2].type == "TaskTimedOut" and ex.events[-2].timestamp - START == 30_000


def test_a_mocked_callback_failure_follows_the_submission():
    definition = callback_task()
    ex = Execution(parse(definition), {}, seed=1, mocks=Mocks.from_config({
        "StateMachines": {"m": {"TestCases": {"c": {"T": "Rejected"}}}},
        "MockedResponses": {"Rejected": {"0": {"Throw": {"Error": "Rejected", "Cause": "no"}}}}}, "m", "c")).run()
    assert [e.type for e in ex.events][-3:] == ["TaskSubmitted", "TaskFailed", "ExecutionFailed"]


def test_activity_answered_by_hand_and_by_a_simulated_worker():
    definition = machine({"A": {"Type": "Task", "Resource": ACTIVITY, "HeartbeatSeconds": 60, "End": True}})
    ex = waiting(definition)
    assert [e.type for e in ex.events][-1] == "ActivityScheduled"
    ex.send_task_success(token_of(ex), {"by": "hand"})
    ex.run()
    assert [e.type for e in ex.events][-4:] == ["ActivityStarted", "ActivitySucceeded", "TaskStateExited",
                                                "ExecutionSucceeded"]
    worker = waiting(definition, {"A": [{"Return": {"by": "worker"}}]})
    assert worker.status == "SUCCEEDED" and worker.output == {"by": "worker"}


def test_an_activity_nobody_takes_times_out():
    ex = waiting(machine({"A": {"Type": "Task", "Resource": ACTIVITY, "TimeoutSeconds": 30, "End": True}}),
                 {"A": [{"Pending": True}]})
    ex.run()
    assert [e.type for e in ex.events][-2:] == ["ActivityTimedOut", "ExecutionFailed"]
    assert ex.events[-2].timestamp - START == 30_000
