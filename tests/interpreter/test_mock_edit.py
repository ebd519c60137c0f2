"""Mock configs edited by step name: renames followed in place, clashes left alone, fixes."""
import copy

import pytest

from interpreter.errors import DefinitionError
from interpreter.mock_edit import add_mock, follow_renames, remove_mock, rename_mock

CONFIG = {
    "StateMachines": {"m": {"TestCases": {
        "one": {"A": "ok", "Inside Map": "ok", "B": "ok"},
        "two": {"B": "ok", "A": "ok", "S3Objects": {"bucket": {}}},
    }}},
    "MockedResponses": {"ok": {"0": {"Return": {}}}},
}


def cases(config):
    return config["StateMachines"]["m"]["TestCases"]


def test_renames_follow_in_every_case_in_place_and_the_original_is_untouched():
    before = copy.deepcopy(CONFIG)
    out = follow_renames(CONFIG, {"A": "A2", "Inside Map": "Inside The Map"})
    assert list(cases(out)["one"]) == ["A2", "Inside The Map", "B"]
    assert list(cases(out)["two"]) == ["B", "A2", "S3Objects"]
    assert CONFIG == before


def test_a_swap_follows_and_a_clash_is_left_for_the_check_to_name():
    assert list(cases(follow_renames(CONFIG, {"A": "B", "B": "A"}))["one"]) == ["B", "Inside Map", "A"]
    # "A" renamed to "B", which the case already mocks (and "B" stays): nothing is overwritten.
    assert cases(follow_renames(CONFIG, {"A": "B"}))["one"] == cases(CONFIG)["one"]
    assert follow_renames({"not": "a config"}, {"A": "B"}) == {"not": "a config"}
    assert follow_renames(CONFIG, {}) is CONFIG


def test_fixes_edit_the_chosen_case_only():
    out = rename_mock(CONFIG, "one", "A", "A2")
    assert list(cases(out)["one"]) == ["A2", "Inside Map", "B"] and "A" in cases(out)["two"]
    out = remove_mock(CONFIG, "two", "A")
    assert cases(out)["two"] == {"B": "ok", "S3Objects": {"bucket": {}}} and out["MockedResponses"] == {
        "ok": {"0": {"Return": {}}}}
    out = add_mock(add_mock(CONFIG, "one", "C", {"x": 1}, machine="m"), "two", "C", {}, machine="m")
    assert out["MockedResponses"]["C answer"] == {"0": {"Return": {"x": 1}}}
    assert cases(out)["two"]["C"] == "C answer 2"
    fresh = add_mock({}, "case", "C", {}, machine="Machine")
    assert fresh == {"StateMachines": {"Machine": {"TestCases": {"case": {"C": "C answer"}}}},
                     "MockedResponses": {"C answer": {"0": {"Return": {}}}}}


def test_fixes_refuse_what_does_not_apply():
    with pytest.raises(ValueError, match="no mock for 'Z'"):
        remove_mock(CONFIG, "one", "Z")
    with pytest.raises(ValueError, match="already has a mock for 'B'"):
        rename_mock(CONFIG, "one", "A", "B")
    with pytest.raises(ValueError):
        remove_mock(CONFIG, "two", "S3Objects")
    with pytest.raises(DefinitionError):
        remove_mock(CONFIG, "three", "A")
