"""History not kept: EventStream hands events on in batches (the CLI streams them), memory
stays bounded, and AWS's event limit still counts them; HistoryEncoder writes the same text as
``to_aws`` does."""
from __future__ import annotations

import json
import subprocess
import sys

from asl_helpers import machine
from test_cli import ROOT, cli, write

from interpreter.definition import parse
from interpreter.events import EventStream, HistoryEncoder
from interpreter.execution import Execution
from interpreter.jsontext import dumps
from interpreter.mocks import Mocks



def loop(to: int) -> dict:
    return machine({
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": to, "Next": "Add"}],
                  "Default": "Done"},
        "Add": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)"}, "Next": "Check"},
        "Done": {"Type": "Succeed"}}, start="Check")


LOOP = loop(3000)

MIXED = machine({
    "Vars": {"Type": "Pass", "Assign": {"n": 1, "o": {"k": "é"}}, "Next": "Call"},
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "ResultPath": "$.r",
             "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 2}], "Next": "Fan"},
    "Fan": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Item", "States": {
        "Item": {"Type": "Pass", "End": True}}}, "ResultPath": "$.mapped", "Next": 'Bad "\\é'},
    'Bad "\\é': {"Type": "Fail", "Error": "Nope", "Cause": "said \"no\""}}, start="Vars")


def run(definition, input, **kwargs) -> Execution:
    return Execution(parse(definition), input, seed=7, start_time=1_700_000_000_000, **kwargs).run()


def test_a_stream_hands_on_every_event_once_in_order_and_holds_few():
    batches, held = [], []

    def write(events):
        batches.append(events)
        held.append(len(ex.events))

    ex = Execution(parse(LOOP), {"count": 0}, seed=7, start_time=1_700_000_000_000, max_history_events=None,
                   events=EventStream(write))
    ex.run()
    kept = run(LOOP, {"count": 0}, max_history_events=None)
    streamed = [e for batch in batches for e in batch]
    assert [e.to_json() for e in streamed] == [e.to_json() for e in kept.events]
    assert ex.events == [] and ex.events.written == len(kept.events) == 12_006
    assert len(batches) > 20 and max(held) < EventStream.BATCH + 10
    assert ex.output == kept.output == {"count": 3000}


def test_a_stream_without_a_writer_keeps_nothing_and_the_event_limit_still_ends_the_run():
    dropped = run(loop(7000), {"count": 0}, events=EventStream())
    kept = run(loop(7000), {"count": 0})
    assert (dropped.status, dropped.error, dropped.cause) == (kept.status, kept.error, kept.cause)
    assert kept.status == "FAILED" and kept.error == "States.Runtime" and len(kept.events) == 25_000
    assert dropped.events == [] and dropped.events.written == 25_000


def test_the_last_batch_before_the_limit_is_written_without_the_events_the_limit_drops():
    batches = []
    ex = run(LOOP, {"count": 0}, max_history_events=1000, events=EventStream(batches.append))
    ids = [e.id for batch in batches for e in batch]
    assert ids == list(range(1, 1001))
    assert batches[-1][-1].type == "ExecutionFailed" and ex.error == "States.Runtime"


def test_the_encoder_writes_what_to_aws_gives_for_every_kind_of_detail():
    mocks = Mocks.from_lists({"Call": [{"Throw": {"Error": "Boom", "Cause": "once"}},
                                       {"Return": {"Payload": {"ok": True, "list": [1, 2.5, None]}}}]})
    ex = run(MIXED, {"items": [{"i": 1}, {"i": 2}], "s": "line\n\u2028"}, mocks=mocks)
    assert {"TaskFailed", "TaskSucceeded", "MapIterationStarted", "ExecutionFailed"} <= {e.type for e in ex.events}
    assert any("assignedVariables" in (e.details or {}) for e in ex.events)
    assert any(e.type == "FailStateEntered" and e.details["name"] == 'Bad "\\é' for e in ex.events)
    encoder = HistoryEncoder()
    text = "[" + ",".join(encoder.items(ex.events[i:i + 3]) for i in range(0, len(ex.events), 3)) + "]"
    assert text == dumps([e.to_aws() for e in ex.events])


