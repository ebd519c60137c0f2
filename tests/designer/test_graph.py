"""designer.graph: the SVG carries what pages rely on, and user text cannot inject markup."""
from __future__ import annotations

import json
import re
from collections import OrderedDict
import xml.etree.ElementTree as ET

import pytest

from designer import graph
from designer.graph import render
from designer.diagnostics import definition_problems

SVG = "{http://www.w3.org/2000/svg}"


def _nodes(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("data-state"): g for g in root.iter(f"{SVG}g") if g.get("data-state") is not None}


def _edges(svg: str) -> list[ET.Element]:
    return [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("data-kind") is not None]


def _words(element: ET.Element) -> str:
    """A node's or edge's text as read: its wrapped lines joined by spaces."""
    return " ".join(t.text or "" for t in element.iter(f"{SVG}text"))


def _texts(svg: str) -> list[str]:
    """Every node's, edge's and group's text, each as one string."""
    root = ET.fromstring(svg)
    return [_words(g) for g in root.iter(f"{SVG}g") if {"node", "edge", "cluster"} & set(g.get("class", "").split())]


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
    texts = _texts(svg)
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
    assert any(evil in text for text in _texts(svg))


def test_render_is_cached_by_definition_and_by_drawing(bank_definition, monkeypatch):
    monkeypatch.setattr(render, "_cache", OrderedDict())  # other tests drew this sample already
    calls = []
    real = render._run_dot
    monkeypatch.setattr(render, "_run_dot", lambda source, fmt: calls.append(fmt) or real(source, fmt))
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
     "Put a message on an SQS queue and wait for an answer"),
    ({"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:Charge"}, "Call the Lambda function Charge"),
    ({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:1:function:Ask:$LATEST", "Payload.$": "$"}},
     "Call the Lambda function Ask and wait for an answer"),
    ({"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken"},
     "Write an item to a DynamoDB table and wait for an answer"),
    ({"Type": "Task", "Resource": "arn:aws:states:::glue:startCrawler.sync"}, "Call Glue StartCrawler and wait until it finishes"),
    ({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2"}, "Call S3 ListObjectsV2"),
    ({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution.sync:2"},
     "Call Step Functions StartExecution and wait until it finishes"),
    ({"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
      "Parameters": {"Method": "post", "ApiEndpoint": "https://api.example.com/orders"}},
     "Call the HTTPS API POST api.example.com/orders"),
    ({"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:ManualStep"}, "Hand the work to a worker of the activity ManualStep and wait for its answer"),
    ({"Type": "Fail", "Error": "Boom"}, "Stop: the workflow fails (Boom)"),
    ({"Type": "Succeed"}, "The workflow succeeds"),
])
def test_node_subtitles_in_plain_words(state, words):
    svg = graph.render_svg({"StartAt": "S", "States": {"S": {**state, **({} if state["Type"] in ("Fail", "Succeed") else {"End": True})}}})
    assert any(text.endswith(words) for text in _texts(svg)), _texts(svg)


@pytest.mark.parametrize("rule,words", [
    ({"Variable": "$.total", "NumericGreaterThanEquals": 100}, "if total is at least 100"),
    ({"Variable": "$.name", "StringEquals": "Bob"}, "if name is equal to 'Bob'"),
    ({"Variable": "$.a", "IsPresent": False}, "if a is not present"),
    ({"And": [{"Variable": "$.a", "BooleanEquals": True}, {"Not": {"Variable": "$.b", "StringMatches": "x*"}}]},
     "if a is true and not (b matches the pattern 'x*')"),
    ({"Variable": "$.a", "NumericLessThanPath": "$.limit"}, "if a is less than the value of limit"),
    ({"Variable": "$.Department", "StringEqualsPath": "$.OU"}, "if Department is equal to the value of OU"),
])
def test_choice_edges_in_plain_words(rule, words):
    svg = graph.render_svg({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{**rule, "Next": "E"}], "Default": "E"},
                                                       "E": {"Type": "Succeed"}}})
    assert words in _texts(svg)


