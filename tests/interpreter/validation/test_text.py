"""Reading definitions from JSON and YAML text: duplicates, size, CloudFormation tags."""
from __future__ import annotations

import json

from interpreter.validation import is_valid, validate_text

VALID_JSON = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'


def codes(text):
    return [(p.code, p.pointer) for p in validate_text(text)]


def test_valid_json_text():
    assert validate_text(VALID_JSON) == []


def test_duplicate_keys_in_a_payload_template_are_found_with_their_pointer():
    text = ('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,'
            ' "Parameters": {"x": 1, "nested": {"y": 1, "y": 2}, "x": 2}}}}')
    found = validate_text(text)
    assert [(p.code, p.pointer, p.state) for p in found] == [
        ("DUPLICATE_KEY", "/States/A/Parameters/x", "A"),
        ("DUPLICATE_KEY", "/States/A/Parameters/nested/y", "A"),
    ]
    assert found[0].message == ("Field 'x' appears twice in the same object: keep one "
                                "(only the last one would be kept).")


def test_duplicate_state_names_in_text():
    text = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Fail"}}}'
    assert codes(text) == [("DUPLICATE_STATE_NAME", "/States/A")]


def test_yaml_as_serverless_writes_it():
    text = """
Comment: Order flow
StartAt: Wait a bit
States:
  Wait a bit:
    Type: Wait
    Timestamp: 2016-03-14T01:59:00Z
    Next: Done
  Done:
    Type: Succeed
"""
    assert validate_text(text) == []


def test_yaml_duplicates_and_cloudformation_tags():
    text = """
StartAt: Call
States:
  Call:
    Type: Task
    Resource: !GetAtt MyFunction.Arn
    End: true
    End: true
"""
    found = [(p.code, p.pointer, p.severity) for p in validate_text(text)]
    assert ("DUPLICATE_KEY", "/States/Call/End", "error") in found
    assert ("UNKNOWN_RESOURCE", "/States/Call/Resource", "warning") in found


def test_yaml_is_read_safely():
    text = "StartAt: A\nStates: !!python/object/apply:os.system ['echo hacked']\n"
    found = validate_text(text)
    assert [p.code for p in found] == ["UNREADABLE"]
    assert not is_valid(found)


def test_unreadable_text_says_where():
    found = validate_text('{"StartAt": "A", ')
    assert [p.code for p in found] == ["UNREADABLE"]
    assert "not valid JSON" in found[0].message and "line 1" in found[0].message


def test_empty_text():
    assert [p.code for p in validate_text("  ")] == ["NOT_AN_OBJECT"]


def test_a_definition_over_one_megabyte_is_refused():
    big = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "x" * 1_100_000, "End": True}}}
    found = validate_text(json.dumps(big))
    assert [p.code for p in found] == ["DEFINITION_TOO_LARGE"]
    assert "1,048,576" in found[0].message


def test_a_large_parsed_definition_is_measured_too():
    from interpreter.validation import validate
    states = {f"S{i}": {"Type": "Pass", "Result": "y" * 2100, "Next": f"S{i + 1}"} for i in range(600)}
    states["S600"] = {"Type": "Succeed"}
    assert "DEFINITION_TOO_LARGE" in [p.code for p in validate({"StartAt": "S0", "States": states})]
