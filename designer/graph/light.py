"""A lighter layout for big workflows: drawn here, in linear time, instead of by Graphviz.

Graphviz's ``dot`` takes seconds for a thousand states and minutes for five thousand. Past
``LIGHT_FROM`` states a workflow is laid out in layers by the longest path from its start
(loops drawn as back arrows), each layer ordered by where its predecessors are, with Parallel
and Map states collapsed to one node that says what is inside. The SVG keeps every convention of
the Graphviz drawing (:mod:`.build`): the same ids, classes and data attributes, a ``<path>`` or
``<polygon>`` per state shape, a ``<title>`` with each element's whole text, so the pages, the
layers and the colours of a run work the same.
"""
from __future__ import annotations

import html
from typing import Any

from interpreter import wording as words
from interpreter.wording import steps as step_words

from ..asl_io import count_states  # noqa: F401 - also read from here
from .build import (CATCH_COLOUR, DISTRIBUTED_STYLE, FONT, NAME_PT, PROBLEM_COLOUR, SMALL_PT, STYLE, UNKNOWN_STYLE,
                    WARNING_COLOUR, _state_from_pointer, _subtitle, edge_dom_id, state_dom_id, type_class)
from .layers import EdgeKey, Layer, Stack
from .text import wrap, xml_text

LIGHT_FROM = 250          # states, nested ones included
NODE_W, GAP_X, GAP_Y, GAP_COL = 236.0, 34.0, 46.0, 140.0
LINE_NAME, LINE_SMALL, PAD = 17.0, 15.0, 9.0


