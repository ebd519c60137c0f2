"""``python -m interpreter run`` with a mock config holding S3 objects (Statewise's extension)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DEFINITION = {"StartAt": "Rows", "States": {"Rows": {
    "Type": "Map", "End": True, "ToleratedFailureCount": 0,
    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                   "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                   "Parameters": {"Bucket": "in", "Key.$": "$.key"}},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Keep", "States": {"Keep": {"Type": "Pass", "End": True}}}}}}

CONFIG = {"S3Objects": {"in/rows.csv": "id,name\n1,oats\n2,milk\n"},
          "StateMachines": {"Rows": {"TestCases": {"Default": {}}}}, "MockedResponses": {}}


def test_run_reads_items_from_the_mock_configs_s3_objects(tmp_path):
    definition, config = tmp_path / "d.json", tmp_path / "m.json"
    definition.write_text(json.dumps(DEFINITION))
    config.write_text(json.dumps(CONFIG))
    proc = subprocess.run([sys.executable, "-m", "interpreter", "run", str(definition), "--input",
                           '{"key": "rows.csv"}', "--mock-config", str(config), "--test-case", "Default",
                           "--history"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["output"] == [{"id": "1", "name": "oats"}, {"id": "2", "name": "milk"}]
    types = [e["type"] for e in result["events"]]
    assert types[2:6] == ["MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded"]
    started = next(e for e in result["events"] if e["type"] == "MapRunStarted")
    assert ":mapRun:" in started["mapRunStartedEventDetails"]["mapRunArn"]


def test_run_with_a_missing_object_exits_1(tmp_path):
    definition, config = tmp_path / "d.json", tmp_path / "m.json"
    definition.write_text(json.dumps(DEFINITION))
    config.write_text(json.dumps(CONFIG))
    proc = subprocess.run([sys.executable, "-m", "interpreter", "run", str(definition), "--input",
                           '{"key": "other.csv"}', "--mock-config", str(config)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"] == "States.ItemReaderFailed"


def test_a_childs_callback_is_answered_from_the_shell(tmp_path):
    definition = tmp_path / "d.json"
    definition.write_text(json.dumps({"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Ask", "States": {"Ask": {
                              "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                              "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": True}}}}}}))
    command = [sys.executable, "-m", "interpreter", "run", str(definition), "--input", '["a", "b"]', "--seed", "7"]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    waiting = json.loads(first.stdout)
    assert first.returncode == 1 and waiting["status"] == "RUNNING"
    tokens = waiting["waiting"]["tokens"]
    assert list(tokens.values()) == ["Ask", "Ask"]
    answers = [arg for i, token in enumerate(tokens) for arg in ("--send-task-success", f'{token}={{"n": {i}}}')]
    second = subprocess.run(command + answers, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stdout + second.stderr
    assert json.loads(second.stdout)["output"] == [{"n": 0}, {"n": 1}]


def test_child_histories_are_written_as_json_lines_as_children_end(tmp_path):
    definition, config, out = tmp_path / "d.json", tmp_path / "m.json", tmp_path / "children.jsonl"
    definition.write_text(json.dumps(DEFINITION))
    config.write_text(json.dumps(CONFIG))
    proc = subprocess.run([sys.executable, "-m", "interpreter", "run", str(definition), "--input",
                           '{"key": "rows.csv"}', "--mock-config", str(config), "--test-case", "Default",
                           "--child-histories", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(line["index"] for line in lines) == [0, 1]
    for line in lines:
        assert line["status"] == "SUCCEEDED" and line["executionArn"].endswith(":" + line["name"])
        assert ":mapRun:StateMachine/Rows:" in line["mapRunArn"]
        types = [e["type"] for e in line["events"]]
        assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
        assert [e["id"] for e in line["events"]] == list(range(1, len(types) + 1))
    started = json.loads(lines[0]["events"][0]["executionStartedEventDetails"]["input"])
    assert started in ({"id": "1", "name": "oats"}, {"id": "2", "name": "milk"})


def test_child_histories_to_a_place_that_cannot_be_written_is_a_usage_error(tmp_path):
    definition, config = tmp_path / "d.json", tmp_path / "m.json"
    definition.write_text(json.dumps(DEFINITION))
    config.write_text(json.dumps(CONFIG))
    proc = subprocess.run([sys.executable, "-m", "interpreter", "run", str(definition), "--input",
                           '{"key": "rows.csv"}', "--mock-config", str(config), "--child-histories",
                           str(tmp_path / "missing" / "x.jsonl")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--child-histories" in proc.stderr and "Traceback" not in proc.stderr
