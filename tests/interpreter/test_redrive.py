"""Redrive (AWS's RedriveExecution): a FAILED, TIMED_OUT or ABORTED run goes on from where it stopped."""
import json

import pytest

from interpreter.definition import parse
from interpreter.execution import ABORTED, FAILED, SUCCEEDED, TIMED_OUT, Execution, ExecutionNotRedrivable
from interpreter.mocks import Mocks

from asl_helpers import START, execute, machine

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"
BOOM = {"Throw": {"Error": "Boom", "Cause": "it broke"}}


def task(**more):
    return {"Type": "Task", "Resource": LAMBDA, **more}


def types(ex, after=0):
    return [e.type for e in ex.events if e.id > after]


def count(ex, event_type, name=None):
    return sum(1 for e in ex.events if e.type == event_type and (name is None or e.details["name"] == name))


def redriven_id(ex):
    return next(e.id for e in ex.events if e.type == "ExecutionRedriven")


def test_failed_task_goes_on_from_the_failed_state():
    definition = machine({"Prep": {"Type": "Pass", "Result": 1, "ResultPath": "$.prep", "Next": "Work"},
                          "Work": task(ResultPath="$.work", Next="Done"), "Done": {"Type": "Succeed"}})
    ex = execute(definition, {"id": 7}, mocks={"Work": [BOOM, {"Return": "ok"}]})
    assert (ex.status, ex.error, ex.cause) == (FAILED, "Boom", "it broke")
    failed_at = ex.events[-1].id
    (redriven,) = ex.redrive()
    assert redriven.type == "ExecutionRedriven"
    (entered, *_) = ex.step()
    assert redriven.details == {"redriveCount": 1} and redriven.previous_event_id == failed_at
    assert entered.previous_event_id == redriven.id
    assert entered.details == {"name": "Work", "input": {"id": 7, "prep": 1}}  # the input it had
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == {"id": 7, "prep": 1, "work": "ok"}
    assert count(ex, "PassStateEntered") == 1 and count(ex, "ExecutionStarted") == 1
    assert count(ex, "TaskStateEntered") == 2
    assert ex.result()["redriveCount"] == 1
    assert [e.id for e in ex.events] == list(range(1, len(ex.events) + 1))


def test_retry_counts_start_again():
    retry = [{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}]
    definition = machine({"Work": task(Retry=retry, Parameters={"try.$": "$$.State.RetryCount"}, End=True)})
    ex = execute(definition, mocks={"Work": [BOOM, BOOM, BOOM, {"Return": "ok"}]})
    assert ex.status == FAILED
    ex.redrive()
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == "ok"
    scheduled = [e.details["input"] for e in ex.events if e.type == "LambdaFunctionScheduled"]
    assert scheduled == [{"try": 0}, {"try": 1}, {"try": 0}, {"try": 1}]


def test_redrive_count_in_the_context_object_and_events():
    definition = machine({
        "Work": task(ResultPath=None, Next="Report"),
        "Report": {"Type": "Pass", "Parameters": {"count.$": "$$.Execution.RedriveCount"}, "End": True}})
    ex = execute(definition, mocks={"Work": [BOOM, BOOM, {"Return": "ok"}]})
    ex.redrive()
    ex.run()
    assert ex.status == FAILED
    ex.redrive()
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == {"count": 2}
    assert [e.details for e in ex.events if e.type == "ExecutionRedriven"] == [{"redriveCount": 1},
                                                                               {"redriveCount": 2}]
    first = execute(definition, mocks={"Work": [{"Return": "ok"}]})
    assert first.output == {"count": 0}


def test_variables_assigned_before_the_failure_are_kept():
    definition = machine({
        "Set": {"Type": "Pass", "Assign": {"who": "ada"}, "Next": "Work"},
        "Work": task(ResultPath=None, Next="Use"),
        "Use": {"Type": "Pass", "Parameters": {"who.$": "$who"}, "End": True}})
    ex = execute(definition, mocks={"Work": [BOOM, {"Return": "ok"}]})
    ex.redrive()
    ex.run()
    assert ex.output == {"who": "ada"}


PARALLEL = machine({"Both": {"Type": "Parallel", "End": True, "Branches": [
    machine({"A": task(End=True)}),
    machine({"B1": {"Type": "Pass", "Result": "b1", "Next": "B2"}, "B2": task(Resource=LAMBDA + "B", End=True)}),
]}})


