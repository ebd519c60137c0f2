"""Hostile input: the parser and the interpreter raise only their own errors, never a traceback."""
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from interpreter.definition import parse
from interpreter.errors import DefinitionError
from interpreter.execution import Execution

ROOT = Path(__file__).resolve().parents[2]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12)

field_names = st.sampled_from(["Type", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
                               "Result", "Seconds", "SecondsPath", "Timestamp", "Choices", "Default", "Resource",
                               "Retry", "Catch", "Branches", "ItemsPath", "ItemProcessor", "Iterator", "Error",
                               "CausePath", "MaxConcurrency", "ResultSelector", "TimeoutSeconds"])
type_names = st.sampled_from(["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", "Nope"])
paths = st.sampled_from(["$", "$.a", "$.a[0]", "$[", "$.a[?(@.x > 1)]", "$$.Execution.Id", "$..a", "x",
                         "States.Format('{}', $.a)", "States.MathAdd($.n, 1)", "$.a[*].b", "$['a']"])


@st.composite
def definitions(draw):
    names = draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=4, unique=True))
    states = {}
    for name in names:
        state = {"Type": draw(type_names)}
        for _ in range(draw(st.integers(0, 5))):
            key = draw(field_names)
            state[key] = draw(st.one_of(json_values, paths, st.sampled_from(names),
                                        st.just(True), st.just({"a.$": "$.a"})))
        if draw(st.booleans()):
            state["Next" if draw(st.booleans()) else "End"] = draw(st.sampled_from(names)) if draw(
                st.booleans()) else True
        states[name] = state
    return {"StartAt": draw(st.sampled_from(names + ["Z"])), "States": states}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions(), json_values)
def test_random_definitions_fail_only_with_asl_errors(definition, input_value):
    try:
        machine = parse(definition)
    except DefinitionError as e:
        assert e.diagnostics and all(d.pointer.startswith("/") or d.pointer == "" for d in e.diagnostics)
        return
    execution = Execution(machine, input_value, seed=1)
    execution.run(max_steps=200)
    assert execution.status in ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT")
    if execution.status == "FAILED":
        assert execution.error is None or isinstance(execution.error, str)
        assert "Internal interpreter error" not in (execution.cause or "")
    json.dumps([e.to_aws() for e in execution.events])


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_value_as_a_definition(value):
    try:
        parse(value)
    except DefinitionError:
        pass


def test_interpreter_imports_no_django():
    code = ("import sys, interpreter.definition, interpreter.execution, interpreter.cli, interpreter.validation; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'channels', 'designer', 'rest_framework')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
