"""The dot source of a workflow graph: one node per state, one edge per transition.

Every state's node has ``id="state-<slug>-<hash>"`` and the classes ``state state-type-<type>``
(plus ``has-retry``, ``has-problem``, ``has-warning``, ``map-distributed``); every edge has
``id="edge-…"`` and the classes ``edge-<kind>``, and carries its :class:`~.layers.EdgeKey` as
``data-from``, ``data-kind`` and ``data-index`` (added to the SVG by :mod:`.render`). These ids
and classes are what pages, comment badges, coverage and diffs hold on to: keep them stable.

All text comes from users and goes into Graphviz's HTML-like labels escaped; ids and node names
in the dot source are generated, never user text.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

import graphviz

from interpreter import wording as words
from interpreter.wording import steps as step_words
from .layers import EdgeKey, Layer, Stack
from .text import lines_html, wrap

STYLE = {
    # type: (shape, fill, border)
    "Task": ("box", "#dbeafe", "#1d4ed8"),
    "Choice": ("box", "#fef3c7", "#b45309"),
    "Wait": ("box", "#ede9fe", "#6d28d9"),
    "Parallel": ("box", "#cffafe", "#0e7490"),
    "Map": ("box", "#d1fae5", "#047857"),
    "Pass": ("box", "#f3f4f6", "#4b5563"),
    "Succeed": ("box", "#dcfce7", "#15803d"),
    "Fail": ("octagon", "#fee2e2", "#b91c1c"),
}
DISTRIBUTED_STYLE = ("box", "#e0e7ff", "#4338ca")
UNKNOWN_STYLE = ("box", "#ffffff", "#6b7280")
PROBLEM_COLOUR = "#dc2626"
WARNING_COLOUR = "#d97706"
CATCH_COLOUR = "#b91c1c"
FADED_COLOUR = "#9ca3af"
FONT = "Helvetica,Arial,sans-serif"
# Every label is at least SMALL points: the editor opens at a scale where that is at least 12 px.
NAME_PT, SMALL_PT = 14, 12
NAME_WIDTH, WORDS_WIDTH, EDGE_WIDTH = 26, 34, 30


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "state"
    return f"{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"


def state_dom_id(name: str) -> str:
    """The SVG id of a state's node: readable, and unique because of the name's hash."""
    return f"state-{_slug(name)}"


def edge_dom_id(key: EdgeKey | str) -> str:
    """The SVG id of an edge: stable as long as its source state keeps its name. ``key`` is an
    :class:`EdgeKey` or a coverage id such as ``choice.0:A``."""
    if isinstance(key, str):
        key = EdgeKey.parse(key)
    if key.source == "" and key.kind == "start":
        return "edge-start"
    return f"edge-{_slug(key.source)}-{key.kind}-{key.index}"


def type_class(state_type: Any) -> str:
    return "state-type-" + (re.sub(r"[^a-z0-9]+", "-", state_type.lower()) if isinstance(state_type, str) else "unknown")


class Builder:
    def __init__(self, problems: list[dict], layers: tuple[Layer, ...] = (), glossary: dict[str, str] | None = None):
        self.graph = graphviz.Digraph(
            "workflow",
            graph_attr={"rankdir": "TB", "nodesep": "0.3", "ranksep": "0.22", "fontname": FONT,
                        "bgcolor": "transparent", "fontsize": str(SMALL_PT), "id": "workflow-graph"},
            node_attr={"fontname": FONT, "fontsize": str(NAME_PT), "style": "filled,rounded", "penwidth": "1.3",
                       "margin": "0.1,0.04"},
            edge_attr={"fontname": FONT, "fontsize": str(SMALL_PT), "color": "#4b5563", "arrowsize": "0.7"},
        )
        self.stack = Stack(layers)
        self.glossary = glossary or {}
        self.counter = 0
        self.names: dict[str, str] = {}           # dot node id -> state name
        self.edges: dict[str, dict] = {}          # edge dom id -> what the SVG tells about it
        self.dom_ids: set[str] = set()
        self.joins: dict[str, str] = {}           # Parallel/Map node -> its join point
        self.problems_by_state: dict[str, list[dict]] = {}
        for p in problems:
            state = p.get("state") or _state_from_pointer(p.get("pointer"))
            if state:
                self.problems_by_state.setdefault(state, []).append(p)

    def new_id(self, prefix: str = "n") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- edges: every one goes through here, so each has its key, id, layers and tooltip --

    def edge(self, tail: str, head: str, key: EdgeKey, *, to: str = "", label: list[str] | None = None,
             code: bool = False, tooltip: str = "", **attrs: str) -> None:
        dom_id = edge_dom_id(key)
        while dom_id in self.edges:  # duplicate state names only, which the validator reports
            dom_id += "-x"
        merged, classes, notes = self.stack.for_edge(key)
        lines = list(label or [])
        for note in notes:
            lines += wrap(note, EDGE_WIDTH)
        if lines:
            text = lines_html(lines)
            attrs["label"] = f'<<FONT FACE="monospace">{text}</FONT>>' if code else f"<{text}>"
        if "colour" in merged:
            attrs["color"] = attrs["fontcolor"] = merged["colour"]
        if "width" in merged:
            attrs["penwidth"] = str(merged["width"])
        if "dashed" in merged:
            attrs["style"] = "dashed" if merged["dashed"] else "solid"
        if merged.get("faded"):
            attrs.update(color=FADED_COLOUR, fontcolor=FADED_COLOUR, style="dashed")
        attrs["class"] = " ".join([f"edge-{key.kind}", *attrs.pop("class", "").split(), *classes])
        self.graph.edge(tail, head, id=dom_id, **attrs)
        self.edges[dom_id] = {"from": key.source, "to": to, "kind": key.kind, "index": key.index,
                              "title": tooltip or (f"{key.source} → {to}" if to else key.source)}

    # -- machines (top level, branches, item processors) --

    def machine(self, g: graphviz.Digraph, machine: Any, *, entry: str, exit_: str, entry_key: EdgeKey,
                scope: str) -> None:
        """Draw one States container. ``scope`` says what a Fail inside it stops: "workflow",
        "branch" or "item"."""
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            return
        ids: dict[str, str] = {}
        for name, state in states.items():
            ids[name] = self.state_node(g, name, state, scope)
        start = machine.get("StartAt")
        if isinstance(start, str) and start in ids:
            self.edge(entry, ids[start], entry_key, to=start)
        elif isinstance(start, str):
            self.edge(entry, self.missing(g, start), entry_key, to=start, color=PROBLEM_COLOUR, style="dashed",
                      **{"class": "edge-missing"})
        for name, state in states.items():
            if isinstance(state, dict):
                self.state_edges(g, name, state, ids, exit_)

    def state_node(self, g: graphviz.Digraph, name: str, state: Any, scope: str) -> str:
        node_id = self.new_id()
        self.names[node_id] = name
        state_type = state.get("Type") if isinstance(state, dict) else None
        if not isinstance(state_type, str):
            state_type = None if state_type is None else repr(state_type)
        state = state if isinstance(state, dict) else {}
        distributed = state_type == "Map" and step_words.is_distributed(state)
        shape, fill, border = DISTRIBUTED_STYLE if distributed else STYLE.get(state_type, UNKNOWN_STYLE)
        rows = [f"<B>{lines_html(wrap(name, NAME_WIDTH, 6))}</B>",
                _small(_subtitle(state_type, state, scope), "#374151")]
        classes = ["state", type_class(state_type)]
        attrs = {"shape": shape, "fillcolor": fill, "color": border}
        if shape == "octagon":
            attrs["margin"] = "0.02,0"  # the stop sign's own corners give room enough
        if distributed:
            # Stacked cards: the steps inside run as many separate runs.
            classes.append("map-distributed")
            attrs["peripheries"] = "2"
        retries = state.get("Retry")
        if isinstance(retries, list) and retries:
            classes.append("has-retry")
            rows.append(_small("\u21bb " + _retry_words(retries), "#1e3a8a"))
        if shape == "box" and state_type in ("Pass", "Succeed", "Fail", None):
            attrs["style"] = "filled"
        problems = self.problems_by_state.get(name, [])
        errors = sum(1 for p in problems if p.get("severity", "error") == "error")
        warnings = len(problems) - errors
        if errors:
            classes.append("has-problem")
            rows.append(_small(f"\u26a0 {errors} problem{'s' if errors != 1 else ''}", PROBLEM_COLOUR, bold=True))
            attrs.update(color=PROBLEM_COLOUR, penwidth="3")
        elif warnings:
            # AWS would accept it, but it is probably a mistake: amber, not red.
            classes.append("has-warning")
            rows.append(_small(f"\u26a0 {warnings} warning{'s' if warnings != 1 else ''}", WARNING_COLOUR, bold=True))
            attrs.update(color=WARNING_COLOUR, penwidth="2.5")
        merged, layer_classes, notes = self.stack.for_state(name)
        rows += [_small(note, "#111827") for note in notes]
        classes += layer_classes
        if "fill" in merged:
            attrs["fillcolor"] = merged["fill"]
        if "colour" in merged:
            attrs["color"] = merged["colour"]
        if "width" in merged:
            attrs["penwidth"] = str(merged["width"])
        if merged.get("dashed"):
            attrs["style"] = attrs.get("style", "filled,rounded") + ",dashed"
        if merged.get("faded"):
            attrs.update(color=FADED_COLOUR, fontcolor=FADED_COLOUR, fillcolor="#f9fafb",
                         style=attrs.get("style", "filled,rounded") + ",dashed")
        dom_id = state_dom_id(name)
        while dom_id in self.dom_ids:  # only for duplicate names, which the validator reports
            dom_id += "-x"
        self.dom_ids.add(dom_id)
        attrs["id"] = dom_id
        attrs["class"] = " ".join(classes)
        label = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                 + "".join(f"<TR><TD>{row}</TD></TR>" for row in rows) + "</TABLE>>")

        if state_type in ("Parallel", "Map"):
            self.group(g, node_id, name, state, state_type, label, attrs, dom_id, fill, border, distributed)
        else:
            g.node(node_id, label=label, **attrs)
        return node_id

    def group(self, g, node_id, name, state, state_type, label, attrs, dom_id, fill, border, distributed) -> None:
        """A Parallel or Map heads a cluster holding its branches (or item processor) and a join point."""
        cluster_id = self.new_id("cluster_")
        suffix = dom_id[len("state-"):]
        with g.subgraph(name=cluster_id) as c:
            kind = "map-distributed" if distributed else state_type.lower()
            c.attr(style="rounded,dashed" if not distributed else "rounded,bold", color=border, bgcolor=fill + "55",
                   label="", id=f"group-{suffix}", **{"class": f"group group-{state_type.lower()} group-{kind}"})
            c.node(node_id, label=label, **attrs)
            join = self.new_id("j")
            c.node(join, label="", shape="point", width="0.12", color=border, **{"class": "join"})
            self.joins[node_id] = join
            inner_style = {"style": "rounded", "color": "#94a3b8", "bgcolor": "#ffffff", "fontsize": str(SMALL_PT),
                           "fontcolor": "#334155", "labeljust": "l"}
            if state_type == "Parallel":
                branches = state.get("Branches") if isinstance(state.get("Branches"), list) else []
                for i, branch in enumerate(branches):
                    with c.subgraph(name=self.new_id("cluster_")) as b:
                        b.attr(label=f"<branch {i + 1}>", id=f"branch-{i + 1}-{suffix}", **inner_style,
                               **{"class": "branch"})
                        self.machine(b, branch, entry=node_id, exit_=join, entry_key=EdgeKey(name, "branch", i),
                                     scope="branch")
            else:
                processor = state.get("ItemProcessor", state.get("Iterator"))
                source = step_words.map_source_words(state)
                with c.subgraph(name=self.new_id("cluster_")) as b:
                    b.attr(label=f"<{lines_html(wrap(source, 44, 4))}>", id=f"items-{suffix}", **inner_style,
                           **{"class": "item-processor"})
                    self.machine(b, processor, entry=node_id, exit_=join, entry_key=EdgeKey(name, "items"),
                                 scope="item")

    def state_edges(self, g: graphviz.Digraph, name: str, state: dict, ids: dict[str, str], exit_: str) -> None:
        source = ids[name]
        # Parallel and Map move on from their join point, once every branch or item is done.
        after = self.joins.get(source, source)
        state_type = state.get("Type")

        def target(to: Any) -> str:
            if isinstance(to, str) and to in ids:
                return ids[to]
            return self.missing(g, to)

        def broken(to: Any) -> dict:
            return {} if isinstance(to, str) and to in ids else {"color": PROBLEM_COLOUR, "style": "dashed"}

        if state_type == "Choice":
            rules = state.get("Choices") if isinstance(state.get("Choices"), list) else []
            for i, rule in enumerate(rules):
                if isinstance(rule, dict) and "Next" in rule:
                    to = rule["Next"]
                    said, code = words.rule_phrase(rule, self.glossary)
                    text = f"if {said}"
                    label = ["if"] + wrap(said, EDGE_WIDTH) if code else wrap(text, EDGE_WIDTH)
                    self.edge(source, target(to), EdgeKey(name, "choice", i), to=str(to), label=label, code=code,
                              tooltip=f"{text} → {to}", **broken(to))
            if "Default" in state:
                to = state["Default"]
                self.edge(source, target(to), EdgeKey(name, "default"), to=str(to), label=["otherwise"],
                          tooltip=f"otherwise → {to}", **{"style": "solid", **broken(to)})
        elif state_type == "Fail":
            pass  # a stop sign: nothing follows a Fail, not even inside a branch
        elif "Next" in state:
            to = state["Next"]
            self.edge(after, target(to), EdgeKey(name, "next"), to=str(to), **broken(to))
        elif state.get("End") is True or state_type == "Succeed":
            self.edge(after, exit_, EdgeKey(name, "end"))
        catchers = state.get("Catch") if isinstance(state.get("Catch"), list) else []
        for i, catcher in enumerate(catchers):
            if isinstance(catcher, dict) and "Next" in catcher:
                to = catcher["Next"]
                text = "on " + words.errors_words(catcher.get("ErrorEquals"))
                self.edge(source, target(to), EdgeKey(name, "catch", i), to=str(to), label=wrap(text, EDGE_WIDTH),
                          tooltip=f"{text} → {to}", **{"style": "dashed", "color": CATCH_COLOUR,
                                                       "fontcolor": CATCH_COLOUR, **broken(to)})
        for key, to in self.stack.extra_edges(name):
            self.edge(after if key.kind == "next" else source, target(to), key, to=to, label=["before"],
                      tooltip=f"before: {name} → {to}", **broken(to))

    def missing(self, g: graphviz.Digraph, to: Any) -> str:
        node_id = self.new_id("m")
        g.node(node_id, label=f"<missing: {lines_html(wrap(to, NAME_WIDTH, 4))}>", shape="box", style="dashed",
               color=PROBLEM_COLOUR, fontcolor=PROBLEM_COLOUR, fontsize=str(SMALL_PT), **{"class": "missing-target"})
        return node_id


def _small(text: str, colour: str, *, bold: bool = False) -> str:
    body = lines_html(wrap(text, WORDS_WIDTH, 6))
    body = f"<B>{body}</B>" if bold else body
    return f'<FONT POINT-SIZE="{SMALL_PT}" COLOR="{colour}">{body}</FONT>'


def _subtitle(state_type: Any, state: dict, scope: str) -> str:
    if state_type == "Task":
        return words.task_words(state.get("Resource"), state)
    if state_type == "Wait":
        return words.wait_words(state)
    if state_type == "Fail":
        return step_words.fail_words(state, scope)
    if state_type == "Succeed":
        return step_words.succeed_words(scope)
    if state_type == "Map":
        return step_words.map_words(state)
    if state_type == "Choice":
        return "\u25c6 " + words.STATE_TYPES["Choice"][0]  # a decision's diamond, without its height
    if state_type in words.STATE_TYPES:
        return words.STATE_TYPES[state_type][0]
    return f"Unknown type {state_type!r}" if state_type is not None else "No type"


def _retry_words(retries: list) -> str:
    if len(retries) == 1 and isinstance(retries[0], dict):
        attempts = retries[0].get("MaxAttempts", 3)
        return f"retries up to {attempts}×"
    return f"{len(retries)} retry rules"


def _state_from_pointer(pointer: Any) -> str | None:
    if not isinstance(pointer, str):
        return None
    parts = pointer.split("/")[1:]
    name = None
    for i, part in enumerate(parts[:-1]):
        if part == "States":
            name = parts[i + 1].replace("~1", "/").replace("~0", "~")
    return name


def graph_source(definition: Any, problems: list[dict] | None = None, layers: tuple[Layer, ...] = (),
                 glossary: dict[str, str] | None = None) -> tuple[str, dict[str, str], dict[str, dict]]:
    """The dot source, a map from dot node ids to state names, and the edges by their SVG id.
    ``glossary`` gives the workflow's plain names of data fields (path -> name) for Choice labels."""
    b = Builder(problems or [], tuple(layers), glossary)
    g = b.graph
    g.node("start", label="Start", shape="circle", style="filled", fillcolor="#111827", fontcolor="white",
           fontsize=str(SMALL_PT), width="0.5", fixedsize="true", id="graph-start", **{"class": "marker marker-start"})
    g.node("end", label="End", shape="doublecircle", style="filled", fillcolor="#111827", fontcolor="white",
           fontsize=str(SMALL_PT), width="0.45", fixedsize="true", id="graph-end", **{"class": "marker marker-end"})
    if isinstance(definition, dict):
        b.machine(g, definition, entry="start", exit_="end", entry_key=EdgeKey("", "start"), scope="workflow")
    return g.source, b.names, b.edges