def test_every_edge_carries_its_key_and_a_stable_id(bank_definition):
    edges = _edges(graph.render_svg(bank_definition))
    keys = {(e.get("data-from"), e.get("data-kind"), e.get("data-index")): e for e in edges}
    assert {("", "start", "0"), ("Perform Automated Checks", "branch", "0"), ("Perform Automated Checks", "branch", "1"),
            ("Perform Automated Checks", "catch", "0"), ("Human Review Required?", "choice", "0"),
            ("Human Review Required?", "choice", "1"), ("Human Review Required?", "default", "0"),
            ("Verify Identity Documents", "end", "0"), ("Notify Applicant", "next", "0"), ("Done", "end", "0")} <= set(keys)
    rule = keys[("Human Review Required?", "choice", "1")]
    assert rule.get("data-to") == "Wait For Review"
    assert rule.get("id") == graph.edge_dom_id(graph.EdgeKey("Human Review Required?", "choice", 1))
    assert "edge-choice" in rule.get("class").split()
    # The tooltip has the whole rule and where it goes.
    assert rule.find(f"{SVG}title").text == "if checks[1].flagged is true → Wait For Review"
    assert len({e.get("id") for e in edges}) == len(edges)
    # Ids depend on the source's name and the edge's place, not on drawing order.
    bank_definition["States"] = {"Extra": {"Type": "Pass", "End": True}, **bank_definition["States"]}
    again = {e.get("id") for e in _edges(graph.render_svg(bank_definition))}
    assert {e.get("id") for e in edges} <= again


def test_a_fail_state_stops_the_flow_even_inside_a_branch(bank_definition):
    bank_definition["States"]["Perform Automated Checks"]["Branches"][1]["States"] = {
        "Check Address": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Address Bad"},
        "Address Bad": {"Type": "Fail", "Error": "BadAddress"}}
    svg = graph.render_svg(bank_definition)
    sources = [e.get("data-from") for e in _edges(svg)]
    assert "Address Bad" not in sources and "Checks Could Not Run" not in sources
    assert _words(_nodes(svg)["Address Bad"]).endswith("Stop: this branch fails, and with it the parallel step (BadAddress)")


def test_long_labels_wrap_and_are_never_cut():
    name = "Check that the applicant's identity documents are genuine and unexpired"
    rule = {"And": [{"Variable": f"$.application.field{i}", "StringEquals": f"value number {i}"} for i in range(4)],
            "Next": name}
    svg = graph.render_svg({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [rule], "Default": name}, name: {"Type": "Succeed"}}})
    node = _nodes(svg)[name]
    lines = [t.text for t in node.iter(f"{SVG}text")]
    assert len(lines) >= 3 and all(len(line) <= 34 for line in lines)
    assert _words(node).startswith(name)
    edge = next(e for e in _edges(svg) if e.get("data-kind") == "choice")
    assert "…" not in _words(edge) and _words(edge).endswith("application.field3 is equal to 'value number 3'")


def test_a_distributed_map_is_drawn_distinctly_with_its_item_source_in_words():
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Ship",
                 "States": {"Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}}
    definition = {"StartAt": "Orders", "States": {"Orders": {
        "Type": "Map", "ItemProcessor": processor, "MaxConcurrency": 1000, "End": True,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                       "Parameters": {"Bucket": "shop", "Key": "exports/orders.csv"}}}}}
    svg = graph.render_svg(definition)
    root = ET.fromstring(svg)
    node = _nodes(svg)["Orders"]
    assert "map-distributed" in node.get("class").split()
    assert len(list(node.iter(f"{SVG}path"))) + len(list(node.iter(f"{SVG}polygon"))) >= 2  # a double border
    group = next(g for g in root.iter(f"{SVG}g") if "group-map-distributed" in g.get("class", ""))
    assert group is not None
    cluster = next(g for g in root.iter(f"{SVG}g") if "item-processor" in g.get("class", ""))
    assert _words(cluster) == "for each row of orders.csv in S3, as separate runs, 1,000 at a time"
    inline = json.loads(json.dumps(definition))
    inline["States"]["Orders"]["ItemProcessor"]["ProcessorConfig"] = {"Mode": "INLINE"}
    del inline["States"]["Orders"]["ItemReader"]
    inline["States"]["Orders"].update(ItemsPath="$.orders", MaxConcurrency=5)
    svg = graph.render_svg(inline)
    assert "map-distributed" not in _nodes(svg)["Orders"].get("class").split()
    assert "for each item in orders, 5 at a time" in _texts(svg)


