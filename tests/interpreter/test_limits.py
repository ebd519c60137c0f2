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


# --- 25,000 history events ------------------------------------------------------------------

def counting_loop(limit: int, first: bool = False) -> dict:
    """A Choice loop writing four events an iteration; ``first`` adds a Pass before it (two more)."""
    states = {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": limit, "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)"}, "Next": "Check"},
        "Done": {"Type": "Succeed"}}
    if first:
        states["First"] = {"Type": "Pass", "Next": "Check"}
    return {"StartAt": "First" if first else "Check", "States": states}


def run_history(definition: dict, input_value, **kwargs):
    from interpreter.definition import parse
    from interpreter.execution import Execution

    return Execution(parse(definition), input_value, seed=1, **kwargs).run()


def test_a_long_loop_fails_at_event_25000_as_aws_fails_it(tmp_path):
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(counting_loop(20_000)))
    proc = cli("run", path, "--input", '{"count": 0}', "--history")
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert (result["status"], result["error"], result["cause"]) == (
        "FAILED", "States.Runtime", "The execution reached the maximum number of history events (25000).")
    events = result["events"]
    assert len(events) == 25_000 and [e["id"] for e in events[-2:]] == [24_999, 25_000]
    assert events[-1]["type"] == "ExecutionFailed" and events[-1]["previousEventId"] == 24_999
    assert events[-1]["executionFailedEventDetails"] == {
        "error": "States.Runtime", "cause": "The execution reached the maximum number of history events (25000)."}


def test_the_cli_lifts_the_limit_for_local_experiments(tmp_path):
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(counting_loop(20_000)))
    proc = cli("run", path, "--input", '{"count": 0}', "--event-types", "--max-history-events", "0")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["output"] == {"count": 20_000} and len(result["event_types"]) == 80_006
    lower = cli("run", path, "--input", '{"count": 0}', "--max-history-events", "100")
    assert json.loads(lower.stdout)["cause"] == "The execution reached the maximum number of history events (100)."
    assert cli("run", path, "--max-history-events", "1").returncode == 2


def test_event_25000_may_be_the_success_and_one_more_fails():
    # ExecutionStarted, First (2), 4 per iteration, the last Check (2), Done (2), ExecutionSucceeded.
    done = run_history(counting_loop(6248, first=True), {"count": 0})
    assert done.status == "SUCCEEDED" and len(done.events) == 25_000
    assert done.events[-1].type == "ExecutionSucceeded"
    over = run_history(counting_loop(6249, first=True), {"count": 0})
    assert over.status == "FAILED" and len(over.events) == 25_000 and over.events[-1].type == "ExecutionFailed"


def test_a_100k_item_inline_map_stops_at_25000_events(tmp_path):
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}},
        "End": True}}}
    path = tmp_path / "map.json"
    path.write_text(json.dumps(definition))
    items = tmp_path / "items.json"
    items.write_text(json.dumps([0] * 100_000))  # 200 KB as compact JSON: under the 256 KiB input quota
    proc = cli("run", path, "--input", items, "--event-types")
    result = json.loads(proc.stdout)
    assert (result["status"], result["error"]) == ("FAILED", "States.Runtime")
    assert len(result["event_types"]) == 25_000 and result["event_types"].count("MapIterationStarted") < 6300


def test_a_run_that_reached_the_limit_cannot_be_redriven_and_snapshots_keep_the_limit():
    from interpreter.definition import parse
    from interpreter.execution import Execution, ExecutionNotRedrivable

    run = run_history(counting_loop(20_000), {"count": 0})
    with pytest.raises(ExecutionNotRedrivable, match="Execution history event limit exceeded"):
        run.redrive()
    machine = parse(counting_loop(20_000))
    partway = Execution(machine, {"count": 0}, seed=1, max_history_events=500)
    partway.run(max_steps=100)
    restored = Execution.restore(machine, json.loads(json.dumps(partway.to_json()))).run()
    assert restored.status == "FAILED" and restored.events[-1].id == 500


# --- 256 KiB inputs and callback outputs, depth bounds on what the command line reads ----------

