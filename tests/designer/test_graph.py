"""designer.graph: the SVG carries what pages rely on, and user text cannot inject markup."""
from __future__ import annotations

import json
import re
from collections import OrderedDict
import xml.etree.ElementTree as ET

import pytest

from designer import graph
from designer.diagnostics import definition_problems

SVG = "{http://www.w3.org/2000/svg}"


def _nodes(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("data-state"): g for g in root.iter(f"{SVG}g") if g.get("data-state") is not None}


def test_every_state_is_a_node_with_id_classes_and_name(bank_definition):
    svg = graph.render_svg(bank_definition, definition_problems(bank_definition))
    nodes = _nodes(svg)
    expected = {"Perform Automated Checks", "Verify Identity Documents", "Check Address", "Human Review Required?",
                "Wait For Review", "Review Approved?", "Approve Application", "Reject Application",
                "Notify Applicant", "Checks Could Not Run", "Done"}
    assert set(nodes) == expected
    review = nodes["Wait For Review"]
    assert review.get("id") == graph.state_dom_id("Wait For Review")
    assert review.get("id").startswith("state-wait-for-review-")
    assert {"state", "state-type-task"} <= set(review.get("class").split())
    assert "has-retry" in nodes["Verify Identity Documents"].get("class").split()
    assert "state-type-choice" in nodes["Human Review Required?"].get("class").split()
    assert len({g.get("id") for g in nodes.values()}) == len(nodes)


def test_start_end_markers_clusters_and_labelled_edges(bank_definition):
    svg = graph.render_svg(bank_definition)
    root = ET.fromstring(svg)
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {"graph-start", "graph-end"} <= ids
    classes = " ".join(g.get("class", "") for g in root.iter(f"{SVG}g"))
    assert "group-parallel" in classes and classes.count("branch") >= 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "if checks[0].flagged is true" in texts
    assert texts.count("otherwise") == 2
    assert "on any error" in texts and "on timeout" in texts
    catch_edges = [g for g in root.iter(f"{SVG}g") if "edge-catch" in g.get("class", "")]
    assert catch_edges and all(p.get("stroke-dasharray") for e in catch_edges for p in e.iter(f"{SVG}path"))


def test_map_processor_is_a_cluster_holding_its_states():
    definition = json.loads(open("designer/samples/nutrition-labels.asl.json").read())
    root = ET.fromstring(graph.render_svg(definition))
    clusters = [g for g in root.iter(f"{SVG}g") if "item-processor" in g.get("class", "")]
    assert len(clusters) == 1
    assert "Validate Batch" in _nodes(graph.render_svg(definition))


def test_nested_parallel_inside_map_is_drawn():
    inner = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Deep", "States": {"Deep": {"Type": "Pass", "End": True}}}]}}}
    definition = {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": inner, "End": True}}}
    nodes = _nodes(graph.render_svg(definition))
    assert set(nodes) == {"M", "P", "Deep"}


def test_problem_states_are_marked(bank_definition):
    bank_definition["States"]["Notify Applicant"]["Next"] = "Gone"
    problems = definition_problems(bank_definition)
    nodes = _nodes(graph.render_svg(bank_definition, problems))
    assert "has-problem" in nodes["Notify Applicant"].get("class").split()
    assert "has-problem" not in nodes["Human Review Required?"].get("class").split()


@pytest.mark.parametrize("evil", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "a & b ]] \\n {x}",
                                  "<<TABLE>>", "-->", "' or 1=1"])
