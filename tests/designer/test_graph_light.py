"""The lighter layout of big workflows: the same conventions as Graphviz's drawing, in linear time."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from designer import graph
from designer.graph.light import LIGHT_FROM, count_states

SVG = "{http://www.w3.org/2000/svg}"


def chain(n: int, *, loop: bool = False) -> dict:
    states = {}
    for i in range(n):
        name = f"S{i}"
        nxt = f"S{i + 1}" if i + 1 < n else None
        if i == 10:
            states[name] = {"Type": "Choice", "Choices": [{"Variable": "$.total", "NumericGreaterThan": 100, "Next": nxt},
                                                          {"Variable": "$.retry", "BooleanEquals": True, "Next": "S3" if loop else nxt}],
                            "Default": nxt}
        elif i == 20:
            states[name] = {"Type": "Parallel", "Next": nxt, "Branches": [
                {"StartAt": f"B{b}", "States": {f"B{b}": {"Type": "Pass", "Next": f"B{b}x"}, f"B{b}x": {"Type": "Pass", "End": True}}}
                for b in range(3)]}
        elif i == 30:
            states[name] = {"Type": "Fail", "Error": "Boom"}
        else:
            states[name] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", **({"Next": nxt} if nxt else {"End": True}),
                            **({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S30"}]} if i == 25 else {})}
    states["S29"]["Next"] = "S31"
    return {"StartAt": "S0", "States": states}


@pytest.fixture
def big():
    definition = chain(LIGHT_FROM + 50, loop=True)
    assert count_states(definition) >= LIGHT_FROM
    return definition


def _nodes(root):
    return {g.get("data-state"): g for g in root.iter(f"{SVG}g") if g.get("data-state") is not None}


def _box(g):
    shape = next(iter(g.iter(f"{SVG}path")), None)
    shape = shape if shape is not None else next(iter(g.iter(f"{SVG}polygon")))
    texts = list(g.iter(f"{SVG}text"))
    ys = [float(t.get("y")) for t in texts]
    return float(texts[0].get("x")), min(ys), max(ys), shape


def test_big_workflows_get_the_light_layout_with_the_same_ids_and_classes(big):
    svg = graph.render_svg(big)
    root = ET.fromstring(svg)
    assert root.get("data-layout") == "light" and root.get("data-min-label") == "12"
    nodes = _nodes(root)
    assert set(nodes) == set(big["States"])  # the top level; a Parallel's inside is collapsed into it
    assert nodes["S5"].get("id") == graph.state_dom_id("S5")
    assert {"node", "state", "state-type-task"} <= set(nodes["S5"].get("class").split())
    assert "state-type-choice" in nodes["S10"].get("class")
    texts = " ".join(t.text or "" for t in nodes["S20"].iter(f"{SVG}text"))
    assert "3 branches, 6 steps inside" in texts
    assert {"graph-start", "graph-end"} <= {g.get("id") for g in root.iter(f"{SVG}g")}
    edges = {(g.get("data-from"), g.get("data-kind"), g.get("data-index")): g for g in root.iter(f"{SVG}g")
             if g.get("data-kind")}
    assert {("", "start", "0"), ("S10", "choice", "0"), ("S10", "choice", "1"), ("S10", "default", "0"),
            ("S25", "catch", "0"), ("S5", "next", "0")} <= set(edges)
    assert edges[("S10", "choice", "0")].get("id") == graph.edge_dom_id(graph.EdgeKey("S10", "choice", 0))
    assert "if total is greater than 100" in " ".join(t.text for t in edges[("S10", "choice", "0")].iter(f"{SVG}text"))
    assert not any(k[0] == "S30" for k in edges)  # a Fail stops
    # Every font is at least 12.
    assert min(float(t.get("font-size")) for t in root.iter(f"{SVG}text")) >= 12


def test_no_two_steps_overlap_and_the_flow_reads_downwards_then_across(big):
    root = ET.fromstring(graph.render_svg(big))
    nodes = _nodes(root)
    boxes = {}
    for name, g in nodes.items():
        x, top, bottom, _ = _box(g)
        boxes[name] = (x, top, bottom)
    seen = {}
    for name, (x, top, _) in boxes.items():
        key = (round(x), round(top))
        assert key not in seen, (name, seen.get(key))
        seen[key] = name
    # Along the chain each step is below the one before it, or starts a new column to the right.
    for a, b in [(f"S{i - 1}", f"S{i}") for i in range(1, 60) if i not in (30, 31)] + [("S29", "S31"), ("S25", "S30")]:
        (x0, y0, _), (x1, y1, _) = boxes[a], boxes[b]
        assert y1 > y0 or x1 > x0, (a, b, boxes[a], boxes[b])
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert 0.5 < width / height < 4  # about a screen's shape, not a sliver


def test_layers_and_problems_show_in_the_light_layout(big):
    layer = graph.Layer("coverage", states={"S5": graph.Mark(fill="#bbf7d0", classes=("covered",), note="3 runs")},
                        edges={graph.EdgeKey("S10", "default"): graph.Mark(colour="#dc2626", dashed=True)})
    problems = [{"severity": "error", "state": "S7", "pointer": "/States/S7", "message": "x", "code": "X"}]
    root = ET.fromstring(graph.render_svg(big, problems, layers=[layer]))
    nodes = _nodes(root)
    assert {"layer-coverage", "covered"} <= set(nodes["S5"].get("class").split())
    assert next(iter(nodes["S5"].iter(f"{SVG}path"))).get("fill") == "#bbf7d0"
    assert "3 runs" in " ".join(t.text for t in nodes["S5"].iter(f"{SVG}text"))
    assert "has-problem" in nodes["S7"].get("class").split()
    default = next(g for g in root.iter(f"{SVG}g") if g.get("data-from") == "S10" and g.get("data-kind") == "default")
    path = next(iter(default.iter(f"{SVG}path")))
    assert path.get("stroke") == "#dc2626" and path.get("stroke-dasharray")


def test_a_big_workflow_is_no_png_but_says_so(big, client_for, users, django_db_blocker):
    with pytest.raises(graph.RenderError) as info:
        graph.render_png(big)
    assert "Download the SVG" in str(info.value)


@pytest.mark.django_db
def test_the_png_export_answers_422_in_words(big, client_for, users):
    from designer import services

    wf = services.workflow_create(owner=users["owner"], name="Big", definition=big)
    response = client_for("owner").get(f"/api/workflows/{wf.pk}/versions/1/export/png/")
    assert response.status_code == 422
    assert "too many for a picture" in response.json()["detail"]
    assert client_for("owner").get(f"/api/workflows/{wf.pk}/versions/1/export/svg/").status_code == 200
