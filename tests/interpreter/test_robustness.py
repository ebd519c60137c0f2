"""Hostile input: the parser and the interpreter raise only their own errors, never a traceback."""
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings, strategies as st

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
    code = ("import sys, interpreter.definition, interpreter.execution, interpreter.cli, interpreter.validation, interpreter.wording, interpreter.mock_fit, interpreter.explain.cli, interpreter.compare.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'channels', 'designer', 'rest_framework')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- valid definitions with one value of the wrong JSON type ----------------------------------

def _valid_definitions() -> dict[str, dict]:
    """The bench workloads, the designer's samples and the recorded corpus, by file, once each."""
    sources = sorted((ROOT / "bench" / "workloads").glob("*.asl.json")) + \
        sorted((ROOT / "designer" / "samples").glob("*.asl.json"))
    out, seen = {}, set()
    for path in sources:
        out[str(path.relative_to(ROOT))] = json.loads(path.read_text())
    for path in sorted((ROOT / "tests" / "interpreter" / "conformance" / "cases").glob("*.json")):
        definition = json.loads(path.read_text())["definition"]
        if isinstance(definition, str):
            definition = json.loads(definition)
        # hundreds of cases share a definition: keep each once, so that the draw is not all Choice
        text = json.dumps(definition, sort_keys=True)
        if text not in seen:
            seen.add(text)
            out[str(path.relative_to(ROOT))] = definition
    return out


VALID_DEFINITIONS = _valid_definitions()
_locations: dict[str, list[tuple]] = {}


def _locations_of(name: str) -> list[tuple]:
    if name not in _locations:
        found: list[tuple] = []
        stack = [((), VALID_DEFINITIONS[name])]
        while stack:
            path, value = stack.pop()
            children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
            for key, child in children:
                found.append((*path, key))
                stack.append(((*path, key), child))
        _locations[name] = sorted(found, key=str)
    return _locations[name]


def _json_type(value) -> str:
    if value is None or isinstance(value, (bool, str, list, dict)):
        return type(value).__name__
    return "number"


def _replaced(value, path: tuple, new):
    """``value`` with the value at ``path`` replaced, copying only the containers on the way."""
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new) if path[1:] else new
    return copy


def _at(value, path: tuple):
    for key in path:
        value = value[key]
    return value


@st.composite
def wrong_typed_values(draw):
    name = draw(st.sampled_from(sorted(VALID_DEFINITIONS)))
    locations = _locations_of(name)
    path = locations[draw(st.integers(0, len(locations) - 1))]
    original = _json_type(_at(VALID_DEFINITIONS[name], path))
    new = draw(json_values.filter(lambda v: _json_type(v) != original))
    return name, path, new


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wrong_typed_values())
# the cases that once raised something else (a CSVDelimiter is in none of the definitions: added)
@example(("bench/workloads/W3_inline_map.asl.json", ("States", "ProcessItems", "ItemProcessor", "ProcessorConfig"),
          "x"))
@example(("designer/samples/nutrition-labels.asl.json", ("States", "Process Products", "ItemReader",
                                                         "ReaderConfig"), 1))
@example(("designer/samples/nutrition-labels.asl.json", ("States", "Process Products", "ItemReader",
                                                         "ReaderConfig", "CSVDelimiter"), []))
@example(("designer/samples/account-application.asl.json", ("States", "Perform Automated Checks", "Branches", 0,
                                                            "States", "Verify Identity Documents", "Retry", 0,
                                                            "MaxAttempts"), None))
def test_a_wrong_typed_value_in_a_valid_definition_is_a_definition_error(mutation):
    name, path, new = mutation
    definition = _replaced(VALID_DEFINITIONS[name], path, new)
    try:
        parse(definition, validate=False)
    except DefinitionError as e:
        assert e.diagnostics and all(d.pointer.startswith("/") or d.pointer == "" for d in e.diagnostics)
