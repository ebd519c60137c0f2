"""A Map Run lives inside its parent: callbacks, stopping, snapshots and redrive reach the children.

From AWS's developer guide: a child workflow's task token is answered like any other
(SendTaskSuccess with the child's token); stopping the parent aborts the Map Run's running
children; a redriven parent redrives a Map Run that had started children ("Redriving Map Runs"):
``MapRunRedriven``, STANDARD children that failed, timed out or were aborted are redriven
(``ExecutionRedriven`` in their own history), EXPRESS ones run again as new executions, and the
children that succeeded are not run again.
"""
import json

from interpreter.definition import parse
from interpreter.execution import Execution, InvalidToken
from interpreter.mocks import Mocks
from tests.interpreter.asl_helpers import START
from tests.interpreter.distributed_helpers import FAIL_ABOVE_2, dmap, only_run, types

import pytest

CALLBACK = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "q", "MessageBody": {"item.$": "$", "token.$": "$$.Task.Token"}},
    "End": True}}}
SLOW = {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 60, "End": True}}}


def start(definition: dict, items, mocks: dict | None = None, **kwargs) -> Execution:
    return Execution(parse(definition), items, mocks=Mocks.from_lists(mocks or {}), seed=1, start_time=START,
                     **kwargs)


# --- callbacks in the children ---------------------------------------------------------------

def test_a_child_waiting_for_a_callback_is_answered_through_the_parent():
    ex = start(dmap(processor=CALLBACK), ["a", "b"]).run_to_callback()
    tokens = ex.waiting_tokens()
    assert list(tokens.values()) == ["Ask", "Ask"]
    assert ex.describe_status()["waiting"] == {"reason": "callback", "tokens": tokens}
    first, second = list(tokens)
    ex.send_task_success(second, {"answer": 2})
    ex.run_to_callback()
    assert ex.status == "RUNNING" and list(ex.waiting_tokens()) == [first]
    ex.send_task_success(first, {"answer": 1})
    ex.run()
    assert ex.result() == {"status": "SUCCEEDED", "output": [{"answer": 1}, {"answer": 2}]}
    child = only_run(ex).children[0]
    assert [e.type for e in child.events][-4:] == ["TaskSubmitted", "TaskSucceeded", "TaskStateExited",
                                                   "ExecutionSucceeded"]


def test_a_childs_answer_is_stamped_with_the_time_it_came():
    ex = start(dmap(processor=CALLBACK), ["a"]).run_to_callback()
    (token,) = ex.waiting_tokens()
    ex.run_until(START + 90_000)  # a person takes 90 s to answer
    ex.send_task_failure(token, "Rejected", "no")
    ex.run()
    assert ex.result()["error"] == "States.ExceedToleratedFailureThreshold"
    child = only_run(ex).children[0]
    failed = next(e for e in child.events if e.type == "TaskFailed")
    assert failed.timestamp == START + 90_000 and failed.details["error"] == "Rejected"
    assert next(e for e in ex.events if e.type == "MapRunFailed").timestamp == START + 90_000


def test_a_childs_heartbeat_goes_through_the_parent_and_a_missed_one_times_out():
    processor = json.loads(json.dumps(CALLBACK))
    processor["States"]["Ask"]["HeartbeatSeconds"] = 10
    ex = start(dmap(processor=processor, ToleratedFailureCount=1), ["a"]).run_to_callback()
    (token,) = ex.waiting_tokens()
    ex.run_until(START + 8_000)
    ex.send_task_heartbeat(token)
    ex.run_until(START + 17_000)
    assert ex.waiting_tokens() == {token: "Ask"}  # beat at 8 s: alive until 18 s
    ex.run()
    assert ex.result() == {"status": "SUCCEEDED", "output": [None]}
    child = only_run(ex).children[0]
    timed_out = next(e for e in child.events if e.type == "TaskTimedOut")
    assert timed_out.timestamp == START + 18_000