def test_the_cli_refuses_an_input_over_256_kib_naming_the_quota(tmp_path):
    definition = tmp_path / "d.json"
    definition.write_text(json.dumps(one_state_holding(1)))
    big = tmp_path / "input.json"
    big.write_text(json.dumps({"blob": "x" * 300 * 1024}))
    proc = cli("run", definition, "--input", big)
    assert proc.returncode == 2
    assert "The execution input is 307,211 bytes; Step Functions accepts at most 262,144 bytes (256 KiB)" in proc.stderr
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000)
    proc = cli("run", definition, "--input", deep)
    assert proc.returncode == 2 and "nested more than 200 levels deep" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_cli_refuses_a_callback_output_nested_too_deeply(tmp_path):
    definition = tmp_path / "d.json"
    definition.write_text(json.dumps({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}}))
    first = json.loads(cli("run", definition, "--seed", "7").stdout)
    token = next(iter(first["waiting"]["tokens"]))
    # (An argument cannot hold 256 KiB on Linux, so the size quota is tested through the web app.)
    proc = cli("run", definition, "--seed", "7", "--send-task-success", f"{token}=" + "[" * 5000 + "]" * 5000)
    assert proc.returncode == 2 and "callback output is nested more than 200 levels deep" in proc.stderr


# --- every evaluation bounded in time and memory, checked before allocating -------------------

# The peak from /proc (VmHWM, this program's own memory): getrusage's ru_maxrss survives fork and
# exec, so it reported the test process's size once the suite had grown it past the bound.
MEASURED_CLI = ("import runpy, sys\nsys.argv = ['interpreter'] + sys.argv[1:]\ntry:\n"
                "    runpy.run_module('interpreter', run_name='__main__')\nfinally:\n"
                "    peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1]\n"
                "    print('MAXRSS_KB', peak, file=sys.stderr)\n")


def jsonata_pass(expression: str) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": "P",
            "States": {"P": {"Type": "Pass", "Output": "{% " + expression + " %}", "End": True}}}


def intrinsic_pass(call: str) -> dict:
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": call}, "End": True}}}


@pytest.mark.parametrize("definition, error, cause", [
    (jsonata_pass("$range(0, 100000000, 1)"), "States.QueryEvaluationError",
     "The function $range can produce at most 1000 items, but 100,000,001 were asked for."),
    (jsonata_pass("$count([0..100000000])"), "States.QueryEvaluationError",
     "It would build an array of 100,000,001 items; one evaluation may build at most 1,000,000."),
    (intrinsic_pass("States.ArrayRange(0, 100000000, 1)"), "States.IntrinsicFailure",
     "The range would have 100000001 elements, but at most 1000 are allowed"),
])
def test_the_cli_refuses_a_huge_range_before_building_it(tmp_path, definition, error, cause):
    path = tmp_path / "d.json"
    path.write_text(json.dumps(definition))
    proc = subprocess.run([sys.executable, "-c", MEASURED_CLI, "run", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    result = json.loads(proc.stdout)
    assert (result["status"], result["error"]) == ("FAILED", error) and cause in result["cause"]
    peak_mb = int(proc.stderr.split("MAXRSS_KB")[1].split()[0]) / 1024
    assert peak_mb < 200, f"the CLI used {peak_mb:.0f} MB"  # it used 3.9 GB when the list was built first


def run_one(definition: dict, input_value=None):
    return run_history(definition, {} if input_value is None else input_value)


DOUBLED = "($a := [1..1000]; $b := [$a,$a,$a,$a,$a,$a,$a,$a]; $c := [$b,$b,$b,$b,$b,$b,$b,$b]; " \
          "$d := [$c,$c,$c,$c,$c,$c,$c,$c]; [$d,$d,$d,$d,$d,$d,$d,$d])"


@pytest.mark.parametrize("expression, bound", [
    ("$pad('', 1000000000, 'x')", "a string of 1,000,000,000 characters; one evaluation may build at most 4,000,000"),
    ("$string([1..900000])", "a string of more than 4,000,000 characters"),
    ("($a := $pad('', 3000000, 'x'); $a & $a)", "a string of 6,000,000 characters"),
    ("$join($map([1..100], function($v){$pad('', 50000, 'x')}), ',')", "a string of more than 4,000,000 characters"),
    ("$append([1..900000], [1..900000])", "an array of 1,800,000 items"),
    ("$replace($pad('', 100000, 'a'), 'a', $pad('', 1000, 'b'))", "a string of 100,100,000 characters"),
    ("[1..2000].([1..1000])", "an array of 2,000,000 items"),
    ("[1..1000].([10000..10999])", "Its result is more than 4,000,000 characters of JSON"),
    (DOUBLED, "one evaluation may build at most"),
    ("($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))", "nested more than 250 calls deep"),
])
def test_jsonata_allocations_are_bounded_with_a_cause_naming_the_bound(expression, bound):
    run = run_one(jsonata_pass(expression))
    assert run.status == "FAILED" and run.error == "States.QueryEvaluationError"
    assert bound in run.cause, run.cause


def test_a_jsonata_loop_is_stopped_by_its_cpu_time_bound():
    run = run_one(jsonata_pass("($f := function($n){$f($n)}; $f(1))"))
    assert run.error == "States.QueryEvaluationError"
    assert "took more than 2 s of processing time, the most one evaluation may take" in run.cause


@pytest.mark.parametrize("call, bound", [
    ("States.Format('{}{}{}{}{}{}{}{}', $.s, $.s, $.s, $.s, $.s, $.s, $.s, $.s)", "would be 4,800,000 characters long"),
    ("States.JsonToString(States.Array($.s, $.s, $.s, $.s, $.s, $.s, $.s, $.s))", "more than 4,000,000 characters"),
    ("States.Format('{}', States.Array($.s, $.s, $.s, $.s, $.s, $.s, $.s, $.s))", "more than 4,000,000 characters"),
    ("States.StringSplit($.commas, ',')", "would split into 1,100,001 pieces"),
])
def test_intrinsics_measure_what_they_would_build_first(call, bound):
    run = run_one(intrinsic_pass(call), {"s": "x" * 600_000, "commas": "," * 1_100_000})
    assert run.error == "States.IntrinsicFailure" and bound in run.cause, run.cause


# --- a state's output over 256 KiB, found without serialising every output ----------------------

from hypothesis import given, settings as hypothesis_settings, strategies as st  # noqa: E402

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=6),
    max_leaves=40)