def test_failed_parallel_branch_alone_runs_again():
    ex = execute(PARALLEL, mocks={"A": [{"Return": "a"}], "B2": [BOOM, {"Return": "b"}]})
    assert ex.status == FAILED
    ex.redrive()
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == ["a", "b"]
    after = types(ex, redriven_id(ex) - 1)
    assert after == ["ExecutionRedriven", "ParallelStateEntered", "ParallelStateStarted", "TaskStateEntered",
                     "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
                     "TaskStateExited", "ParallelStateExited", "ExecutionSucceeded"]
    assert count(ex, "TaskStateEntered", "A") == 1  # the branch that succeeded is not run again
    assert count(ex, "PassStateEntered", "B1") == 1  # nor the failed branch's successful step


def test_aborted_parallel_branch_runs_again():
    definition = machine({"Both": {"Type": "Parallel", "End": True, "Branches": [
        machine({"Nap": {"Type": "Wait", "Seconds": 10, "Next": "Up"}, "Up": {"Type": "Pass", "Result": "up",
                                                                            "End": True}}),
        machine({"Work": task(End=True)}),
    ]}})
    ex = execute(definition, mocks={"Work": [BOOM, {"Return": "w"}]})
    assert ex.status == FAILED and count(ex, "WaitStateExited") == 0
    ex.redrive()
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == ["up", "w"]
    assert count(ex, "WaitStateEntered") == 2


MAP = machine({"Each": {"Type": "Map", "ItemsPath": "$.items", "End": True, "ItemProcessor": machine({
    "Prep": {"Type": "Pass", "Parameters": {"i.$": "$"}, "Next": "Work"},
    "Work": task(ResultPath="$.r", End=True)})}})


def test_failed_map_iteration_alone_runs_again_results_in_order():
    mocks = {"Work": [{"Return": "r0"}, {"Return": "r1"}, BOOM, {"Return": "r2"}, {"Return": "r3"}]}
    ex = execute(MAP, {"items": [10, 11, 12, 13]}, mocks=mocks)
    assert ex.status == FAILED
    # Without MaxConcurrency the four iterations start together; 3 is aborted when 2 fails.
    assert [e.details["index"] for e in ex.events if e.type == "MapIterationStarted"] == [0, 1, 2, 3]
    assert [e.details["index"] for e in ex.events if e.type == "MapIterationAborted"] == [3]
    redriven = ex.redrive()
    assert [e.type for e in redriven] == ["ExecutionRedriven", "MapStateEntered", "MapStateStarted"]
    assert redriven[1].details["input"] == {"items": [10, 11, 12, 13]}
    ex.run()
    assert ex.status == SUCCEEDED
    assert ex.output == [{"i": 10, "r": "r0"}, {"i": 11, "r": "r1"}, {"i": 12, "r": "r2"}, {"i": 13, "r": "r3"}]
    after = redriven_id(ex)
    restarted = [e.details["index"] for e in ex.events if e.type == "MapIterationStarted" and e.id > after]
    assert restarted == [2, 3]  # the failed one, and the one never started
    assert count(ex, "PassStateEntered") == 4  # the failed iteration's Prep is not run again


def test_map_with_max_concurrency_after_redrive():
    definition = json.loads(json.dumps(MAP))
    definition["States"]["Each"]["MaxConcurrency"] = 1
    mocks = {"Work": [{"Return": "r0"}, BOOM, {"Return": "r1"}, {"Return": "r2"}]}
    ex = execute(definition, {"items": [0, 1, 2]}, mocks=mocks)
    ex.redrive()
    ex.run()
    assert [item["r"] for item in ex.output] == ["r0", "r1", "r2"]


def test_machine_timeout_then_redrive_with_the_timer_started_again():
    definition = machine({"One": {"Type": "Wait", "Seconds": 3, "Next": "Two"},
                          "Two": {"Type": "Wait", "Seconds": 3, "End": True}}, TimeoutSeconds=5)
    ex = execute(definition)
    assert (ex.status, ex.error) == (TIMED_OUT, None) and ex.clock == START + 5000  # AWS gives no error
    ex.redrive()
    ex.run()
    assert ex.status == SUCCEEDED and ex.clock == START + 8000  # "Two" waits again; "One" does not
    assert count(ex, "WaitStateEntered", "One") == 1 and count(ex, "WaitStateEntered", "Two") == 2


def test_timed_out_task_redriven_with_new_mocks():
    definition = machine({"Work": task(End=True)}, TimeoutSeconds=60)
    ex = execute(definition, mocks={"Work": [{"Pending": True}]})
    assert ex.status == TIMED_OUT
    ex.redrive(mocks=Mocks.from_lists({"Work": [{"Return": "late"}]}))  # call numbers start again
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == "late"


