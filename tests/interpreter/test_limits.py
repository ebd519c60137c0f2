"""AWS's quotas and Statewise's own bounds (``interpreter/limits.py``), through the command line."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from interpreter.limits import DEFINITION_BYTES, LimitExceeded, depth_within, json_depth_within, json_size, loads

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, input_text=None):
    return subprocess.run([sys.executable, "-m", "interpreter", *map(str, args)], cwd=ROOT, input=input_text,
                          capture_output=True, text=True, timeout=120)


def one_state_holding(value) -> dict:
    return {"StartAt": "Big", "States": {"Big": {"Type": "Pass", "Result": value, "End": True}}}


# --- depth before parsing ------------------------------------------------------------------

@pytest.mark.parametrize("text, depth", [
    ("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4), ('["[[[[", "]]]]"]', 1),
    ('["\\\\", "[[[["]', 1), ('["\\"[[[[["]', 1), ('{"k\\\\\\"[": {}}', 2),
])
def test_depth_is_found_without_parsing_and_ignores_brackets_in_strings(text, depth):
    assert json_depth_within(text, depth) and json_depth_within(text.encode(), depth)
    if depth:
        assert not json_depth_within(text, depth - 1)
    assert depth_within(json.loads(text), depth)
    if depth:
        assert not depth_within(json.loads(text), depth - 1)


def test_loads_refuses_deep_or_large_text_before_parsing():
    with pytest.raises(LimitExceeded, match="nested more than 200 levels"):
        loads("[" * 10_000 + "]" * 10_000)
    with pytest.raises(LimitExceeded, match="at most 10 are accepted"):
        loads("[" + "1," * 10 + "1]", max_bytes=10)
    assert loads('{"a": [1]}') == {"a": [1]}


def test_json_size_counts_utf8_bytes_of_compact_json():
    assert json_size({"a": [1, 2]}) == len('{"a":[1,2]}')
    assert json_size("é") == 4  # two quotes and two bytes


# --- 1 MB definitions: the same verdict however the definition arrives -----------------------

def test_a_state_holding_two_megabytes_makes_the_definition_invalid_in_every_reader(tmp_path):
    from interpreter.validation import validate, validate_text

    definition = one_state_holding("x" * 2_000_000)
    assert "DEFINITION_TOO_LARGE" in [d.code for d in validate(definition)]
    assert "DEFINITION_TOO_LARGE" in [d.code for d in validate_text(json.dumps(definition))]
    import yaml
    yaml_path = tmp_path / "big.yaml"
    yaml_path.write_text(yaml.safe_dump(definition))
    proc = cli("validate", yaml_path, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert "DEFINITION_TOO_LARGE" in [d["code"] for d in json.loads(proc.stdout)["files"][0]["diagnostics"]]
    json_path = tmp_path / "big.json"
    json_path.write_text(json.dumps(definition))
    proc = cli("run", json_path)
    assert proc.returncode == 2 and "1,048,576" in proc.stderr


def test_the_measure_is_compact_json_so_indentation_does_not_count(tmp_path):
    from interpreter.validation import validate, validate_text

    # About 0.9 MB as compact JSON, over 1 MB once indented: AWS would count what is sent, so
    # Statewise counts the one form every reader agrees on.
    definition = {"StartAt": "S0", "States": {
        f"S{i}": {"Type": "Pass", "Result": {"k": "v" * 80}, **({"Next": f"S{i + 1}"} if i < 5999 else {"End": True})}
        for i in range(6000)}}
    pretty = json.dumps(definition, indent=8)
    assert json_size(definition) < DEFINITION_BYTES < len(pretty)
    assert "DEFINITION_TOO_LARGE" not in [d.code for d in validate(definition)]
    assert "DEFINITION_TOO_LARGE" not in [d.code for d in validate_text(pretty)]
    path = tmp_path / "pretty.json"
    path.write_text(pretty)
    assert cli("validate", path).returncode == 0
