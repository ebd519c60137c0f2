"""No input makes the validator raise, or fail inside: any JSON value, any text, any mutation."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.diagnostic import Diagnostic
from interpreter.validation import validate, validate_text

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=40,
)
KEYS = ["Type", "Next", "End", "StartAt", "States", "Choices", "Variable", "Branches", "ItemProcessor", "Retry",
        "Catch", "ErrorEquals", "Parameters", "a.$", "Assign", "Resource", "QueryLanguage", "Output", "Seconds",
        "Label", "ItemReader", "ItemBatcher", "ResultWriter", "Credentials", "Default", "And", "Not"]
VALUES = st.sampled_from(["Pass", "Task", "Choice", "Map", "Parallel", "Wait", "Fail", "Succeed", "JSONata",
                          "JSONPath", "$.a", "{% 1 %}", "{% ( %}", "States.Format('{}', $.a)", "A",
                          "arn:aws:states:::lambda:invoke", "States.ALL"])
asl_like = st.recursive(
    st.none() | st.booleans() | st.integers() | VALUES | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3),
                                                                      children, max_size=6),
    max_leaves=60,
)


def _check(found):
    assert isinstance(found, list)
    for d in found:
        assert isinstance(d, Diagnostic)
        assert d.code != "VALIDATOR_ERROR", d.message
        assert d.severity in ("error", "warning")
        assert isinstance(d.message, str) and d.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value(value):
    _check(validate(value))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({"StartAt": VALUES, "States": st.dictionaries(VALUES | st.text(max_size=4),
                                                                            asl_like, max_size=4)},
                             optional={"QueryLanguage": VALUES}))
def test_any_state_machine_shaped_value(value):
    _check(validate(value))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text(text):
    _check(validate_text(text))


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_text(value):
    _check(validate_text(json.dumps(value)))


CASES = [json.loads(p.read_text(encoding="utf-8"))["definition"]
         for p in sorted((Path(__file__).parent / "cases").glob("*.json"))]
CASES = [c for c in CASES if isinstance(c, dict)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CASES), st.data())
def test_any_mutation_of_a_real_definition(definition, data):
    mutated = copy.deepcopy(definition)
    target = mutated
    for _ in range(data.draw(st.integers(0, 4))):
        children = [k for k, v in (target.items() if isinstance(target, dict) else enumerate(target))
                    if isinstance(v, (dict, list)) and v]
        if not children:
            break
        target = target[data.draw(st.sampled_from(children))]
    if isinstance(target, dict) and target:
        key = data.draw(st.sampled_from(sorted(target, key=str)))
        target[key] = data.draw(asl_like)
    _check(validate(mutated))


def test_deep_nesting_is_reported_not_raised():
    value: object = 1
    for _ in range(5000):
        value = {"Parameters": value}
    _check(validate({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True, "Parameters": value}}}))
    _check(validate_text("[" * 100_000 + "]" * 100_000))