def test_user_text_is_escaped_everywhere(evil):
    definition = {"Comment": evil, "StartAt": evil, "States": {
        evil: {"Type": "Choice", "Choices": [{"Variable": f"$.{evil}", "StringEquals": evil, "Next": "End here"}],
               "Default": evil + "missing"},
        "End here": {"Type": "Fail", "Error": evil, "Cause": evil}}}
    svg = graph.render_svg(definition, definition_problems(definition))
    root = ET.fromstring(svg)  # well-formed XML: nothing broke out of an attribute or element
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert not any(k.lower().startswith("on") for el in root.iter() for k in el.attrib)
    assert "<script" not in svg and "<img" not in svg
    assert _nodes(svg)[evil].get("data-state") == evil
    assert any(evil in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_render_is_cached_by_definition_and_by_drawing(bank_definition, monkeypatch):
    monkeypatch.setattr(graph, "_cache", OrderedDict())  # other tests drew this sample already
    calls = []
    real = graph._run_dot
    monkeypatch.setattr(graph, "_run_dot", lambda source, fmt: calls.append(fmt) or real(source, fmt))
    bank_definition["States"]["Done"]["Comment"] = "cache test"
    first = graph.render_svg(bank_definition)
    second = graph.render_svg(json.loads(json.dumps(bank_definition)))
    assert first == second and calls == ["svg"]
    # A change the picture does not show reuses the drawing...
    bank_definition["Comment"] = "a new description"
    assert graph.render_svg(bank_definition) == first and calls == ["svg"]
    # ...and one it shows draws again.
    bank_definition["States"]["Done"]["Type"] = "Pass"
    assert "state-type-pass" in graph.render_svg(bank_definition)
    assert calls == ["svg", "svg"]


@pytest.mark.parametrize("junk", [None, 3, [], {"States": 5}, {"StartAt": "x", "States": {"x": 7}},
                                  {"States": {"a": {"Type": "Parallel", "Branches": "nope"}}},
                                  {"States": {"a": {"Type": "Choice", "Choices": [1, {"Next": 2}]}}}])
def test_any_json_draws_without_raising(junk):
    assert graph.render_svg(junk).startswith("<svg")


def test_png_is_a_png(bank_definition):
    assert graph.render_png(bank_definition)[:4] == b"\x89PNG"


def test_dom_ids_are_safe_tokens():
    for name in ["Hello world", "<x>", "ünïcødé", "", "a" * 300]:
        assert re.fullmatch(r"state-[a-z0-9-]+", graph.state_dom_id(name))
    assert graph.state_dom_id("A b") != graph.state_dom_id("A-b")


def test_warnings_are_amber_and_errors_red():
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}, "B": {"Type": "Pass", "Next": "A"}}}
    problems = [{"code": "X", "severity": "warning", "pointer": "/States/B", "state": "B", "message": "unreachable"},
                {"code": "Y", "severity": "error", "pointer": "/States/A/End", "state": None, "message": "bad"}]
    nodes = _nodes(graph.render_svg(definition, problems))
    assert "has-warning" in nodes["B"].get("class").split() and "has-problem" not in nodes["B"].get("class").split()
    # The pointer names the state when the problem does not.
    assert "has-problem" in nodes["A"].get("class").split()


def test_control_characters_in_names_still_draw_valid_svg():
    name = "bell\x07 and\x00nul\ttab"
    svg = graph.render_svg({"StartAt": name, "States": {name: {"Type": "Pass", "End": True}}})
    root = ET.fromstring(svg)
    assert [g.get("data-state") for g in root.iter(f"{SVG}g") if g.get("data-state")] == ["bell\ufffd and\ufffdnul\ttab"]


@pytest.mark.parametrize("state,words", [
    ({"Type": "Wait", "Seconds": 604800}, "Wait 1 week"),
    ({"Type": "Wait", "Seconds": 90}, "Wait 90 seconds"),
    ({"Type": "Wait", "Seconds": "{% $window %}"}, "Wait $window seconds"),
    ({"Type": "Wait", "TimestampPath": "$.when"}, "Wait until the time in when"),
    ({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"},
     "Put a message on an SQS queue and wait for a callback"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:Charge"}, "Run Lambda function Charge"),
    ({"Type": "Fail", "Error": "Boom"}, "Fail: Boom"),
])
def test_node_subtitles_in_plain_words(state, words):
    svg = graph.render_svg({"StartAt": "S", "States": {"S": {**state, **({} if state["Type"] == "Fail" else {"End": True})}}})
    assert words in [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("rule,words", [
    ({"Variable": "$.total", "NumericGreaterThanEquals": 100}, "if total is at least 100"),
    ({"Variable": "$.name", "StringEquals": "Bob"}, "if name is equal to 'Bob'"),
    ({"Variable": "$.a", "IsPresent": False}, "if a is not present"),
    ({"And": [{"Variable": "$.a", "BooleanEquals": True}, {"Not": {"Variable": "$.b", "StringMatches": "x*"}}]},
     "if a is true and not (b matches the pattern 'x*')"),
    ({"Variable": "$.a", "NumericLessThanPath": "$.limit"}, "if a is less than limit"),
])
def test_choice_edges_in_plain_words(rule, words):
    svg = graph.render_svg({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{**rule, "Next": "E"}], "Default": "E"},
                                                       "E": {"Type": "Succeed"}}})
    assert words in [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
