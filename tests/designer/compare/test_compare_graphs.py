"""The drawings of a comparison: removed steps and rules drawn back, and every mark keyed as the
graph keys its states and arrows."""
from __future__ import annotations

import copy

from designer.compare import graphs
from designer.graph import EdgeKey
from interpreter.compare import diff


def chain(**states):
    return {"StartAt": next(iter(states)), "States": states}


def test_removed_steps_and_choice_rules_are_drawn_back_and_marked():
    old = chain(Check={"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "Gone"},
                                                     {"Variable": "$.b", "IsPresent": True, "Next": "Stay"}],
                       "Default": "Stay"},
                Gone={"Type": "Pass", "Next": "Stay"}, Stay={"Type": "Succeed"})
    new = chain(Check={"Type": "Choice", "Choices": [{"Variable": "$.b", "IsPresent": True, "Next": "Stay"}],
                       "Default": "New"},
                New={"Type": "Wait", "Seconds": 1, "Next": "Stay"}, Stay={"Type": "Succeed"})
    d = diff(old, new)
    union = graphs.union_definition(old, new, d)
    states = union.definition["States"]
    assert list(states) == ["Check", "New", "Stay", "Gone"] and states["Gone"] == old["States"]["Gone"]
    assert states["Check"]["Choices"][1] == {"Variable": "$.a", "IsPresent": True, "Next": "Gone"}
    assert union.ghost_edges == [EdgeKey("Check", "choice", 1)]
    assert new["States"]["Check"]["Choices"] == [{"Variable": "$.b", "IsPresent": True, "Next": "Stay"}]  # untouched
    layers = graphs.layers(d, old, new, union)
    u = layers["union"]
    assert u.states["Gone"].classes == ("diff-removed",) and u.states["New"].classes == ("diff-added",)
    assert u.states["Check"].classes == ("diff-changed",)
    assert u.edges[EdgeKey("Check", "choice", 1)].classes == ("diff-removed",)
    assert u.edges[EdgeKey("Check", "default")].classes == ("diff-added",)
    assert u.edges[EdgeKey("New", "next")].classes == ("diff-added",)
    assert u.edges[EdgeKey("Gone", "next")].classes == ("diff-removed",)
    o = layers["old"]
    assert set(o.states) == {"Gone", "Check"} and o.edges[EdgeKey("Check", "choice", 0)].classes == ("diff-removed",)
    n = layers["new"]
    assert set(n.states) == {"New", "Check"} and EdgeKey("Check", "choice", 0) not in n.edges


def test_renames_get_a_note_and_old_names_on_the_old_drawing():
    old = chain(A={"Type": "Pass", "Next": "B"}, B={"Type": "Succeed"})
    new = chain(A={"Type": "Pass", "Next": "Bee"}, Bee={"Type": "Succeed"})
    d = diff(old, new)
    layers = graphs.layers(d, old, new, graphs.union_definition(old, new, d))
    assert layers["union"].states["Bee"].note == "renamed from B"
    assert layers["old"].states["B"].note == "renamed to Bee"
    assert layers["union"].edges == {}


def test_a_removed_branch_is_drawn_back_and_start_edges_are_keyed_by_their_container():
    branch = {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}
    old = chain(P={"Type": "Parallel", "End": True, "Branches": [branch, {"StartAt": "Y", "States": {"Y": {"Type": "Succeed"}}}]})
    new = copy.deepcopy(old)
    del new["States"]["P"]["Branches"][1]
    new["States"]["P"]["Branches"][0] = {"StartAt": "Z", "States": {"Z": {"Type": "Pass", "Next": "X"}, "X": {"Type": "Succeed"}}}
    d = diff(old, new)
    union = graphs.union_definition(old, new, d)
    assert len(union.definition["States"]["P"]["Branches"]) == 2
    layer = graphs.layers(d, old, new, union)["new"]
    assert layer.edges[EdgeKey("P", "branch", 0)].classes == ("diff-added",)
    assert layer.states["Z"].classes == ("diff-added",)


def test_a_removed_next_or_default_between_steps_still_there_is_drawn_beside_the_new_one():
    from designer import graph

    old = chain(A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "C"}, C={"Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "B"}], "Default": "D"},
                D={"Type": "Succeed"})
    new = copy.deepcopy(old)
    new["States"]["A"]["Next"] = "C"          # B is skipped now, but still there (the Choice goes back to it)
    new["States"]["C"]["Default"] = "B"
    d = diff(old, new)
    union = graphs.union_definition(old, new, d)
    assert union.definition == new            # nothing can be written back into the definition
    u = graphs.layers(d, old, new, union)["union"]
    assert u.extra_edges == {EdgeKey("A", "next", 1): "B", EdgeKey("C", "default", 1): "D"}
    assert u.edges[EdgeKey("A", "next", 1)].classes == ("diff-removed",)
    assert u.edges[EdgeKey("A", "next")].classes == ("diff-added",)
    svg = graph.render_svg(union.definition, layers=[u])
    for key, title in ((EdgeKey("A", "next", 1), "before: A → B"), (EdgeKey("C", "default", 1), "before: C → D")):
        start = svg.index(f'id="{graph.edge_dom_id(key)}"')
        element = svg[svg.rindex("<g", 0, start):svg.index("</g>", start)]
        assert "diff-removed" in element and title in element and ">before<" in element
    # Each version alone draws only its own arrows.
    alone = graph.render_svg(new)
    assert graph.edge_dom_id(EdgeKey("A", "next", 1)) not in alone and graph.edge_dom_id(EdgeKey("A", "next")) in alone


def test_the_light_layout_of_a_big_workflow_draws_the_former_next_too():
    from designer import graph
    from designer.graph.light import LIGHT_FROM

    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(LIGHT_FROM)}
    states[f"S{LIGHT_FROM}"] = {"Type": "Succeed"}
    old = {"StartAt": "S0", "States": states}
    new = copy.deepcopy(old)
    new["States"]["S0"]["Next"] = "S2"
    d = diff(old, new)
    union = graphs.union_definition(old, new, d)
    u = graphs.layers(d, old, new, union)["union"]
    assert u.extra_edges == {EdgeKey("S0", "next", 1): "S1"}
    svg = graph.render_svg(union.definition, layers=[u])
    start = svg.index(f'id="{graph.edge_dom_id(EdgeKey("S0", "next", 1))}"')
    assert "diff-removed" in svg[svg.rindex("<g", 0, start):start + 400]
