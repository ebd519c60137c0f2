"""``python -m interpreter run`` with --redrive and --send-task-heartbeat / --advance, through a subprocess."""
import json

from test_cli import cli, write

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:check"
DEFINITION = {"StartAt": "Prep", "States": {
    "Prep": {"Type": "Pass", "Result": 1, "ResultPath": "$.prep", "Next": "Check"},
    "Check": {"Type": "Task", "Resource": LAMBDA, "ResultPath": "$.check", "End": True}}}
MOCKS = {"StateMachines": {"Account": {"TestCases": {
    "FailsOnce": {"Check": "FailThenOk"}, "Fails": {"Check": "Fail"}, "Ok": {"Check": "Ok"}}}},
    "MockedResponses": {"FailThenOk": {"0": {"Throw": {"Error": "Boom", "Cause": "down"}}, "1": {"Return": "ok"}},
                        "Fail": {"0": {"Throw": {"Error": "Boom", "Cause": "down"}}},
                        "Ok": {"0": {"Return": "fixed"}}}}


def run(tmp_path, *args):
    return cli("run", write(tmp_path, "d.json", DEFINITION), "--input", '{"id": 1}', "--mock-config",
               write(tmp_path, "m.json", MOCKS), "--state-machine", "Account", "--event-types", *args)


def test_redrive_with_the_same_mocks_takes_the_next_call(tmp_path):
    proc = run(tmp_path, "--test-case", "FailsOnce", "--redrive")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "SUCCEEDED" and out["redriveCount"] == 1
    assert out["output"] == {"id": 1, "prep": 1, "check": "ok"}
    types = out["event_types"]
    assert types.count("PassStateEntered") == 1 and types.count("TaskStateEntered") == 2
    assert types[types.index("ExecutionFailed") + 1] == "ExecutionRedriven"


def test_redrive_with_another_test_case(tmp_path):
    proc = run(tmp_path, "--test-case", "Fails", "--redrive", "--redrive-test-case", "Ok")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["output"]["check"] == "fixed"
    other = write(tmp_path, "other.json", {"StateMachines": {"Account": {"TestCases": {"Ok": {"Check": "R"}}}},
                                           "MockedResponses": {"R": {"0": {"Return": "other"}}}})
    proc = run(tmp_path, "--test-case", "Fails", "--redrive", "--redrive-mock-config", other,
               "--redrive-test-case", "Ok")
    assert json.loads(proc.stdout)["output"]["check"] == "other"


def test_redrive_that_fails_again_and_a_run_that_needs_none(tmp_path):
    proc = run(tmp_path, "--test-case", "Fails", "--redrive")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["status"] == "FAILED" and out["redriveCount"] == 1 and out["error"] == "States.Runtime"
    proc = run(tmp_path, "--test-case", "Ok", "--redrive")
    out = json.loads(proc.stdout)
    assert proc.returncode == 0 and "redriveCount" not in out and "ExecutionRedriven" not in out["event_types"]


def test_redrive_test_case_without_a_mock_config_is_a_usage_error(tmp_path):
    proc = cli("run", write(tmp_path, "d.json", DEFINITION), "--redrive", "--redrive-test-case", "Ok")
    assert proc.returncode == 2 and "--redrive-test-case" in proc.stderr and proc.stdout == ""


HEARTBEAT = {"StartAt": "Review", "States": {"Review": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "HeartbeatSeconds": 5, "TimeoutSeconds": 600,
    "Parameters": {"MessageBody.$": "$$.Task.Token"}, "End": True}}}


def token_of(path):
    first = cli("run", path, "--seed", "3", "--advance", "0")
    out = json.loads(first.stdout)
    assert first.returncode == 1 and out["status"] == "RUNNING", first.stderr
    return next(iter(out["waiting"]["tokens"]))


def test_heartbeats_keep_the_task_alive(tmp_path):
    path = write(tmp_path, "d.json", HEARTBEAT)
    token = token_of(path)
    beats = []
    for _ in range(3):
        beats += ["--advance", "4", "--send-task-heartbeat", token]
    proc = cli("run", path, "--seed", "3", "--start-time", "0", *beats, "--advance", "4",
               "--send-task-success", f'{token}={{"approved": true}}', "--history")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["output"] == {"approved": True}
    assert out["events"][-1]["timestamp"].startswith("1970-01-01T00:00:16")


def test_without_heartbeats_the_task_times_out(tmp_path):
    path = write(tmp_path, "d.json", HEARTBEAT)
    token = token_of(path)
    proc = cli("run", path, "--seed", "3", "--advance", "12", "--event-types")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert (out["status"], out["error"]) == ("FAILED", "States.Timeout") and "TaskTimedOut" in out["event_types"]
    late = cli("run", path, "--seed", "3", "--advance", "12", "--send-task-success", f"{token}={{}}")
    assert late.returncode == 2 and "No task is waiting" in late.stderr


def test_bad_advance_and_answer_are_usage_errors(tmp_path):
    path = write(tmp_path, "d.json", HEARTBEAT)
    assert cli("run", path, "--advance", "soon").returncode == 2
    token = token_of(path)
    proc = cli("run", path, "--seed", "3", "--send-task-success", f"{token}={{not json")
    assert proc.returncode == 2 and "not valid JSON" in proc.stderr
