"""Workflow graphs: an ASL definition drawn by Graphviz as SVG (or PNG).

Every state becomes a node whose SVG ``<g>`` has ``id="state-<slug>"``, the classes
``state state-type-<type>`` (plus ``has-retry``, ``has-problem`` for errors, ``has-warning``) and ``data-state`` with the exact
name, so pages can find a state's node and toggle classes on it (selection, live runs).
All text comes from users and goes into Graphviz's HTML-like labels escaped; ids and node names
in the dot source are generated, never user text.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import threading
from collections import OrderedDict
from typing import Any

import graphviz

from interpreter import wording as words

DOT_TIMEOUT_SECONDS = 60
_RENDER_REVISION = "4"  # bump when the drawing changes, so cached renders are not reused

STYLE = {
    # type: (shape, fill, border)
    "Task": ("box", "#dbeafe", "#1d4ed8"),
    "Choice": ("diamond", "#fef3c7", "#b45309"),
    "Wait": ("box", "#ede9fe", "#6d28d9"),
    "Parallel": ("box", "#cffafe", "#0e7490"),
    "Map": ("box", "#d1fae5", "#047857"),
    "Pass": ("box", "#f3f4f6", "#4b5563"),
    "Succeed": ("box", "#dcfce7", "#15803d"),
    "Fail": ("octagon", "#fee2e2", "#b91c1c"),
}
UNKNOWN_STYLE = ("box", "#ffffff", "#6b7280")
PROBLEM_COLOUR = "#dc2626"
WARNING_COLOUR = "#d97706"
FONT = "Helvetica,Arial,sans-serif"


def state_dom_id(name: str) -> str:
    """The SVG id of a state's node: readable, and unique because of the name's hash."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "state"
    return f"state-{slug}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"


def edge_dom_id(edge: str) -> str:
    """The SVG id of an edge, from its coverage id (``next:A``, ``choice.0:A``, ``default:A``,
    ``catch.1:A``; see ``interpreter.testing.coverage``), so pages can style it."""
    return "edge-" + hashlib.sha1(edge.encode("utf-8")).hexdigest()[:12]


def type_class(state_type: Any) -> str:
    return "state-type-" + (re.sub(r"[^a-z0-9]+", "-", state_type.lower()) if isinstance(state_type, str) else "unknown")