def test_cli_history_is_one_json_object_with_the_events_first(tmp_path):
    proc = cli("run", write(tmp_path, "loop.json", LOOP), "--input", '{"count": 2000}', "--history",
               "--event-types", "--seed", "7", "--start-time", "1700000000000", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('{"events": [{')
    result = json.loads(proc.stdout)
    expected = run(LOOP, {"count": 2000}, mocks=None)
    assert result["status"] == "SUCCEEDED" and result["output"] == {"count": 3000}
    assert result["events"] == [e.to_aws() for e in expected.events]
    assert result["event_types"] == [e.type for e in expected.events]


def test_cli_history_past_the_limit_then_redrive_says_why_it_cannot(tmp_path):
    proc = cli("run", write(tmp_path, "loop.json", LOOP), "--history", "--max-history-events", "500",
               "--input", '{"count": 0}', "--redrive", cwd=ROOT)
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert len(result["events"]) == 500 and result["events"][-1]["type"] == "ExecutionFailed"
    assert result["error"] == "States.Runtime"
    assert "cannot be redriven" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_history_as_json_lines_is_an_event_a_line_then_the_result(tmp_path):
    proc = cli("run", write(tmp_path, "loop.json", LOOP), "--input", '{"count": 2000}', "--history-format", "jsonl",
               "--event-types", "--seed", "7", "--start-time", "1700000000000", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("\n") and "\n\n" not in proc.stdout
    *lines, last = proc.stdout.splitlines()
    expected = run(LOOP, {"count": 2000}, mocks=None)
    assert len(lines) == len(expected.events) > EventStream.BATCH  # more than one batch was written
    assert [json.loads(line) for line in lines] == [e.to_aws() for e in expected.events]
    result = json.loads(last)
    assert result == {"status": "SUCCEEDED", "output": {"count": 3000},
                      "event_types": [e.type for e in expected.events]}


def test_cli_json_lines_of_a_failed_run_end_with_its_error_and_exit_1(tmp_path):
    proc = cli("run", write(tmp_path, "loop.json", LOOP), "--history", "--history-format", "jsonl",
               "--max-history-events", "500", "--input", '{"count": 0}', cwd=ROOT)
    assert proc.returncode == 1
    *lines, last = proc.stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) == 500 and [e["id"] for e in events] == list(range(1, 501))
    assert events[-1]["type"] == "ExecutionFailed"
    assert json.loads(last)["error"] == "States.Runtime" and "events" not in json.loads(last)


def test_cli_json_lines_with_a_callback_answer_print_the_kept_events_a_line_each(tmp_path):
    waits = machine({"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                             "Parameters": {"MessageBody.$": "$$.Task.Token"}, "End": True}}, start="Ask")
    path = write(tmp_path, "d.json", waits)
    first = json.loads(cli("run", path, "--seed", "3", "--advance", "0").stdout)
    token = next(iter(first["waiting"]["tokens"]))
    proc = cli("run", path, "--seed", "3", "--send-task-success", f'{token}={{"ok": true}}',
               "--history-format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    *lines, last = proc.stdout.splitlines()
    types = [json.loads(line)["type"] for line in lines]
    assert types[0] == "ExecutionStarted" and "TaskSucceeded" in types and types[-1] == "ExecutionSucceeded"
    assert json.loads(last) == {"status": "SUCCEEDED", "output": {"ok": True}}


def test_cli_refuses_an_unknown_history_format(tmp_path):
    proc = cli("run", write(tmp_path, "loop.json", LOOP), "--history-format", "xml", cwd=ROOT)
    assert proc.returncode == 2 and proc.stdout == "" and "jsonl" in proc.stderr


AWKWARD = [1e-05, 1.5e-09, 0.0001, 1e+22, -0.0, 5e-324, 2 ** 64, -(2 ** 70), "\ud800 lone", "0.00001 e-5 in text",
           {"k": [1e-07, {"é": "\u2028\x00\x7f"}]}, {1: "int key"}, 12345678901234567.0, True, None, "😀"]


def test_payload_text_through_the_fast_encoder_is_exactly_dumps_text():
    from interpreter.jsontext import fast_dumps_function
    fast = fast_dumps_function()
    for value in AWKWARD:
        assert fast(value) == dumps(value), value


def test_the_encoder_writes_awkward_payloads_as_to_aws_does():
    awkward = machine({"Keep": {"Type": "Pass", "Next": "Done"}, "Done": {"Type": "Succeed"}}, start="Keep")
    ex = run(awkward, {"values": [v for v in AWKWARD if not isinstance(v, dict) or "k" in v]}, mocks=None)
    assert ex.status == "SUCCEEDED"
    assert "[" + HistoryEncoder().items(ex.events) + "]" == dumps([e.to_aws() for e in ex.events])


WITHOUT_ORJSON = "import sys; sys.modules['orjson'] = None\nfrom interpreter.cli import main\nsys.exit(main(sys.argv[1:]))"


def test_cli_history_is_the_same_without_orjson(tmp_path):
    path = write(tmp_path, "loop.json", loop(300))
    args = ["run", str(path), "--input", '{"count": 0, "f": 1e-05, "big": 36893488147419103232}', "--history",
            "--seed", "7", "--start-time", "1700000000000"]
    with_it = cli(*args, cwd=ROOT)
    without = subprocess.run([sys.executable, "-c", WITHOUT_ORJSON, *args], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
    assert with_it.returncode == without.returncode == 0, without.stderr
    assert without.stdout == with_it.stdout
    started = json.loads(with_it.stdout)["events"][0]["executionStartedEventDetails"]
    assert started["input"] == '{"count":0,"f":1e-05,"big":36893488147419103232}'
