"""AWS's JSONPath dialect: what the one grammar accepts, what it refuses and what paths read.

Sources, cited per test:
- [paths] AWS Step Functions developer guide, "Using JSONPath paths"
  (docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html): paths follow
  Jayway JsonPath syntax; "$.abc.['def ghi']"; reference paths and their example results;
  "The @ operator ... does not match scalar values. It only matches objects."
- [itemspath] the guide's ItemsPath page: "The value of ItemsPath must be a Reference Path".
- [repost] AWS re:Post "aws stepfunctions sum function returns error about not finding path":
  a definition with "Jobs.$": "$.Jobs.sum()" was created and its execution failed with "The
  JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input '...'".
- [localstack] definitions from LocalStack's AWS-validated test templates (deployed to AWS).
- [issue 10] shapes AWS runs in public sample workflows that our runtime refused.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from interpreter.jsonpath import (JsonPathSyntaxError, PathNotFound, compile_path, compile_reference_path,
                                  path_error, reference_path_error)
from interpreter.validation import is_valid, validate

from asl_helpers import execute, machine


def read(path: str, data):
    return compile_path(path).evaluate(data, None)


# --- what the validator passes, the runtime runs ------------------------------------------

ISSUE_SHAPES = [  # [issue 10]: each validated before, and was refused by the runtime
    ("$.[0]", [{"id": 1}, {"id": 2}], {"id": 1}),
    ("$.Snapshots.[0].State", {"Snapshots": [{"State": "completed"}]}, "completed"),
    ("$.[?(@.OU > 0)]", [{"OU": 0}, {"OU": 3}, {"OU": 1}], [{"OU": 3}, {"OU": 1}]),
    ("$.[*].['bucket', 'key']", [{"bucket": "b1", "key": "k1", "size": 9}, {"bucket": "b2", "key": "k2"}],
     [{"bucket": "b1", "key": "k1"}, {"bucket": "b2", "key": "k2"}]),
]


@pytest.mark.parametrize("path, data, expected", ISSUE_SHAPES)
def test_shapes_from_aws_samples_validate_and_run(path, data, expected):
    definition = machine({"Read": {"Type": "Pass", "Parameters": {"value.$": path}, "End": True}})
    assert is_valid(validate(definition))
    run = execute(definition, data)
    assert run.status == "SUCCEEDED" and run.output == {"value": expected}


def test_a_field_name_with_spaces_in_brackets_after_a_dot():
    # [paths] "you must use square bracket notation ... For example, $.abc.['def ghi']."
    assert read("$.abc.['def ghi']", {"abc": {"def ghi": 7}}) == 7


def test_reference_path_examples_of_the_guide():
    # [paths] the guide's input and the results it gives
    data = {"foo": 123, "bar": ["a", "b", "c"], "car": {"cdr": True},
            "jar": [{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}]}
    assert read("$.foo", data) == 123
    assert read("$.bar", data) == ["a", "b", "c"]
    assert read("$.car.cdr", data) is True
    assert read("$.jar[?(@.a >= 5)]", data) == [{"a": 5}, {"a": 7}]


def test_the_current_node_matches_objects_only():
    # [paths] "The @ operator ... does not match scalar values. It only matches objects."
    assert read("$.v[?(@ == 'a')]", {"v": ["a", "b"]}) == []
    assert read("$.v[?(@.k == 'a')]", {"v": ["a", {"k": "a"}]}) == [{"k": "a"}]


def test_bracket_names_with_escaped_quotes():
    # [localstack] escape_sequences_jsonpath.json5: "value.$": "$['Test\\\\\\"\\"Name\\"']" in JSON5,
    # the path $['Test\""Name"'] reads the field Test""Name".
    path = "$['Test\\\"\"Name\"']"
    assert compile_path(path).steps == (("key", 'Test""Name"'),)
    run = execute(machine({"P": {"Type": "Pass", "Parameters": {"value.$": path}, "End": True}}),
                  {'Test""Name"': "found"})
    assert run.output == {"value": "found"}
    assert read("$['it\\'s']", {"it's": 1}) == 1
    assert read('$["say \\"hi\\""]', {'say "hi"': 2}) == 2


def test_a_path_function_is_accepted_and_finds_nothing():
    # [repost] created, then: "The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could
    # not be found in the input '...'"
    definition = machine({"Sum Jobs": {"Type": "Pass", "Parameters": {"Jobs.$": "$.Jobs.sum()"}, "End": True}})
    assert is_valid(validate(definition))
    run = execute(definition, {"Jobs": [0, 1, 0]})
    assert run.status == "FAILED" and run.error == "States.Runtime"
    assert ("The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input "
            "'{\"Jobs\":[0,1,0]}'") in run.cause


# --- Jayway's reading of each step ---------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    ("$.a[-1]", 3), ("$.a[0,2]", [1, 3]), ("$.a[1:]", [2, 3]), ("$.a[:2]", [1, 2]), ("$.a[-2:]", [2, 3]),
    ("$.a[*]", [1, 2, 3]), ("$..x", [9, 8]), ("$.o.*", [9, {"x": 8}]), ("$..[0]", [1]),
    ("$['o']['x']", 9), ("$.o['x', 'y']", {"x": 9, "y": {"x": 8}}), ("$['o', 'a'][0]", [1]),
    ("$[(@.length-1)]", None), ("$.a[(@.length-1)]", 3), ("$.a[ 1 ]", 2), ("$.a[ * ]", [1, 2, 3]),
])
def test_steps(path, expected):
    data = {"a": [1, 2, 3], "o": {"x": 9, "y": {"x": 8}}}
    if expected is None:
        with pytest.raises(PathNotFound):
            read(path, data)
    else:
        assert read(path, data) == expected


@pytest.mark.parametrize("path", ["$.a[?(@.x > 1 && @.y == 'a)b')]", "$.a[:-1]", "$.[?(@.year <= 1998)]",
                                  '$["q"].r', "$$.Execution.Input['a b']", "$var[0].x", "$.a[?(@.b[0] == $.c)]"])
def test_paths_that_validate(path):
    assert path_error(path) is None


def test_a_definite_path_that_matches_nothing_fails_and_an_indefinite_one_is_empty():
    with pytest.raises(PathNotFound):
        read("$.a[5]", {"a": [1]})
    with pytest.raises(PathNotFound):
        read("$.a['x', 'y']", {"a": "text"})
    assert read("$.a[5:]", {"a": [1]}) == []
    assert read("$.a[*].b", {"a": [1, {"c": 1}]}) == []


@pytest.mark.parametrize("condition, expected", [
    ("@.n == 2", [2]), ("@.n != 2", [1, 3]), ("@.n < 2", [1]), ("@.n >= 2", [2, 3]),
    ("@.s =~ /b.*/", [2]), ("@.s =~ /B.*/i", [2]), ("@.n in [1, 3]", [1, 3]), ("@.n nin [1, 3]", [2]),
    ("@.t subsetof ['x', 'y']", [1, 3]), ("@.t anyof ['z']", [2]), ("@.t noneof ['x']", [2, 3]),
    ("@.t size 2", [2]), ("@.t empty true", [3]), ("@.s contains 'c'", [3]), ("@.t contains 'x'", [1]),
    ("@.flag", [1]), ("!@.flag", [2, 3]), ("@.n > 1 && @.n < 3", [2]), ("@.n == 1 || (@.s == 'cc')", [1, 3]),
    ("@.n == $.pick", [3]), ("@.s == 'b'", [2]), ('@.s == "b"', [2]), ("@.n == 2.0", [2]),
    ("@.s == b", [2]),  # a bare word is read as text (validator fixtures deployed it this way)
])
def test_filters(condition, expected):
    data = {"pick": 3, "items": [{"n": 1, "s": "a", "t": ["x"], "flag": True},
                                 {"n": 2, "s": "b", "t": ["y", "z"]},
                                 {"n": 3, "s": "cc", "t": []}]}
    found = read(f"$.items[?({condition})]", data)
    assert [item["n"] for item in found] == expected


# --- what is refused, and why ---------------------------------------------------------------

@pytest.mark.parametrize("path, reason", [
    ("a.b", "it must start with '$'"),
    ("$.", "a field name is expected at position 3"),
    ("$..", "a field name is expected at position 4"),
    ("$.a b", "white space at position 4"),
    ("$.a[", "'[' is not closed"),
    ("$.a[x]", "'[x]' is not an index, slice, union or quoted name"),
    ("$.a[1:2:3]", "'[1:2:3]' is not a slice"),
    ("$.a['x'", "']' is expected after the quoted name at position 8"),
    ("$.a['x", "a quoted name in brackets is not closed"),
    ("$.a[?(@.x > 1]", "a filter's parentheses are not balanced"),
    ("$.a[?(@.x >)]", "a value or a path is expected in the filter at position 12"),
    ("$.a[?(1)]", "'1' at position 7 is a value, not a test"),
    ("$.a[?(@.x =~ 'y')]", "=~ at position 11 needs a /regular expression/"),
    ("$.a[(@.size)]", "the only expression a path may index with is (@.length-N)"),
    ("$.a.length().b", "a function such as length() may only end a path"),
    ("$1", "a variable name after '$' must start with a letter or '_'"),
])
def test_refused_paths_say_why(path, reason):
    problem = path_error(path)
    assert problem is not None and reason in problem
    with pytest.raises(JsonPathSyntaxError):
        compile_path(path)


@pytest.mark.parametrize("path", ["$", "$.a.b", "$['a b']", "$.a[0]", "$.[0]", "$$.Execution.Id", "$myVar",
                                  "$v.x[2]", "$my-var.x", "$café"])
def test_reference_paths(path):
    # [itemspath] ItemsPath and the other ...Path settings take a reference path
    assert reference_path_error(path) is None
    assert compile_reference_path(path).reference


@pytest.mark.parametrize("path, reason", [
    ("$.a[*]", "'*' (wildcard) is not allowed in a reference path"),
    ("$..a", "'..' (recursive descent) is not allowed in a reference path"),
    ("$.a[?(@.x)]", "filters and expressions are not allowed in a reference path"),
    ("$.a[-1]", "a negative index is not allowed in a reference path"),
    ("$.a[0,1]", "a union such as [0,1] is not allowed in a reference path"),
    ("$.a['x','y']", "a union of names is not allowed in a reference path"),
    ("$.a[1:]", "a slice such as [1:3] is not allowed in a reference path"),
    ("$.a.length()", "functions such as length() are not allowed in a reference path"),
])
def test_not_reference_paths(path, reason):
    # [paths] a reference path "can identify only a single node"
    assert reference_path_error(path) == reason
    assert path_error(path) is None


def test_result_path_writes_into_the_input_only():
    assert reference_path_error("$$.x", input_only=True).startswith("it must put the result into the state's input")
    assert reference_path_error("$$.x") is None


# --- what a path that finds nothing says ----------------------------------------------------

def test_a_context_path_that_finds_nothing_shows_the_context_object():
    # LocalStack's AWS-validated template invalid_jsonpath_in_string_expr_contextpath.json5 and its
    # payload binding: the cause names the '$$' path and shows the context object it searched
    definition = machine({"pass": {"Type": "Pass", "Parameters": {"value.$": "$$.Execution.Input.no_such_jsonpath"},
                                   "End": True}})
    run = execute(definition, {"a": 1})
    assert run.status == "FAILED" and run.error == "States.Runtime"
    prefix = ("The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could not be "
              "found in the input '{\"Execution\":{")
    assert prefix in run.cause and '"Input":{"a":1}' in run.cause and '"State":{"Name":"pass"' in run.cause


@pytest.mark.parametrize("field, cause", [
    # the causes AWS gives for these fields (LocalStack's invalid_jsonpath_in_* templates)
    ({"InputPath": "$.no_such_jsonpath"}, "Invalid path '$.no_such_jsonpath' : No results for path: "
                                          "$['no_such_jsonpath']"),
    ({"OutputPath": "$.no_such_jsonpath"}, "Invalid path '$.no_such_jsonpath' : No results for path: "
                                           "$['no_such_jsonpath']"),
    ({"Parameters": {"value.$": "$.no_such_jsonpath"}},
     "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input "
     "'{\"a\":1}'"),
])
def test_an_input_path_that_finds_nothing(field, cause):
    run = execute(machine({"pass": {"Type": "Pass", "End": True, **field}}), {"a": 1})
    assert run.status == "FAILED" and run.error == "States.Runtime"
    assert run.cause == f"An error occurred while executing the state 'pass' (entered at the event id #2). {cause}"


def test_what_validates_runs_through_the_command_line(tmp_path):
    # issue 10: `validate` passed these, then `run` refused them
    definition = machine({
        "First": {"Type": "Pass", "Parameters": {"first.$": "$.[0]", "objects.$": "$.[*].['bucket', 'key']",
                                                 "positive.$": "$.[?(@.OU > 0)]"}, "Next": "Snap"},
        "Snap": {"Type": "Pass", "Parameters": {"state.$": "$.Snapshots.[0].State"}, "InputPath": "$.first",
                 "End": True}})
    path = tmp_path / "shapes.asl.json"
    path.write_text(json.dumps(definition))
    data = [{"bucket": "b", "key": "k", "OU": 1, "Snapshots": [{"State": "completed"}]}]

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "interpreter", *args], capture_output=True, text=True,
                              timeout=60, cwd=Path(__file__).resolve().parents[3])

    assert cli("validate", str(path)).returncode == 0
    ran = cli("run", str(path), "--input", json.dumps(data))
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["output"] == {"state": "completed"}
