"""Stepping, breakpoints, the virtual clock, Retry/Catch timing, snapshots, callbacks, abort."""
import json
import time

from interpreter.definition import parse
from interpreter.execution import Execution, InvalidToken
from interpreter.mocks import Mocks

from asl_helpers import START, execute, machine

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:check"


def test_step_advances_one_transition_at_a_time():
    ex = Execution(parse(machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}})), {}, seed=1)
    assert [e.type for e in ex.events] == ["ExecutionStarted"]
    assert [e.type for e in ex.step()] == ["PassStateEntered", "PassStateExited"]
    assert ex.current_states() == ["B"]
    assert [e.type for e in ex.step()] == ["SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]
    assert ex.step() == [] and ex.status == "SUCCEEDED"


def test_event_ids_chain_like_aws():
    ex = execute(machine({"A": {"Type": "Pass", "End": True}}))
    assert [(e.id, e.previous_event_id) for e in ex.events] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    aws = ex.events[1].to_aws()
    assert aws["stateEnteredEventDetails"] == {"name": "A", "input": "{}", "inputDetails": {"truncated": False}}


def test_breakpoint_stops_before_entering_the_state():
    definition = machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"},
                          "C": {"Type": "Succeed"}})
    ex = Execution(parse(definition), {}, seed=1).run(breakpoints={"C"})
    assert ex.status == "RUNNING" and ex.current_states() == ["C"]
    assert ex.events[-1].type == "PassStateExited"
    ex.run(breakpoints={"C"})
    assert ex.status == "SUCCEEDED"


def test_an_hour_wait_takes_no_real_time_and_reports_where_time_resumes():
    definition = machine({"W": {"Type": "Wait", "Seconds": 3600, "Next": "D"}, "D": {"Type": "Succeed"}})
    ex = Execution(parse(definition), {}, seed=1, start_time=START)
    ex.step()
    assert ex.next_wake() == START + 3_600_000
    assert ex.describe_status()["waiting"]["reason"] == "timer"
    started = time.perf_counter()
    ex.run()
    assert time.perf_counter() - started < 60  # an hour of virtual time, not of real time (nor a minute)
    assert ex.status == "SUCCEEDED"
    exited = next(e for e in ex.events if e.type == "WaitStateExited")
    assert exited.timestamp - START == 3_600_000


def test_retry_backoff_advances_the_virtual_clock():
    definition = machine({"T": {"Type": "Task", "Resource": LAMBDA, "End": True, "Retry": [
        {"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2}]}})
    boom = {"Throw": {"Error": "Boom", "Cause": "c"}}
    ex = execute(definition, {}, {"T": [boom, boom, {"Return": {"ok": 1}}]})
    assert ex.status == "SUCCEEDED" and ex.output == {"ok": 1}
    scheduled = [e.timestamp - START for e in ex.events if e.type == "LambdaFunctionScheduled"]
    assert scheduled == [0, 2000, 8000]


def test_max_delay_caps_backoff_and_max_attempts_zero_never_retries():
    definition = machine({"T": {"Type": "Task", "Resource": LAMBDA, "End": True, "Retry": [
        {"ErrorEquals": ["Once"], "MaxAttempts": 0},
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "BackoffRate": 10, "MaxDelaySeconds": 15,
         "MaxAttempts": 3}]}})
    once = {"Throw": {"Error": "Once", "Cause": None}}
    assert execute(definition, {}, {"T": [once]}).error == "Once"
    other = {"Throw": {"Error": "Other"}}
    ex = execute(definition, {}, {"T": [other, other, other, {"Return": 1}]})
    scheduled = [e.timestamp - START for e in ex.events if e.type == "LambdaFunctionScheduled"]
    assert scheduled == [0, 10_000, 25_000, 40_000]


def test_catch_places_the_error_with_result_path_and_states_all_skips_runtime_errors():
    definition = machine({"T": {"Type": "Task", "Resource": LAMBDA, "Next": "Done",
                                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Caught"}]},
                          "Caught": {"Type": "Pass", "End": True}, "Done": {"Type": "Succeed"}})
    ex = execute(definition, {"id": 1}, {"T": [{"Throw": {"Error": "Bad", "Cause": "why"}}]})
    assert ex.output == {"id": 1, "err": {"Error": "Bad", "Cause": "why"}}
    assert [e.type for e in ex.events][2:6] == ["LambdaFunctionScheduled", "LambdaFunctionStarted",
                                                "LambdaFunctionFailed", "TaskStateExited"]
    runtime = execute(definition, {"id": 1}, {})  # no mock: States.Runtime, which nothing catches
    assert runtime.status == "FAILED" and runtime.error == "States.Runtime"
    assert "No mocked response for Task state 'T'" in runtime.cause


def test_task_failed_matches_everything_but_timeout():
    definition = machine({"T": {"Type": "Task", "Resource": LAMBDA, "End": True, "TimeoutSeconds": 5,
                                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "C"}]},
                          "C": {"Type": "Pass", "End": True}})
    assert execute(definition, {}, {"T": [{"Throw": {"Error": "Custom"}}]}).status == "SUCCEEDED"
    timed_out = execute(definition, {}, {"T": [{"Pending": True}]})
    assert timed_out.error == "States.Timeout"
    assert "LambdaFunctionTimedOut" in [e.type for e in timed_out.events]


def _map_and_wait():
    return machine({
        "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ResultPath": "$.out", "Next": "P",
              "ItemSelector": {"value.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
              "ItemProcessor": {"StartAt": "W", "States": {
                  "W": {"Type": "Wait", "SecondsPath": "$.value", "Next": "X"},
                  "X": {"Type": "Pass", "Parameters": {"done.$": "$.i"}, "End": True}}}},
        "P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Result": 1, "End": True}}},
            {"StartAt": "B2", "States": {"B2": {"Type": "Wait", "Seconds": 5, "End": True}}}]}})