def test_abort_then_redrive_runs_unfinished_iterations():
    definition = machine({"Each": {"Type": "Map", "MaxConcurrency": 1, "End": True, "ItemProcessor": machine({
        "Nap": {"Type": "Wait", "Seconds": 10, "Next": "Echo"},
        "Echo": {"Type": "Pass", "End": True}})}})
    ex = Execution(parse(definition), [1, 2, 3], seed=1, start_time=START)
    ex.run_until(START + 15_000)  # the first iteration is done; the second is asleep
    ex.abort(cause="stop")
    assert ex.status == ABORTED
    ex.redrive()
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == [1, 2, 3]
    assert count(ex, "WaitStateEntered") == 4  # the aborted iteration waits again; the first does not


def test_abort_of_a_plain_state_then_redrive():
    definition = machine({"Nap": {"Type": "Wait", "Seconds": 10, "Next": "Done"}, "Done": {"Type": "Pass", "End": True}})
    ex = Execution(parse(definition), {"a": 1}, seed=1, start_time=START)
    ex.step()
    ex.abort()
    ex.redrive()
    ex.run()
    assert ex.status == SUCCEEDED and ex.output == {"a": 1}


def test_refusals():
    ok = execute(machine({"P": {"Type": "Pass", "End": True}}))
    with pytest.raises(ExecutionNotRedrivable, match="SUCCEEDED"):
        ok.redrive()
    waiting = Execution(parse(machine({"W": {"Type": "Wait", "Seconds": 5, "End": True}})), {}, start_time=START)
    with pytest.raises(ExecutionNotRedrivable, match="RUNNING"):
        waiting.redrive()
    express = execute(machine({"F": {"Type": "Fail", "Error": "E"}}), express=True)
    with pytest.raises(ExecutionNotRedrivable, match="EXPRESS"):
        express.redrive()
    assert express.status == FAILED and count(express, "ExecutionRedriven") == 0


def test_a_fail_state_fails_again():
    ex = execute(machine({"P": {"Type": "Pass", "Next": "F"}, "F": {"Type": "Fail", "Error": "E", "Cause": "c"}}))
    ex.redrive()
    ex.run()
    assert (ex.status, ex.error) == (FAILED, "E") and ex.redrive_count == 1
    assert count(ex, "PassStateEntered") == 1 and count(ex, "FailStateEntered") == 2


def roundtrip(definition, ex, mocks):
    snapshot = json.loads(json.dumps(ex.to_json()))
    return Execution.restore(parse(definition), snapshot, mocks=Mocks.from_lists(mocks))


def test_redrive_after_snapshot_and_restore():
    mocks = {"Work": [{"Return": "r0"}, BOOM, {"Return": "r1"}, {"Return": "r2"}]}
    ex = execute(MAP, {"items": [0, 1, 2]}, mocks=mocks)
    ex = roundtrip(MAP, ex, mocks)
    ex.redrive()
    ex.run(max_steps=3)
    ex = roundtrip(MAP, ex, mocks)  # in the middle of a redriven Map
    ex.run()
    assert ex.status == SUCCEEDED and [item["r"] for item in ex.output] == ["r0", "r1", "r2"]
    assert ex.redrive_count == 1


def test_snapshot_of_a_failed_parallel_keeps_the_branch_results():
    mocks = {"A": [{"Return": "a"}], "B2": [BOOM, {"Return": "b"}]}
    ex = roundtrip(PARALLEL, execute(PARALLEL, mocks=mocks), mocks)
    ex.redrive()
    ex.run()
    assert ex.output == ["a", "b"]


def test_heartbeats_keep_a_callback_task_alive():
    definition = machine({"Review": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "HeartbeatSeconds": 5, "TimeoutSeconds": 600,
        "Parameters": {"MessageBody.$": "$$.Task.Token"}, "End": True}})
    ex = Execution(parse(definition), {}, seed=1, start_time=START).run_to_callback()
    (token,) = ex.waiting_tokens()
    for _ in range(3):
        ex.run_until(ex.clock + 4000)
        ex.send_task_heartbeat(token)
    ex.run_until(ex.clock + 4000)
    ex.send_task_success(token, {"ok": True})
    ex.run()
    assert ex.status == SUCCEEDED and ex.clock == START + 16_000
    silent = Execution(parse(definition), {}, seed=1, start_time=START).run_to_callback()
    silent.run_until(START + 12_000)
    assert (silent.status, silent.error) == (FAILED, "States.Timeout") and silent.clock == START + 5000
    assert any(e.type == "TaskTimedOut" and e.timestamp == START + 5000 for e in silent.events)