def test_an_unknown_token_is_refused():
    ex = start(dmap(processor=CALLBACK), ["a"]).run_to_callback()
    with pytest.raises(InvalidToken):
        ex.send_task_success("no-such-token", {})


def test_a_child_waiting_for_a_callback_survives_a_snapshot():
    definition = dmap(processor=CALLBACK)
    ex = start(definition, ["a", "b"]).run_to_callback()
    snapshot = json.loads(json.dumps(ex.to_json()))
    restored = Execution.restore(parse(definition), snapshot, mocks=Mocks())
    assert restored.waiting_tokens() == ex.waiting_tokens()
    for token in list(restored.waiting_tokens()):
        restored.send_task_success(token, "ok")
    restored.run()
    assert restored.result() == {"status": "SUCCEEDED", "output": ["ok", "ok"]}
    child = only_run(restored).children[1]
    assert [e.type for e in child.events][:2] == ["ExecutionStarted", "TaskStateEntered"]


# --- stopping the parent -------------------------------------------------------------------

def test_aborting_the_parent_aborts_the_running_children_and_starts_no_more():
    ex = start(dmap(processor=SLOW, MaxConcurrency=2), [1, 2, 3])
    ex.run_until(START + 30_000)
    ex.abort()
    run = only_run(ex)
    assert ex.status == "ABORTED" and run.status == "ABORTED"
    assert [c.status if c else None for c in run.children] == ["ABORTED", "ABORTED", None]
    assert [e.type for e in run.children[0].events][-1] == "ExecutionAborted"
    assert run.children[0].events[-1].timestamp == START + 30_000


def test_the_parents_timeout_aborts_the_children():
    ex = start({**dmap(processor=SLOW), "TimeoutSeconds": 5}, [1]).run()
    assert ex.status == "TIMED_OUT"
    child = only_run(ex).children[0]
    assert child.status == "ABORTED" and child.events[-1].timestamp == START + 5_000


def test_a_failing_sibling_branch_aborts_the_map_run():
    definition = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Later", "States": {"Later": {"Type": "Wait", "Seconds": 10, "Next": "Boom"},
                                        "Boom": {"Type": "Fail", "Error": "Boom"}}},
        dmap(processor=SLOW)]}}}
    ex = start(definition, [1, 2]).run()
    assert ex.result()["error"] == "Boom"
    run = only_run(ex)
    assert run.status == "ABORTED" and [c.status for c in run.children] == ["ABORTED", "ABORTED"]


def test_children_and_parent_timers_interleave_on_one_clock():
    definition = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Early", "States": {"Early": {"Type": "Wait", "Seconds": 5, "End": True}}},
        dmap(processor=SLOW)]}}}
    ex = start(definition, [1])
    ex.run_until(START + 30_000)
    assert only_run(ex).children[0].status == "RUNNING"
    assert "WaitStateExited" in types(ex)  # the parent's 5 s Wait ended while the child still waits
    ex.run()
    assert ex.status == "SUCCEEDED" and ex.events[-1].timestamp == START + 60_000


# --- redrive -----------------------------------------------------------------------------------