def test_map_runs_iterations_with_max_concurrency_on_the_virtual_clock():
    ex = execute(_map_and_wait(), {"items": [30, 10, 20]})
    assert ex.status == "SUCCEEDED"
    assert ex.output[0] == 1  # the first branch's Result
    assert ex.output[1]["out"] == [{"done": 0}, {"done": 1}, {"done": 2}]
    starts = [(e.details["index"], e.timestamp - START) for e in ex.events if e.type == "MapIterationStarted"]
    # Two at a time: item 2 starts when item 1 (10 s) finishes.
    assert starts == [(0, 0), (1, 0), (2, 10_000)]


def test_snapshot_restore_mid_run_gives_the_same_history():
    definition = _map_and_wait()
    straight = execute(definition, {"items": [30, 10, 20]})
    machine_ = parse(definition)
    ex = Execution(machine_, {"items": [30, 10, 20]}, seed=1, start_time=START)
    events = []
    for _ in range(6):
        events += ex.step()
    snapshot = json.loads(json.dumps(ex.to_json()))
    resumed = Execution.restore(machine_, snapshot)
    resumed.events = []
    resumed.run()
    events = ex.events + resumed.events
    assert [(e.id, e.previous_event_id, e.type, e.timestamp, e.details) for e in events] == \
        [(e.id, e.previous_event_id, e.type, e.timestamp, e.details) for e in straight.events]
    assert resumed.output == straight.output


def test_wait_for_task_token_without_a_mock_waits_for_a_callback():
    definition = machine({"Review": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                     "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}},
                                     "ResultPath": "$.review", "End": True}})
    ex = Execution(parse(definition), {"id": 7}, seed=3).run()
    assert ex.status == "RUNNING"
    waiting = ex.describe_status()["waiting"]
    assert waiting["reason"] == "callback"
    (token, state), = waiting["tokens"].items()
    assert state == "Review"
    scheduled = next(e for e in ex.events if e.type == "TaskScheduled")
    assert scheduled.details["parameters"] == {"MessageBody": {"token": token}}
    try:
        ex.send_task_success("not-a-token", {})
        raise AssertionError("an unknown token must be refused")
    except InvalidToken:
        pass
    ex.send_task_success(token, {"approved": True})
    ex.run()
    assert ex.status == "SUCCEEDED" and ex.output == {"id": 7, "review": {"approved": True}}


def test_callback_failure_goes_through_catch():
    definition = machine({"Review": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
                                     "Parameters": {"Message.$": "$$.Task.Token"}, "End": True,
                                     "Catch": [{"ErrorEquals": ["Rejected"], "Next": "No"}]},
                          "No": {"Type": "Fail", "Error": "Declined"}})
    ex = Execution(parse(definition), {}, seed=3).run()
    token = next(iter(ex.waiting_tokens()))
    ex.send_task_failure(token, "Rejected", "not today")
    ex.run()
    assert ex.status == "FAILED" and ex.error == "Declined"


def test_abort_and_machine_timeout():
    definition = machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}})
    ex = Execution(parse(definition), {}, seed=1)
    ex.step()
    ex.abort()
    assert ex.status == "ABORTED" and ex.events[-1].type == "ExecutionAborted"
    timed = execute(machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}}, TimeoutSeconds=10))
    assert timed.status == "TIMED_OUT" and timed.events[-1].type == "ExecutionTimedOut"
    assert timed.events[-1].timestamp - START == 10_000


def test_mock_config_in_step_functions_local_form():
    config = {"StateMachines": {"Demo": {"TestCases": {"Flaky": {"T": "FailsThenWorks"}}}},
              "MockedResponses": {"FailsThenWorks": {"0-1": {"Throw": {"Error": "Busy", "Cause": "x"}},
                                                     "2": {"Return": {"n": 3}}}}}
    definition = machine({"T": {"Type": "Task", "Resource": LAMBDA, "End": True,
                                "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1}]}})
    ex = Execution(parse(definition), {}, mocks=Mocks.from_config(config, "Demo", "Flaky"), seed=1).run()
    assert ex.output == {"n": 3}
    assert [e.type for e in ex.events].count("LambdaFunctionFailed") == 2


def test_python_handler_answers_a_resource():
    definition = machine({"T": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"x.$": "$.x"}, "End": True}})
    ex = Execution(parse(definition), {"x": 2}, seed=1,
                   handlers={LAMBDA: lambda params, context: {"double": params["x"] * 2}}).run()
    assert ex.output == {"double": 4}
