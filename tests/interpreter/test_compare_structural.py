"""The structural diff: every kind of change at every nesting level, renames with their
references, edges, top-level fields, odd input, the changes in words, and the patch property."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from interpreter.compare import MISSING, apply_patch, diff
from interpreter.compare.words import edge_words, state_change_words, summary, top_change_words

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"
BANK = json.loads((SAMPLES / "account-application.asl.json").read_text())


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True)


def check_patch(a, b):
    before = canonical(a), canonical(b)
    d = diff(a, b)
    assert canonical(apply_patch(a, d)) == canonical(b)
    assert (canonical(a), canonical(b)) == before, "the diff changed its inputs"
    return d


def by_name(d):
    return {s.name: s for s in d.states}


def words_of(a, b, name):
    d = diff(a, b)
    return state_change_words(by_name(d)[name], a, b)


def chain(**states):
    return {"StartAt": next(iter(states)), "States": states}


# --- states ---------------------------------------------------------------------------------

def test_a_version_compared_with_itself_has_no_changes():
    d = check_patch(BANK, copy.deepcopy(BANK))
    assert d.empty and d.states == [] and d.edges == [] and d.top == []
    assert summary(d) == "No changes"


def test_added_removed_and_changed_states_with_pointers_and_values():
    a = chain(A={"Type": "Pass", "Next": "B"}, B={"Type": "Wait", "Seconds": 5, "Next": "C"}, C={"Type": "Succeed"})
    b = chain(A={"Type": "Pass", "Next": "B"}, B={"Type": "Wait", "Seconds": 60, "Next": "D"},
              D={"Type": "Fail", "Error": "X"})
    d = check_patch(a, b)
    states = by_name(d)
    assert [(s.kind, s.name) for s in d.states] == [("changed", "B"), ("added", "D"), ("removed", "C")]
    assert states["C"].value == {"Type": "Succeed"} and states["C"].old_pointer == "/States/C"
    assert states["D"].value == {"Type": "Fail", "Error": "X"} and states["D"].pointer == "/States/D"
    [seconds, nxt] = states["B"].fields
    assert (seconds.pointer, seconds.old, seconds.new, seconds.op) == ("/States/B/Seconds", 5, 60, "replace")
    assert (nxt.pointer, nxt.old, nxt.new) == ("/States/B/Next", "C", "D")
    assert seconds.as_dict() == {"op": "replace", "pointer": "/States/B/Seconds", "oldPointer": "/States/B/Seconds",
                                 "old": 5, "new": 60}
    assert summary(d) == "1 step added, 1 removed, 1 changed"


def test_fields_added_and_removed_deep_inside_a_state():
    a = chain(T={"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"Payload": {"a.$": "$.a", "b": 1}}, "End": True})
    b = copy.deepcopy(a)
    del b["States"]["T"]["Parameters"]["Payload"]["b"]
    b["States"]["T"]["Parameters"]["Payload"]["c"] = [1, 2]
    d = check_patch(a, b)
    [change] = d.states
    assert [(f.pointer, f.op) for f in change.fields] == [("/States/T/Parameters/Payload/b", "remove"),
                                                          ("/States/T/Parameters/Payload/c", "add")]
    assert change.fields[0].new is MISSING and "new" not in change.fields[0].as_dict()


def test_json_types_are_told_apart():
    a = chain(A={"Type": "Pass", "Result": True, "End": True})
    b = chain(A={"Type": "Pass", "Result": 1, "End": True})
    [change] = check_patch(a, b).states
    assert [(f.old, f.new) for f in change.fields] == [(True, 1)]


# --- renames --------------------------------------------------------------------------------

def test_a_rename_follows_every_reference():
    b = copy.deepcopy(BANK)
    st_ = b["States"]
    st_["Reject"] = st_.pop("Reject Application")
    st_["Review Approved?"]["Default"] = "Reject"
    st_["Wait For Review"]["Catch"][0]["Next"] = "Reject"
    d = check_patch(BANK, b)
    [change] = d.states
    assert (change.kind, change.name, change.old_name, change.fields) == ("renamed", "Reject", "Reject Application", [])
    assert change.old_pointer == "/States/Reject Application" and change.pointer == "/States/Reject"
    assert d.edges == [] and d.renames == {"Reject Application": "Reject"}
    assert state_change_words(change, BANK, b) == ["Renamed from “Reject Application”."]
    assert summary(d) == "1 step renamed"


def test_renaming_the_first_step_is_not_a_new_start():
    a = chain(First={"Type": "Pass", "Next": "Done"}, Done={"Type": "Succeed"})
    b = {"StartAt": "Begin", "States": {"Begin": {"Type": "Pass", "Next": "Done"}, "Done": {"Type": "Succeed"}}}
    d = check_patch(a, b)
    assert d.top == [] and d.edges == [] and [(s.kind, s.old_name, s.name) for s in d.states] == [
        ("renamed", "First", "Begin")]


def test_a_step_renamed_and_edited_lists_its_edits():
    a = chain(Start={"Type": "Pass", "Next": "Old"}, Old={"Type": "Wait", "Seconds": 5, "End": True})
    b = chain(Start={"Type": "Pass", "Next": "New"}, New={"Type": "Wait", "Seconds": 10, "End": True})
    d = check_patch(a, b)
    [change] = d.states
    assert change.kind == "renamed" and [(f.pointer, f.old, f.new) for f in change.fields] == [
        ("/States/New/Seconds", 5, 10)]
    assert change.fields[0].old_pointer == "/States/Old/Seconds"
    assert state_change_words(change, a, b) == ["Renamed from “Old”.", "Now waits 10 seconds instead of 5 seconds."]


def test_renames_inside_a_renamed_parallel():
    a = chain(P={"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "x", "States": {"x": {"Type": "Pass", "Next": "y"}, "y": {"Type": "Succeed"}}}]})
    b = chain(Q={"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "x2", "States": {"x2": {"Type": "Pass", "Next": "y"}, "y": {"Type": "Succeed"}}}]})
    d = check_patch(a, b)
    assert sorted((s.kind, s.old_name, s.name, s.pointer) for s in d.states) == [
        ("renamed", "P", "Q", "/States/Q"), ("renamed", "x", "x2", "/States/Q/Branches/0/States/x2")]


# --- nesting --------------------------------------------------------------------------------

def test_changes_inside_parallel_branches_and_map_processors():
    b = copy.deepcopy(BANK)
    branch = b["States"]["Perform Automated Checks"]["Branches"][0]["States"]
    branch["Verify Identity Documents"]["Retry"][0]["MaxAttempts"] = 5
    d = check_patch(BANK, b)
    [change] = d.states
    assert change.pointer == "/States/Perform Automated Checks/Branches/0/States/Verify Identity Documents"
    assert change.program == "/States/Perform Automated Checks/Branches/0"
    assert [f.pointer for f in change.fields] == [change.pointer + "/Retry/0/MaxAttempts"]
    assert state_change_words(change, BANK, b) == ["Retry: now tries 5 times instead of 3."]
    for key in ("ItemProcessor", "Iterator"):
        a = chain(M={"Type": "Map", "End": True, key: {"StartAt": "I", "States": {"I": {"Type": "Wait", "Seconds": 1, "End": True}}}})
        b = copy.deepcopy(a)
        b["States"]["M"][key]["States"]["I"]["Seconds"] = 2
        b["States"]["M"][key]["States"]["J"] = {"Type": "Succeed"}
        d = check_patch(a, b)
        assert [(s.kind, s.pointer) for s in d.states] == [("changed", f"/States/M/{key}/States/I"),
                                                          ("added", f"/States/M/{key}/States/J")]


def test_a_state_moved_to_another_branch_is_removed_there_and_added_here():
    def parallel(first: dict, second: dict):
        return chain(P={"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": next(iter(first)), "States": first}, {"StartAt": next(iter(second)), "States": second}]})
    a = parallel({"A": {"Type": "Pass", "Next": "Moving"}, "Moving": {"Type": "Succeed"}}, {"B": {"Type": "Succeed"}})
    b = parallel({"A": {"Type": "Succeed"}}, {"B": {"Type": "Pass", "Next": "Moving"}, "Moving": {"Type": "Succeed"}})
    d = check_patch(a, b)
    kinds = {(s.kind, s.pointer) for s in d.states if s.name == "Moving"}
    assert kinds == {("removed", "/States/P/Branches/0/States/Moving"), ("added", "/States/P/Branches/1/States/Moving")}


def test_a_new_branch_adds_its_states_and_a_removed_branch_removes_them():
    a = chain(P={"Type": "Parallel", "End": True, "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}]})
    b = copy.deepcopy(a)
    b["States"]["P"]["Branches"].append({"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"},
                                                                   "C": {"Type": "Succeed"}}})
    d = check_patch(a, b)
    assert [(s.kind, s.name, s.inside) for s in d.states] == [
        ("changed", "P", None), ("added", "B", "/States/P/Branches/1"), ("added", "C", "/States/P/Branches/1")]
    assert summary(d) == "2 steps added, 1 changed"
    back = check_patch(b, a)
    assert sorted((s.kind, s.name) for s in back.states) == [("changed", "P"), ("removed", "B"), ("removed", "C")]


def test_a_pass_that_became_a_parallel_brings_its_branch():
    a = chain(S={"Type": "Pass", "End": True})
    b = chain(S={"Type": "Parallel", "End": True, "Branches": [{"StartAt": "In", "States": {"In": {"Type": "Succeed"}}}]})
    d = check_patch(a, b)
    assert [(s.kind, s.name) for s in d.states] == [("changed", "S"), ("added", "In")]
    assert by_name(d)["S"].old_type == "Pass" and by_name(d)["S"].type == "Parallel"
    assert words_of(a, b, "S")[0] == "Now a “Do in parallel” step instead of “Pass data”."


def test_removing_a_container_removes_what_it_holds():
    a = chain(Go={"Type": "Pass", "Next": "Fan"}, Fan={"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "In", "States": {"In": {"Type": "Succeed"}}}]})
    b = chain(Go={"Type": "Pass", "End": True})
    d = check_patch(a, b)
    assert sorted((s.kind, s.name, s.inside) for s in d.states) == [
        ("changed", "Go", None), ("removed", "Fan", None), ("removed", "In", "/States/Fan")]


# --- edges and top level --------------------------------------------------------------------

def test_edges_added_and_removed_for_every_kind_of_transition():
    a = chain(C={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "T"}], "Default": "D"},
              T={"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Next": "D",
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
              D={"Type": "Succeed"}, F={"Type": "Fail"})
    b = chain(C={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "D"}], "Default": "T"},
              T={"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Next": "F",
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "D"}]},
              D={"Type": "Succeed"}, F={"Type": "Fail"})
    d = check_patch(a, b)
    edges = {(e.kind, e.source, e.target, e.how) for e in d.edges}
    assert edges == {("removed", "C", "T", "choice"), ("removed", "C", "D", "default"), ("removed", "T", "D", "next"),
                     ("removed", "T", "F", "catch"), ("added", "C", "D", "choice"), ("added", "C", "T", "default"),
                     ("added", "T", "F", "next"), ("added", "T", "D", "catch")}
    assert edge_words(next(e for e in d.edges if e.how == "catch" and e.kind == "added")) == \
        "New path from “T” to “D” (on error)."


def test_top_level_changes():
    a = {"Comment": "old", "StartAt": "A", "TimeoutSeconds": 60,
         "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}
    b = {"Comment": "new", "StartAt": "B", "QueryLanguage": "JSONata",
         "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}
    d = check_patch(a, b)
    assert {(t.pointer, t.op) for t in d.top} == {("/Comment", "replace"), ("/StartAt", "replace"),
                                                  ("/TimeoutSeconds", "remove"), ("/QueryLanguage", "add")}
    assert {(e.kind, e.target, e.how) for e in d.edges} == {("removed", "A", "start"), ("added", "B", "start")}
    assert sorted(top_change_words(t) for t in d.top) == [
        "Expressions are now written in JSONata instead of JSONPath.",
        "The whole workflow no longer has a time limit.",
        "The workflow now starts at “B” instead of “A”.",
        "The workflow's description now reads “new”."]
    assert summary(d) == "4 workflow settings changed"


# --- in words -------------------------------------------------------------------------------

def test_choice_rule_values_retry_and_catch_changes_in_words():
    a = chain(Check={"Type": "Choice", "Choices": [
        {"Variable": "$.kind", "StringEquals": "vip", "Next": "Big"},
        {"Variable": "$.amount", "NumericGreaterThan": 500, "Next": "Big"}], "Default": "Small"},
        Big={"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True,
             "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 3, "IntervalSeconds": 2}],
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Small"}]},
        Small={"Type": "Succeed"})
    b = copy.deepcopy(a)
    b["States"]["Check"]["Choices"][1]["NumericGreaterThan"] = 1000
    b["States"]["Check"]["Default"] = "Big"
    b["States"]["Big"]["Retry"][0].update(MaxAttempts=5, IntervalSeconds=4, JitterStrategy="FULL")
    b["States"]["Big"]["Catch"][0]["ErrorEquals"] = ["States.Timeout"]
    d = check_patch(a, b)
    assert words_of(a, b, "Check") == ["Choice rule 2: compares amount with 1000 instead of 500.",
                                       "Otherwise now goes to “Big” instead of “Small”."]
    assert words_of(a, b, "Big") == [
        "Retry: now tries 5 times instead of 3, and now waits 4 seconds before trying again instead of 2 seconds, "
        "and each wait is now shortened at random.",
        "Catch rule 1: now handles the case where it times out instead of where anything fails here."]
    assert summary(d) == "2 steps changed"


def test_added_and_removed_steps_are_told_as_the_narrative_tells_them():
    a = chain(A={"Type": "Wait", "Seconds": 3600, "End": True})
    b = chain(B={"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:Score", "End": True})
    d = check_patch(a, b)
    assert words_of(a, b, "B") == ["New step. Calls the Lambda function Score. That ends the workflow."]
    assert words_of(a, b, "A") == ["Removed. It did this: Waits 1 hour. That ends the workflow."]
    assert summary(d) == "1 step added, 1 removed, 1 workflow setting changed"


# --- odd input ------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ([], {"StartAt": "A", "States": {}}),
    ({"StartAt": "A", "States": []}, {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}),
    ({"StartAt": "A", "States": {"A": 3}}, {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}),
    (chain(P={"Type": "Parallel", "Branches": [{"StartAt": "x", "States": []}]}),
     chain(P={"Type": "Parallel", "Branches": [{"StartAt": "x", "States": {"x": {"Type": "Succeed"}}}]})),
    ({"StartAt": "a/b", "States": {"a/b": {"Type": "Pass", "Next": "c~d"}, "c~d": {"Type": "Succeed"}}},
     {"StartAt": "a/b", "States": {"a/b": {"Type": "Pass", "End": True}}}),
])
def test_definitions_that_do_not_validate_are_still_compared(a, b):
    check_patch(a, b)
    check_patch(b, a)


def test_pointers_escape_names():
    a = {"StartAt": "a/b", "States": {"a/b": {"Type": "Wait", "Seconds": 1, "End": True}}}
    b = {"StartAt": "a/b", "States": {"a/b": {"Type": "Wait", "Seconds": 2, "End": True}}}
    assert check_patch(a, b).states[0].fields[0].pointer == "/States/a~1b/Seconds"


# --- the patch property ---------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.5, 1.0]) | st.sampled_from(["A", "B", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["Type", "Next", "A", "B", "States"]),
                                                                inner, max_size=3),
    max_leaves=12)

NAMES = ["A", "B", "C", "D", "E"]


@st.composite
def programs(draw, depth=0):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    states = {}
    for name in names:
        kind = draw(st.sampled_from(["Pass", "Wait", "Task", "Choice", "Succeed"] + (["Parallel", "Map"] if depth < 2 else [])))
        state: dict = {"Type": kind}
        if kind == "Choice":
            state["Choices"] = [{"Variable": "$.v", "NumericEquals": draw(st.integers(0, 3)),
                                 "Next": draw(st.sampled_from(names))} for _ in range(draw(st.integers(1, 2)))]
            state["Default"] = draw(st.sampled_from(names))
        elif kind != "Succeed":
            if draw(st.booleans()):
                state["Next"] = draw(st.sampled_from(names))
            else:
                state["End"] = True
        if kind == "Wait":
            state["Seconds"] = draw(st.integers(0, 5))
        if kind == "Task":
            state["Resource"] = "arn:aws:states:::sns:publish"
            if draw(st.booleans()):
                state["Retry"] = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": draw(st.integers(0, 4))}]
            if draw(st.booleans()):
                state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": draw(st.sampled_from(names))}]
        if kind == "Parallel":
            state["Branches"] = [draw(programs(depth + 1)) for _ in range(draw(st.integers(1, 2)))]
        if kind == "Map":
            state[draw(st.sampled_from(["ItemProcessor", "Iterator"]))] = draw(programs(depth + 1))
        states[name] = state
    return {"StartAt": draw(st.sampled_from(names)), "States": states}


def _rename_everywhere(program: dict, old: str, new: str) -> None:
    states = program.get("States")
    if not isinstance(states, dict) or old not in states or new in states:
        return
    program["States"] = {new if k == old else k: v for k, v in states.items()}
    if program.get("StartAt") == old:
        program["StartAt"] = new
    for state in program["States"].values():
        if state.get("Next") == old:
            state["Next"] = new
        if state.get("Default") == old:
            state["Default"] = new
        for item in state.get("Choices", []) + state.get("Catch", []):
            if item.get("Next") == old:
                item["Next"] = new


def _programs_in(program: dict) -> list[dict]:
    out = [program]
    for state in program.get("States", {}).values():
        for branch in state.get("Branches", []):
            out.extend(_programs_in(branch))
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                out.extend(_programs_in(state[key]))
    return out


@st.composite
def edited(draw, program):
    """The program after a few edits a person makes: renames, field changes, new and deleted steps."""
    program = copy.deepcopy(program)
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(_programs_in(program)))
        names = list(target["States"])
        action = draw(st.sampled_from(["rename", "field", "add", "remove", "retype"]))
        name = draw(st.sampled_from(names))
        if action == "rename":
            _rename_everywhere(target, name, name + draw(st.sampled_from(["1", "x", " v2"])))
        elif action == "field":
            target["States"][name][draw(st.sampled_from(["Comment", "Seconds", "Next", "ResultPath"]))] = draw(json_values)
        elif action == "add":
            target["States"][draw(st.sampled_from(["N1", "N2", name + "+"]))] = {"Type": "Pass", "Next": name}
        elif action == "remove" and len(names) > 1:
            del target["States"][name]
        elif action == "retype":
            target["States"][name] = draw(programs(1))["States"].popitem()[1]
    if draw(st.booleans()):
        program["TimeoutSeconds"] = draw(st.integers(1, 100))
    return program


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_diff_applied_as_a_patch_gives_the_new_version(data):
    a = data.draw(programs())
    b = data.draw(edited(a))
    check_patch(a, b)
    check_patch(b, a)


@settings(max_examples=200, deadline=None)
@given(json_values, json_values)
def test_the_patch_holds_for_any_two_json_values(a, b):
    check_patch(a, b)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_words_never_fail(data):
    a = data.draw(programs())
    b = data.draw(edited(a))
    d = diff(a, b)
    for change in d.states:
        assert all(isinstance(w, str) and w for w in state_change_words(change, a, b))
    assert isinstance(summary(d), str)


# --- report and command line ----------------------------------------------------------------

def test_the_report_and_the_command_line(tmp_path, capsys):
    from interpreter.compare.cli import main
    from interpreter.compare.report import diff_report

    b = copy.deepcopy(BANK)
    b["States"]["Perform Automated Checks"]["Branches"][0]["States"]["Verify Identity Documents"]["Retry"][0][
        "MaxAttempts"] = 5
    del b["States"]["Done"]
    b["States"]["Notify Applicant"]["End"] = True
    del b["States"]["Notify Applicant"]["Next"]
    report = diff_report(BANK, b)
    assert report["summary"] == "1 step removed, 2 changed" and not report["empty"]
    retry = next(s for s in report["states"] if s["name"] == "Verify Identity Documents")
    assert retry["changes"] == ["Retry: now tries 5 times instead of 3."]
    assert retry["fields"] == [{"op": "replace", "pointer": retry["pointer"] + "/Retry/0/MaxAttempts",
                                "oldPointer": retry["pointer"] + "/Retry/0/MaxAttempts", "old": 3, "new": 5}]
    assert next(s for s in report["states"] if s["name"] == "Done")["value"] == {"Type": "Succeed"}
    old_file, new_file = tmp_path / "v1.json", tmp_path / "v2.json"
    old_file.write_text(json.dumps(BANK))
    new_file.write_text(json.dumps(b))
    assert main([str(old_file), str(new_file)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("1 step removed, 2 changed.\n") and "    Retry: now tries 5 times instead of 3.\n" in out
    assert main([str(old_file), str(old_file), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"] == "No changes"
    assert main([str(old_file), str(tmp_path / "missing.json")]) == 2