def test_redrive_redrives_the_map_run_and_only_its_failed_children():
    processor = {"StartAt": "Work", "States": {"Work": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w", "End": True}}}
    first = {"Work": [{"Return": 1}, {"Throw": {"Error": "Flaky"}}, {"Return": 3}]}
    ex = start(dmap(processor=processor, MaxConcurrency=1, ToleratedFailureCount=0), [1, 2, 3], first).run()
    assert ex.result()["error"] == "States.ExceedToleratedFailureThreshold"
    run = only_run(ex)
    arn = run.arn
    assert [c.status if c else None for c in run.children] == ["SUCCEEDED", "FAILED", None]
    kept = list(run.children[0].events)

    ex.redrive(mocks=Mocks.from_lists({"Work": [{"Return": 2}, {"Return": 3}]}))
    ex.run()
    assert ex.result() == {"status": "SUCCEEDED", "output": [1, 2, 3], "redriveCount": 1}
    after = types(ex)[types(ex).index("ExecutionRedriven"):]
    assert after == ["ExecutionRedriven", "MapStateEntered", "MapStateStarted", "MapRunRedriven",
                     "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    redriven = next(e for e in ex.events if e.type == "MapRunRedriven")
    assert redriven.details == {"mapRunArn": arn, "redriveCount": 1}
    assert redriven.to_aws()["mapRunRedrivenEventDetails"] == {"mapRunArn": arn, "redriveCount": 1}
    assert list(ex.map_runs) == [arn] and run.status == "SUCCEEDED" and run.redrive_count == 1
    assert run.children[0].events == kept  # succeeded: not run again
    again = run.children[1]
    assert again.redrive_count == 1
    after = [e.type for e in again.events]
    after = after[after.index("ExecutionRedriven"):]
    assert after == ["ExecutionRedriven", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                     "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert run.children[2].redrive_count == 0 and run.children[2].status == "SUCCEEDED"


def test_redrive_after_an_abort_goes_on_with_the_aborted_children():
    ex = start(dmap(processor=SLOW, MaxConcurrency=1), [1, 2])
    ex.run_until(START + 70_000)  # the first child ended at 60 s; the second waits until 120 s
    ex.abort()
    run = only_run(ex)
    assert [c.status for c in run.children] == ["SUCCEEDED", "ABORTED"]
    ex.redrive()
    ex.run()
    assert ex.result() == {"status": "SUCCEEDED", "output": [1, 2], "redriveCount": 1}
    second = run.children[1]
    assert [e.type for e in second.events][-4:] == ["ExecutionRedriven", "WaitStateEntered", "WaitStateExited",
                                                    "ExecutionSucceeded"]


def test_express_children_run_again_as_new_executions():
    ex = start(dmap(processor=FAIL_ABOVE_2, execution_type="EXPRESS"), [1, 3]).run()
    run = only_run(ex)
    failed = run.children[1]
    assert failed.status == "FAILED"
    ex.redrive()
    ex.run()
    assert ex.status == "FAILED"  # item 3 still fails, but in a new execution
    assert run.children[1] is not failed and run.children[1].name != failed.name
    assert run.children[1].redrive_count == 0 and run.redrive_count == 1


def test_a_map_run_that_never_started_children_starts_afresh_on_redrive():
    definition = dmap(ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                                  "ReaderConfig": {"InputType": "JSON"},
                                  "Parameters": {"Bucket": "b", "Key": "missing.json"}})
    ex = start(definition, {}).run()
    assert ex.status == "FAILED"
    ex.redrive()
    ex.run()
    assert len(ex.map_runs) == 2 and "MapRunRedriven" not in types(ex)


def test_redrive_after_a_snapshot_keeps_the_map_run():
    definition = dmap(processor=FAIL_ABOVE_2, ToleratedFailureCount=0)
    ex = start(definition, [1, 3]).run()
    restored = Execution.restore(parse(definition), json.loads(json.dumps(ex.to_json())))
    restored.redrive()
    restored.run()
    assert "MapRunRedriven" in types(restored)
    run = only_run(restored)
    assert run.children[0].redrive_count == 0 and run.children[1].redrive_count == 1


def test_result_writer_entries_tell_redrive_counts_and_status():
    from interpreter.map_run import entry as _entry
    ex = start(dmap(processor=FAIL_ABOVE_2, ToleratedFailureCount=5), [1, 3]).run()
    ok, bad = (_entry(c) for c in only_run(ex).children)
    assert ok["RedriveStatus"] == "NOT_REDRIVABLE" and bad["RedriveStatus"] == "REDRIVABLE"
    ex = start(dmap(processor=FAIL_ABOVE_2, ToleratedFailureCount=5, execution_type="EXPRESS"), [3]).run()
    assert _entry(only_run(ex).children[0])["RedriveStatus"] == "REDRIVABLE_BY_MAP_RUN"
