"""The command line, through a real subprocess: exit codes 0/1/2 and what it prints."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VALID = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
INVALID = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}'


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "interpreter.validation", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_valid_file_exits_0(tmp_path):
    path = tmp_path / "ok.asl.json"
    path.write_text(VALID)
    result = run(str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{path}: valid (0 errors, 0 warnings)"


def test_invalid_file_exits_1_and_names_file_pointer_and_rule(tmp_path):
    path = tmp_path / "bad.asl.json"
    path.write_text(INVALID)
    result = run(str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{path}:/States/A/Next: error: State 'A' goes to 'B', which does not exist: "
                        f"pick an existing state. [MISSING_TRANSITION_TARGET]")
    assert lines[-1] == f"{path}: invalid (1 error, 0 warnings)"  # "never ends" follows from it: not told


def test_yaml_file(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n")
    assert run(str(path)).returncode == 0


def test_unreadable_input_exits_2_naming_the_file(tmp_path):
    missing = tmp_path / "missing.json"
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = run(str(missing), str(binary))
    assert result.returncode == 2
    assert f"{missing}: cannot read it: no such file" in result.stderr
    assert f"{binary}: cannot read it: it is not UTF-8 text" in result.stderr


def test_several_files_worst_status_wins(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(VALID)
    bad.write_text(INVALID)
    assert run(str(good), str(bad)).returncode == 1


def test_json_format(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(INVALID)
    result = run(str(path), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    [entry] = report["files"]
    assert entry["file"] == str(path) and entry["valid"] is False
    assert {"code": "MISSING_TRANSITION_TARGET", "severity": "error", "pointer": "/States/A/Next", "state": "A",
            "message": "State 'A' goes to 'B', which does not exist: pick an existing state."} in entry["diagnostics"]


def test_standard_input():
    result = run("-", stdin=VALID)
    assert result.returncode == 0
    assert result.stdout.strip() == "-: valid (0 errors, 0 warnings)"


def test_no_files_is_a_usage_error():
    result = run()
    assert result.returncode == 2
    assert "FILE" in result.stderr