def definition_hash(definition: Any, problems: list[dict] | None = None) -> str:
    text = json.dumps([_RENDER_REVISION, definition, problems or []], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters, not even as references: show U+FFFD instead."""
    return _NOT_XML.sub("\ufffd", text)


def _esc(text: Any, limit: int = 80) -> str:
    text = _xml_text(str(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


class _Builder:
    def __init__(self, problems: list[dict]):
        self.graph = graphviz.Digraph(
            "workflow",
            graph_attr={"rankdir": "TB", "nodesep": "0.35", "ranksep": "0.45", "fontname": FONT,
                        "bgcolor": "transparent", "fontsize": "11", "id": "workflow-graph"},
            node_attr={"fontname": FONT, "fontsize": "12", "style": "filled,rounded", "penwidth": "1.3",
                       "margin": "0.14,0.06"},
            edge_attr={"fontname": FONT, "fontsize": "10", "color": "#4b5563", "arrowsize": "0.7"},
        )
        self.counter = 0
        self.names: dict[str, str] = {}  # dot node id -> state name
        self.dom_ids: set[str] = set()
        self.problems_by_state: dict[str, list[dict]] = {}
        for p in problems:
            state = p.get("state") or _state_from_pointer(p.get("pointer"))
            if state:
                self.problems_by_state.setdefault(state, []).append(p)

    def new_id(self, prefix: str = "n") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- machines (top level, branches, item processors) --

    def machine(self, g: graphviz.Digraph, machine: Any, *, entry: str, exit_: str, top: bool) -> None:
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            return
        ids: dict[str, str] = {}
        for name, state in states.items():
            ids[name] = self.state_node(g, name, state)
        start = machine.get("StartAt")
        if isinstance(start, str) and start in ids:
            self.graph.edge(entry, ids[start], **({"class": "edge-start"} if top else {"style": "solid", "class": "edge-branch"}))
        elif isinstance(start, str):
            self.graph.edge(entry, self.missing(g, start), color=PROBLEM_COLOUR, style="dashed", **{"class": "edge-missing"})
        for name, state in states.items():
            if isinstance(state, dict):
                self.state_edges(g, name, state, ids, exit_)

    def state_node(self, g: graphviz.Digraph, name: str, state: Any) -> str:
        node_id = self.new_id()
        self.names[node_id] = name
        state_type = state.get("Type") if isinstance(state, dict) else None
        if not isinstance(state_type, str):
            state_type = None if state_type is None else repr(state_type)
        shape, fill, border = STYLE.get(state_type, UNKNOWN_STYLE)
        state = state if isinstance(state, dict) else {}
        rows = [f'<TR><TD><B>{_esc(name)}</B></TD></TR>',
                f'<TR><TD><FONT POINT-SIZE="10" COLOR="#374151">{_esc(_subtitle(state_type, state))}</FONT></TD></TR>']
        classes = ["state", type_class(state_type)]
        retries = state.get("Retry")
        if isinstance(retries, list) and retries:
            classes.append("has-retry")
            rows.append(f'<TR><TD><FONT POINT-SIZE="9" COLOR="#1e3a8a">&#8635; {_esc(_retry_words(retries))}</FONT></TD></TR>')
        problems = self.problems_by_state.get(name, [])
        attrs = {"shape": shape, "fillcolor": fill, "color": border}
        if shape == "box" and state_type in ("Pass", "Succeed", "Fail", None):
            attrs["style"] = "filled"
        errors = sum(1 for p in problems if p.get("severity", "error") == "error")
        warnings = len(problems) - errors
        if errors:
            classes.append("has-problem")
            rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{PROBLEM_COLOUR}"><B>&#9888; {errors} problem{"s" if errors != 1 else ""}'
                        f'</B></FONT></TD></TR>')
            attrs.update(color=PROBLEM_COLOUR, penwidth="3")
        elif warnings:
            # AWS would accept it, but it is probably a mistake: amber, not red.
            classes.append("has-warning")
            rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{WARNING_COLOUR}"><B>&#9888; {warnings} warning{"s" if warnings != 1 else ""}'
                        f'</B></FONT></TD></TR>')
            attrs.update(color=WARNING_COLOUR, penwidth="2.5")
        dom_id = state_dom_id(name)
        while dom_id in self.dom_ids:  # only for duplicate names, which the validator reports
            dom_id += "-x"
        self.dom_ids.add(dom_id)
        attrs["id"] = dom_id
        attrs["class"] = " ".join(classes)
        label = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"

        if state_type in ("Parallel", "Map"):
            # The state's node heads a cluster holding its branches (or item processor) and a join point.
            cluster_id = self.new_id("cluster_")
            with g.subgraph(name=cluster_id) as c:
                c.attr(style="rounded,dashed", color=border, bgcolor=fill + "55", label="",
                       id=f"group-{dom_id[6:]}", **{"class": f"group group-{state_type.lower()}"})
                c.node(node_id, label=label, **attrs)
                join = self.new_id("j")
                c.node(join, label="", shape="point", width="0.12", color=border, **{"class": "join"})
                self.joins[node_id] = join
                if state_type == "Parallel":
                    for i, branch in enumerate(state.get("Branches") or [] if isinstance(state.get("Branches"), list) else []):
                        with c.subgraph(name=self.new_id("cluster_")) as b:
                            b.attr(style="rounded", color="#94a3b8", bgcolor="#ffffff", fontsize="10", fontcolor="#475569",
                                   label=f"<branch {i + 1}>", labeljust="l", id=f"branch-{i + 1}-{dom_id[6:]}",
                                   **{"class": "branch"})
                            self.machine(b, branch, entry=node_id, exit_=join, top=False)
                else:
                    processor = state.get("ItemProcessor", state.get("Iterator"))
                    with c.subgraph(name=self.new_id("cluster_")) as b:
                        b.attr(style="rounded", color="#94a3b8", bgcolor="#ffffff", fontsize="10", fontcolor="#475569",
                               label="<for each item>", labeljust="l", id=f"items-{dom_id[6:]}",
                               **{"class": "item-processor"})
                        self.machine(b, processor, entry=node_id, exit_=join, top=False)
        else:
            g.node(node_id, label=label, **attrs)
        self.ids_by_name.setdefault(name, node_id)
        return node_id

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
            for i, rule in enumerate(state.get("Choices") or [] if isinstance(state.get("Choices"), list) else []):
                if isinstance(rule, dict) and "Next" in rule:
                    to = rule["Next"]
                    self.graph.edge(source, target(to), label=f"<{_esc('if ' + words.rule_words(rule), 70)}>",
                                    **{"class": "edge-choice", "id": edge_dom_id(f"choice.{i}:{name}"), **broken(to)})
            if "Default" in state:
                to = state["Default"]
                self.graph.edge(source, target(to), label="<otherwise>",
                                **{"style": "solid", "class": "edge-default", "id": edge_dom_id(f"default:{name}"),
                                   **broken(to)})
        elif "Next" in state:
            to = state["Next"]
            self.graph.edge(after, target(to), **{"class": "edge-next", "id": edge_dom_id(f"next:{name}"), **broken(to)})
        elif state.get("End") is True or state_type in ("Succeed", "Fail"):
            self.graph.edge(after, exit_, **{"class": "edge-end"})
        for i, catcher in enumerate(state.get("Catch") or [] if isinstance(state.get("Catch"), list) else []):
            if isinstance(catcher, dict) and "Next" in catcher:
                to = catcher["Next"]
                self.graph.edge(source, target(to), label=f"<{_esc('on ' + words.errors_words(catcher.get('ErrorEquals')), 60)}>",
                                **{"style": "dashed", "color": "#b91c1c", "fontcolor": "#b91c1c", "class": "edge-catch",
                                   "id": edge_dom_id(f"catch.{i}:{name}"), **broken(to)})

    def missing(self, g: graphviz.Digraph, to: Any) -> str:
        node_id = self.new_id("m")
        g.node(node_id, label=f"<missing: {_esc(to)}>", shape="box", style="dashed", color=PROBLEM_COLOUR,
               fontcolor=PROBLEM_COLOUR, **{"class": "missing-target"})
        return node_id


def _subtitle(state_type: Any, state: dict) -> str:
    if state_type == "Task":
        return words.task_words(state.get("Resource"))
    if state_type == "Wait":
        return words.wait_words(state)
    if state_type == "Fail":
        error = state.get("Error")
        return f"Fail: {error}" if isinstance(error, str) else "Fail"
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


def graph_source(definition: Any, problems: list[dict] | None = None) -> tuple[str, dict[str, str]]:
    """The dot source and a map from dot node ids to state names."""
    b = _Builder(problems or [])
    b.joins = {}
    b.ids_by_name = {}
    g = b.graph
    g.node("start", label="Start", shape="circle", style="filled", fillcolor="#111827", fontcolor="white",
           fontsize="9", width="0.5", fixedsize="true", id="graph-start", **{"class": "marker marker-start"})
    g.node("end", label="End", shape="doublecircle", style="filled", fillcolor="#111827", fontcolor="white",
           fontsize="9", width="0.45", fixedsize="true", id="graph-end", **{"class": "marker marker-end"})
    if isinstance(definition, dict):
        b.machine(g, definition, entry="start", exit_="end", top=True)
    return g.source, b.names


def _run_dot(source: str, fmt: str) -> bytes:
    result = subprocess.run(["dot", f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
                            timeout=DOT_TIMEOUT_SECONDS, check=False)
    if result.returncode != 0 or not result.stdout:
        raise RenderError(result.stderr.decode("utf-8", "replace")[:500] or "Graphviz failed")
    return result.stdout


class RenderError(Exception):
    pass


_NODE_G = re.compile(r'<g id="([^"]+)" class="([^"]*)">\s*<title>([^<]*)</title>')


def _annotate(svg: str, names: dict[str, str]) -> str:
    """Add data-state (the exact state name) to each state's <g>, and a readable tooltip title."""
    def add(m: re.Match) -> str:
        # Graphviz writes "-" as "&#45;"; our ids and classes are [a-z0-9-] so unescaping is safe.
        dom_id, classes = html.unescape(m.group(1)), html.unescape(m.group(2))
        name = names.get(html.unescape(m.group(3)))
        if name is None:
            return f'<g id="{html.escape(dom_id)}" class="{html.escape(classes)}">\n<title>{m.group(3)}</title>'
        # Tabs and newlines as references, or XML parsers turn them into spaces in attributes.
        safe = (html.escape(_xml_text(name), quote=True)
                .replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;"))
        return f'<g id="{html.escape(dom_id)}" class="{html.escape(classes)}" data-state="{safe}">\n<title>{safe}</title>'
    svg = _NODE_G.sub(add, svg)
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 256


def render_svg(definition: Any, problems: list[dict] | None = None) -> str:
    """SVG markup (from ``<svg``), cached by the hash of the definition and its problems."""
    key = definition_hash(definition, problems)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    source, names = graph_source(definition, problems)
    # Most edits (parameters, paths, comments) do not change the picture: then the dot source is
    # the same and Graphviz, the slow part, need not run again.
    drawing_key = "dot:" + hashlib.sha256((source + json.dumps(names, ensure_ascii=False)).encode("utf-8")).hexdigest()
    with _cache_lock:
        svg = _cache.get(drawing_key)
    if svg is None:
        svg = _annotate(_run_dot(source, "svg").decode("utf-8"), names)
    with _cache_lock:
        _cache[key] = svg
        _cache[drawing_key] = svg
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return svg


def svg_document(svg: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + svg


def render_png(definition: Any, problems: list[dict] | None = None) -> bytes:
    source, _ = graph_source(definition, problems)
    return _run_dot(source, "png")