def test_layers_mark_states_and_edges_in_svg_and_png(bank_definition):
    coverage = graph.Layer("coverage", states={"Done": graph.Mark(fill="#bbf7d0", classes=("covered",))},
                           edges={graph.EdgeKey("Human Review Required?", "default"):
                                  graph.Mark(colour="#dc2626", dashed=True, classes=("uncovered",), note="never taken")})
    diff = graph.Layer("diff", states={"Done": graph.Mark(colour="#16a34a", width=3, note="added"),
                                        "Reject Application": graph.Mark(faded=True)})
    plain = graph.render_svg(bank_definition)
    svg = graph.render_svg(bank_definition, layers=[coverage, diff])
    assert svg != plain and graph.render_svg(bank_definition) == plain
    nodes = _nodes(svg)
    done = nodes["Done"]
    assert {"layer-coverage", "covered", "layer-diff"} <= set(done.get("class").split())
    shape = next(iter(done.iter(f"{SVG}polygon")))
    assert shape.get("fill") == "#bbf7d0" and shape.get("stroke") == "#16a34a" and shape.get("stroke-width") == "3"
    assert _words(done).endswith("added")
    assert "layer-diff" in nodes["Reject Application"].get("class").split()
    default = next(e for e in _edges(svg) if e.get("data-from") == "Human Review Required?" and e.get("data-kind") == "default")
    assert {"layer-coverage", "uncovered"} <= set(default.get("class").split())
    assert next(iter(default.iter(f"{SVG}path"))).get("stroke") == "#dc2626"
    assert _words(default) == "otherwise never taken"
    assert graph.render_png(bank_definition, layers=[coverage])[:4] == b"\x89PNG"
    # A different layer is a different picture, never a stale cached one.
    other = graph.Layer("coverage", states={"Done": graph.Mark(fill="#fecaca")})
    assert 'fill="#fecaca"' in graph.render_svg(bank_definition, layers=[other])


@pytest.mark.parametrize("bad", [lambda: graph.Mark(fill="red; stroke: url(x)"), lambda: graph.Mark(classes=("Bad Class",)),
                                 lambda: graph.Mark(classes="covered"), lambda: graph.Layer("No Spaces"),
                                 lambda: graph.Layer("ok", edges={("A", "next", 0): graph.Mark()})])
def test_layers_refuse_what_could_break_the_drawing(bad):
    with pytest.raises(AssertionError):
        bad()


def test_jsonata_conditions_in_words_or_whole_as_code_and_the_glossary_on_choice_labels():
    long_code = "{% $count($states.input.items[price > 100 and category in ['tools', 'garden']]) > $states.input.limit %}"
    definition = {"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
        {"Condition": "{% $states.input.total > 100 %}", "Next": "E"}, {"Condition": long_code, "Next": "E"}],
        "Default": "E"}, "E": {"Type": "Succeed"}}}
    svg = graph.render_svg(definition, glossary={"$.total": "the order total"})
    edges = {e.get("data-index"): e for e in _edges(svg) if e.get("data-kind") == "choice"}
    assert _words(edges["0"]) == "if the order total is greater than 100"
    code = edges["1"]
    assert _words(code).replace(" ", "") == ("if" + long_code[2:-2]).replace(" ", "")  # whole, only wrapped
    assert all(t.get("font-family") == "monospace" for t in code.iter(f"{SVG}text"))
    assert code.find(f"{SVG}title").text == f"if {long_code[2:-2].strip()} → E"
    # Without the glossary the path is said as written; the cache keeps the two apart.
    assert "if total is greater than 100" in _texts(graph.render_svg(definition))


def test_coverage_ids_name_the_same_edges():
    for key in [graph.EdgeKey("A", "next"), graph.EdgeKey("A: b", "choice", 2), graph.EdgeKey("A", "default"),
                graph.EdgeKey("A", "catch", 1)]:
        assert graph.EdgeKey.parse(key.coverage_id) == key
        assert graph.edge_dom_id(key.coverage_id) == graph.edge_dom_id(key)
    assert graph.EdgeKey("A", "choice", 0).coverage_id == "choice.0:A"