class _Thread:
    def __init__(self, input, size=None):
        self.input, self.size = input, size


@hypothesis_settings(max_examples=300, deadline=None)
@given(JSON_VALUES, JSON_VALUES, st.sampled_from(["keep", "copy", "nest"]))
def test_the_bound_of_an_output_is_never_below_its_size(source, extra, shape):
    from interpreter.sizes import merged_bound, small_bound, upper_bound

    if shape == "keep" and isinstance(source, dict):
        output = {**source, "extra": extra}  # a ResultPath merge: the input's values passed through
    elif shape == "copy":
        output = [source, source, extra]   # the input twice over
    else:
        output = {"a": {"b": [extra, {"c": source}]}}
    exact = json_size(output)
    assert upper_bound(output, _Thread(source), 10**9) >= exact
    assert upper_bound(output, _Thread(source, json_size(source)), 10**9) >= exact
    small = small_bound(output)
    assert small < 0 or small >= exact
    merged = merged_bound("$", None, extra)
    assert merged is None or merged >= json_size(extra)


def test_an_output_that_doubles_every_iteration_fails_at_256_kib_as_aws_fails_it(tmp_path):
    # Each pass holds its input twice: the data doubles, and would reach gigabytes of JSON
    # within 30 iterations (held cheaply in memory, as shared references).
    definition = {"StartAt": "Double", "States": {
        "Double": {"Type": "Pass", "Parameters": {"a.$": "$", "b.$": "$"}, "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
                  "Default": "Double"},
        "Done": {"Type": "Succeed"}}}
    path = tmp_path / "double.json"
    path.write_text(json.dumps(definition))
    proc = cli("run", path, "--input", json.dumps({"blob": "x" * 1000}), "--event-types")
    result = json.loads(proc.stdout)
    assert (result["status"], result["error"]) == ("FAILED", "States.DataLimitExceeded")
    assert "'Double'" in result["cause"]
    # 1 KB doubled: 8 times is 259 KB, under 256 KiB (262,144 bytes); the 9th is over
    assert result["event_types"].count("PassStateExited") == 8


def test_a_parallel_copying_its_input_to_every_branch_fails_when_the_results_pass_256_kib():
    branches = [{"StartAt": f"B{i}", "States": {f"B{i}": {"Type": "Pass", "End": True}}} for i in range(40)]
    run = run_one({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "Branches": branches, "End": True}}},
                  {"blob": "x" * 10_000})
    assert run.error == "States.DataLimitExceeded" and "'Fan'" in run.cause
    small = run_one({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "Branches": branches, "End": True}}},
                    {"blob": "x" * 5_000})
    assert small.status == "SUCCEEDED"  # 40 x 5 KB: under the quota