def _attr(text: Any) -> str:
    return (html.escape(xml_text(str(text)), quote=True)
            .replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;"))


def _inside_words(state: dict, state_type: str) -> str:
    inner = count_states({"States": {"x": state}}) - 1
    if state_type == "Parallel":
        n = len(state["Branches"]) if isinstance(state.get("Branches"), list) else 0
        return f"{n} branch{'es' if n != 1 else ''}, {inner} step{'s' if inner != 1 else ''} inside"
    return f"{step_words.map_source_words(state)}; {inner} step{'s' if inner != 1 else ''} inside"


class _Node:
    __slots__ = ("name", "state", "type", "lines", "height", "layer", "x", "y", "order")

    def __init__(self, name: str, state: dict, state_type: Any):
        self.name, self.state, self.type = name, state, state_type
        self.lines: list[tuple[str, str]] = []  # (kind, text): kind "name" or a colour
        self.height = 0.0
        self.layer, self.x, self.y, self.order = 0, 0.0, 0.0, 0.0


def render_light_svg(definition: Any, problems: list[dict] | None = None, layers: tuple[Layer, ...] = (),
                     glossary: dict[str, str] | None = None) -> str:
    machine = definition if isinstance(definition, dict) else {}
    states = machine.get("States") if isinstance(machine.get("States"), dict) else {}
    stack = Stack(layers)
    by_state: dict[str, list[dict]] = {}
    for p in problems or []:
        name = p.get("state") or _state_from_pointer(p.get("pointer"))
        if name:
            by_state.setdefault(name, []).append(p)

    nodes: dict[str, _Node] = {}
    for name, raw in states.items():
        state = raw if isinstance(raw, dict) else {}
        state_type = state.get("Type") if isinstance(state.get("Type"), str) else None
        node = nodes[name] = _Node(name, state, state_type)
        node.lines = [("name", line) for line in wrap(name, 26, 2)]
        node.lines.append(("#374151", wrap(_subtitle(state_type, state, "workflow"), 34, 1)[0]))
        if state_type in ("Parallel", "Map"):
            node.lines.append(("#334155", wrap(_inside_words(state, state_type), 34, 1)[0]))
        node.height = PAD * 2 + sum(LINE_NAME if k == "name" else LINE_SMALL for k, _ in node.lines)

    # --- the edges, as the Graphviz drawing has them (the inner ones of collapsed states aside) ---
    edges: list[tuple[str, str, EdgeKey, str, bool]] = []  # (from, to or "", key, label, catch?)
    for name, node in nodes.items():
        state = node.state
        if node.type == "Choice":
            rules = state.get("Choices") if isinstance(state.get("Choices"), list) else []
            for i, rule in enumerate(rules):
                if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
                    edges.append((name, rule["Next"], EdgeKey(name, "choice", i), "if " + words.rule_phrase(rule, glossary)[0],
                                  False))
            if isinstance(state.get("Default"), str):
                edges.append((name, state["Default"], EdgeKey(name, "default"), "otherwise", False))
        elif node.type == "Fail":
            pass
        elif isinstance(state.get("Next"), str):
            edges.append((name, state["Next"], EdgeKey(name, "next"), "", False))
        elif state.get("End") is True or node.type == "Succeed":
            edges.append((name, "", EdgeKey(name, "end"), "", False))
        catchers = state.get("Catch") if isinstance(state.get("Catch"), list) else []
        for i, c in enumerate(catchers):
            if isinstance(c, dict) and isinstance(c.get("Next"), str):
                edges.append((name, c["Next"], EdgeKey(name, "catch", i),
                              "on " + words.errors_words(c.get("ErrorEquals")), True))
        for key, to in stack.extra_edges(name):  # arrows only a layer draws (a comparison's former Next)
            edges.append((name, to, key, "before", False))
    edges = [e for e in edges if e[1] == "" or e[1] in nodes]

    # --- layers: longest path over the forward edges of a depth-first search from the start ---
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b, *_ in edges:
        if b:
            succ[a].append(b)
    start = machine.get("StartAt")
    roots = ([start] if start in nodes else []) + list(nodes)
    seen: set[str] = set()
    on_path: set[str] = set()
    post: list[str] = []
    back: set[tuple[str, str]] = set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        on_path.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            v, it = work[-1]
            for w in it:
                if w in on_path:
                    back.add((v, w))
                elif w not in seen:
                    seen.add(w)
                    on_path.add(w)
                    work.append((w, iter(succ[w])))
                    break
            else:
                work.pop()
                on_path.discard(v)
                post.append(v)
    topo = post[::-1]
    for v in topo:
        for w in succ[v]:
            if (v, w) not in back and nodes[w].layer < nodes[v].layer + 1:
                nodes[w].layer = nodes[v].layer + 1
    rows: dict[int, list[_Node]] = {}
    rank = {name: i for i, name in enumerate(topo)}
    for name in topo:
        rows.setdefault(nodes[name].layer + 1, []).append(nodes[name])  # row 0 is the Start marker
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b, *_ in edges:
        if b and (a, b) not in back:
            preds[b].append(a)
    # Rows go down in columns side by side, as many as make the drawing about as wide as a screen
    # (a long workflow as one column would be a sliver, unreadable however it is zoomed).
    order_rows = [rows[r] for r in sorted(rows)]
    for row in order_rows:
        for n in row:  # where its predecessors are, else where the search found it
            ps = preds[n.name]
            n.order = sum(nodes[p].order for p in ps) / len(ps) if ps else rank[n.name] * 1e-6
        row.sort(key=lambda n: n.order)
        for i, n in enumerate(row):
            n.order = float(i) - (len(row) - 1) / 2
    row_w = max(len(row) for row in order_rows) * (NODE_W + GAP_X) - GAP_X if order_rows else NODE_W
    tall = [max(n.height for n in row) + GAP_Y for row in order_rows]
    total = sum(tall) + 60.0
    columns = max(1, round((1.6 * total / (row_w + GAP_COL)) ** 0.5)) if total > 1.6 * row_w else 1
    per_column = total / columns
    col, y, col_x = 0, 60.0, row_w / 2
    for row, h in zip(order_rows, tall):
        if y + h > per_column + 60.0 and y > 60.0 and col < columns - 1:
            col, y = col + 1, 20.0
            col_x = col * (row_w + GAP_COL) + row_w / 2
        for n in row:
            n.x = col_x + n.order * (NODE_W + GAP_X)
            n.y = y + (h - GAP_Y) / 2
        y += h
    width = (col + 1) * (row_w + GAP_COL) - GAP_COL
    height = max(max((n.y + n.height / 2 for n in nodes.values()), default=0.0) + 70.0, 140.0)
    cx, end_x = row_w / 2, col_x

    out: list[str] = [f'<svg data-min-label="{SMALL_PT}" data-layout="light" width="{width + 40:.0f}pt" '
                      f'height="{height:.0f}pt" viewBox="0.00 0.00 {width + 40:.2f} {height:.2f}" '
                      'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
                      f'<g id="workflow-graph" class="graph" transform="translate(20 0)" font-family="{FONT}" text-anchor="middle">',
                      '<title>workflow</title>',
                      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                      'orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0,0L10,5L0,10z" fill="#4b5563"/></marker>'
                      '<marker id="arrow-catch" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                      'orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0,0L10,5L0,10z" fill="#b91c1c"/></marker>'
                      '</defs>']
    out.append('<g id="graph-start" class="node marker marker-start"><title>start</title>'
               f'<ellipse fill="#111827" stroke="black" cx="{cx:.1f}" cy="22" rx="18" ry="18"/>'
               f'<text text-anchor="middle" x="{cx:.1f}" y="26" font-size="{SMALL_PT}" fill="white">Start</text></g>')
    end_y = height - 22
    out.append('<g id="graph-end" class="node marker marker-end"><title>end</title>'
               f'<ellipse fill="#111827" stroke="black" cx="{end_x:.1f}" cy="{end_y:.1f}" rx="16" ry="16"/>'
               f'<text text-anchor="middle" x="{end_x:.1f}" y="{end_y + 4:.1f}" font-size="{SMALL_PT}" fill="white">End</text></g>')

    def edge(key: EdgeKey, a: tuple[float, float], b: tuple[float, float], *, to: str, label: str, colour: str,
             dashed: bool, backwards: bool, classes: str = "") -> None:
        merged, layer_classes, notes = stack.for_edge(key)
        colour = merged.get("colour", colour)
        dashed = merged.get("dashed", dashed)
        pen = merged.get("width", 1.0)
        if merged.get("faded"):
            colour, dashed = "#9ca3af", True
        (x1, y1), (x2, y2) = (round(a[0]), round(a[1])), (round(b[0]), round(b[1]))
        if backwards or abs(y2 - y1) > 200 or x1 != x2 and abs(y2 - y1) > 120:
            bend = (-1 if backwards else 1) * round(NODE_W * 0.6 + 20)
            d = f"M{x1},{y1}C{x1 + bend},{y1} {x2 + bend},{y2} {x2},{y2}"
        else:
            d = f"M{x1},{y1}L{x2},{y2}"
        cls = " ".join(["edge", f"edge-{key.kind}", *classes.split(), *layer_classes])
        text = " ".join([label, *notes]).strip()
        # A tooltip only where it says more than the drawing: a labelled arrow's whole condition.
        title = f"<title>{_attr(text + ' → ' + to)}</title>" if text and to else ""
        dash = ' stroke-dasharray="5,2"' if dashed else ""
        width = f' stroke-width="{pen}"' if pen != 1.0 else ""
        arrow = "arrow-catch" if colour == CATCH_COLOUR else "arrow"
        out.append(f'<g id="{edge_dom_id(key)}" class="{cls}" data-from="{_attr(key.source)}" data-to="{_attr(to)}" '
                   f'data-kind="{key.kind}" data-index="{key.index}">{title}<path fill="none" stroke="{colour}"{width}{dash} '
                   f'marker-end="url(#{arrow})" d="{d}"/>')
        if text:
            out.append(f'<text text-anchor="middle" x="{(x1 + x2) // 2 + 6}" y="{y1 + 16}" font-size="{SMALL_PT}" '
                       f'fill="{colour}">{_attr(wrap(text, 30, 1)[0])}</text>')
        out.append("</g>")

    first = nodes.get(start) if isinstance(start, str) else None
    if first is not None:
        edge(EdgeKey("", "start"), (cx, 40.0), (first.x, first.y - first.height / 2), to=first.name, label="",
             colour="#4b5563", dashed=False, backwards=False)
    for a, b, key, label, catch in edges:
        src = nodes[a]
        tail = (src.x, src.y + src.height / 2)
        if b:
            dst = nodes[b]
            head = (dst.x, dst.y - dst.height / 2)
            edge(key, tail, head, to=b, label=label, colour=CATCH_COLOUR if catch else "#4b5563", dashed=catch,
                 backwards=(a, b) in back or dst.y <= src.y)
        else:
            edge(key, tail, (end_x, end_y - 16), to="", label="", colour="#4b5563", dashed=False, backwards=False)

    for node in nodes.values():
        out.append(_node_svg(node, by_state.get(node.name, []), stack))
    out.append("</g></svg>")
    return "\n".join(out)


def _node_svg(node: _Node, problems: list[dict], stack: Stack) -> str:
    distributed = node.type == "Map" and step_words.is_distributed(node.state)
    shape, fill, border = DISTRIBUTED_STYLE if distributed else STYLE.get(node.type, UNKNOWN_STYLE)
    classes = ["node", "state", type_class(node.type)]
    pen, dash = 1.3, ""
    if distributed:
        classes.append("map-distributed")
    if isinstance(node.state.get("Retry"), list) and node.state["Retry"]:
        classes.append("has-retry")
    errors = sum(1 for p in problems if p.get("severity", "error") == "error")
    if errors:
        classes.append("has-problem")
        border, pen = PROBLEM_COLOUR, 3.0
    elif problems:
        classes.append("has-warning")
        border, pen = WARNING_COLOUR, 2.5
    merged, layer_classes, notes = stack.for_state(node.name)
    classes += layer_classes
    fill = merged.get("fill", fill)
    border = merged.get("colour", border)
    pen = merged.get("width", pen)
    if merged.get("dashed") or merged.get("faded"):
        dash = ' stroke-dasharray="5,2"'
    if merged.get("faded"):
        fill, border = "#f9fafb", "#9ca3af"
    lines = node.lines + [("#111827", wrap(note, 34, 1)[0]) for note in notes]
    h = node.height + LINE_SMALL * len(notes)
    x0, y0, w, h = round(node.x - NODE_W / 2), round(node.y - node.height / 2), round(NODE_W), round(h)
    if shape == "octagon" or node.type in ("Pass", "Succeed", "Fail", None):
        c = 10 if shape == "octagon" else 0
        pts = [(x0 + c, y0), (x0 + w - c, y0), (x0 + w, y0 + c), (x0 + w, y0 + h - c),
               (x0 + w - c, y0 + h), (x0 + c, y0 + h), (x0, y0 + h - c), (x0, y0 + c)]
        body = f'<polygon fill="{fill}" stroke="{border}" stroke-width="{pen}"{dash} points="{" ".join(f"{x},{y}" for x, y in pts)}"/>'
    else:
        r = 7
        body = (f'<path fill="{fill}" stroke="{border}" stroke-width="{pen}"{dash} d="M{x0 + r},{y0}h{w - 2 * r}'
                f'a{r},{r} 0 0 1 {r},{r}v{h - 2 * r}a{r},{r} 0 0 1 -{r},{r}h-{w - 2 * r}a{r},{r} 0 0 1 -{r},-{r}'
                f'v-{h - 2 * r}a{r},{r} 0 0 1 {r},-{r}z"/>')
        if distributed:
            body = body.replace("<path ", '<path transform="translate(4 -4)" ', 1) + body
    texts, ty = [], y0 + PAD
    for kind, text in lines:
        size = NAME_PT if kind == "name" else SMALL_PT
        ty += LINE_NAME if kind == "name" else LINE_SMALL
        weight = ' font-weight="bold"' if kind == "name" else ""
        colour = "#111827" if kind == "name" else kind
        fill_attr = "" if colour == "#111827" else f' fill="{colour}"'
        texts.append(f'<text x="{round(node.x)}" y="{round(ty - 4)}" font-size="{size}"{weight}{fill_attr}>'
                     f'{_attr(text)}</text>')
    name = _attr(node.name)
    return (f'<g id="{state_dom_id(node.name)}" class="{" ".join(classes)}" data-state="{name}"><title>{name}</title>'
            + body + "".join(texts) + "</g>")
