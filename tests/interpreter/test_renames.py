"""Renames read from two definitions (interpreter/renames.py)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from interpreter.renames import state_renames

BANK = json.loads((Path(__file__).resolve().parents[2] / "designer" / "samples" / "account-application.asl.json")
                  .read_text())


def rename(definition: dict, old: str, new: str) -> dict:
    """What the editor's renameState does: the key, StartAt and every transition naming it."""
    text = json.dumps(definition)
    return json.loads(text.replace(json.dumps(old), json.dumps(new)))


def test_a_plain_rename_is_found():
    assert state_renames(BANK, rename(BANK, "Check Address", "Verify Address")) == {"Check Address": "Verify Address"}


def test_nothing_renamed_nothing_found():
    assert state_renames(BANK, copy.deepcopy(BANK)) == {}


def test_renamed_and_edited_in_one_save_is_found_by_what_leads_to_it():
    new = rename(BANK, "Check Address", "Verify Address")
    states = new["States"]
    host = next(s for s in states.values() if s.get("Type") == "Parallel")
    for branch in host["Branches"]:
        if "Verify Address" in branch["States"]:
            branch["States"]["Verify Address"]["Comment"] = "now with a comment"
    assert state_renames(BANK, new) == {"Check Address": "Verify Address"}


def test_two_renames_at_once_including_the_start():
    first = BANK["StartAt"]
    new = rename(rename(BANK, first, "Begin"), "Approve Application", "Open The Account")
    assert state_renames(BANK, new) == {first: "Begin", "Approve Application": "Open The Account"}


def test_a_deleted_step_and_an_unrelated_new_one_are_not_a_rename():
    old = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": 1, "End": True}}}
    new = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}, "C": {"Type": "Pass", "Result": 2, "End": True}}}
    assert state_renames(old, new) == {}


def test_ambiguous_twins_are_left_alone():
    old = {"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}
    new = {"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "X": {"Type": "Succeed"}, "Y": {"Type": "Succeed"}}}
    assert state_renames(old, new) == {}


def test_a_different_type_is_never_a_rename():
    old = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    new = {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}
    assert state_renames(old, new) == {}


def test_garbage_in_gives_nothing_out():
    assert state_renames(None, {"States": []}) == {}
    assert state_renames({"States": {"A": 3}}, {"States": {"B": 3}}) == {}
