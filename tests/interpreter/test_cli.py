"""``python -m interpreter run`` through a real subprocess: output, exit codes, errors on stderr."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:check"


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "interpreter", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def write(tmp_path, name, value):
    path = tmp_path / name
    path.write_text(json.dumps(value) if not isinstance(value, str) else value)
    return path


DEFINITION = {"StartAt": "Check", "States": {
    "Check": {"Type": "Task", "Resource": LAMBDA, "ResultPath": "$.check", "Next": "Decide",
              "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 1}]},
    "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.check.ok", "BooleanEquals": True, "Next": "Yes"}],
               "Default": "No"},
    "Yes": {"Type": "Succeed"},
    "No": {"Type": "Fail", "Error": "NotOk", "Cause": "the check said no"}}}

MOCKS = {"StateMachines": {"Account": {"TestCases": {
    "Happy": {"Check": "Ok"}, "Sad": {"Check": "ThrottledThenNo"}}}},
    "MockedResponses": {"Ok": {"0": {"Return": {"ok": True}}},
                        "ThrottledThenNo": {"0": {"Throw": {"Error": "Throttled", "Cause": "slow down"}},
                                            "1": {"Return": {"ok": False}}}}}


def test_run_succeeds_with_a_mock_config_test_case(tmp_path):
    proc = cli("run", write(tmp_path, "d.json", DEFINITION), "--input", '{"id": 1}',
               "--mock-config", write(tmp_path, "m.json", MOCKS), "--test-case", "Happy")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"status": "SUCCEEDED", "output": {"id": 1, "check": {"ok": True}}}


def test_run_that_fails_exits_1_with_history(tmp_path):
    proc = cli("run", write(tmp_path, "d.json", DEFINITION), "--input", write(tmp_path, "i.json", {"id": 2}),
               "--mock-config", write(tmp_path, "m.json", MOCKS), "--test-case", "Sad", "--history")
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "NotOk", "the check said no")
    types = [e["type"] for e in result["events"]]
    assert types.count("LambdaFunctionFailed") == 1 and types[-1] == "ExecutionFailed"
    first = result["events"][0]
    assert first["executionStartedEventDetails"]["input"] == '{"id":2}'
    assert set(first) == {"timestamp", "type", "id", "previousEventId", "executionStartedEventDetails"}


def test_bad_definition_exits_2_naming_the_pointer(tmp_path):
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
    proc = cli("run", write(tmp_path, "d.json", broken))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "/States/A/Next" in proc.stderr and "Nowhere" in proc.stderr


def test_bad_arguments_exit_2(tmp_path):
    assert cli("run", tmp_path / "missing.json").returncode == 2
    proc = cli("run", write(tmp_path, "d.json", DEFINITION), "--input", "{not json")
    assert proc.returncode == 2 and "input" in proc.stderr
    proc = cli("run", write(tmp_path, "d.json", DEFINITION), "--mock-config",
               write(tmp_path, "m.json", MOCKS), "--test-case", "Nope")
    assert proc.returncode == 2 and "Nope" in proc.stderr


def test_callback_driven_from_the_shell(tmp_path):
    definition = {"StartAt": "Review", "States": {"Review": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"MessageBody.$": "$$.Task.Token"}, "End": True}}}
    path = write(tmp_path, "d.json", definition)
    first = cli("run", path, "--seed", "5")
    assert first.returncode == 1
    waiting = json.loads(first.stdout)["waiting"]
    token = next(iter(waiting["tokens"]))
    done = cli("run", path, "--seed", "5", "--send-task-success", f'{token}={{"approved": true}}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["output"] == {"approved": True}


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`python -m interpreter run --history ... | head -1`: the reader closes the pipe with most of
    the history unread. Every command shares __main__, so any of them shows it."""
    loop = {"StartAt": "Loop", "States": {
        "Loop": {"Type": "Pass", "Result": "x" * 2000, "ResultPath": "$.pad", "Next": "Count"},
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "More"},
        "More": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 3000, "Next": "Loop"}],
                 "Default": "Done"},
        "Done": {"Type": "Succeed"}}}
    definition = write(tmp_path, "loop.json", loop)
    process = subprocess.Popen([sys.executable, "-m", "interpreter", "run", definition, "--input", '{"n": 0}',
                                "--history"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(100)
    process.stdout.close()  # as `head` does once it has its lines
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
