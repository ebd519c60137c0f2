"""Styling drawn over the plain graph: a run's colours, coverage, a diff, counts of comments.

A :class:`Layer` names states and edges and says how to mark each one with a :class:`Mark`.
Layers are stacked in the order given (a later one wins for the same attribute). They go into
the dot source, so the SVG and the PNG both show them, and every marked element also gets the
class ``layer-<name>`` and the mark's own classes, for pages to style or find.

Pages that restyle live (a run's colours as events arrive) do the same in the browser with
``GraphView.setLayer`` (static/js/graphview.js), which finds elements by the same keys: a
state's ``data-state``, an edge's ``data-from``, ``data-kind`` and ``data-index``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?")
_CLASS = re.compile(r"[a-z][a-z0-9-]{0,40}")
EDGE_KINDS = ("start", "next", "choice", "default", "catch", "end", "branch", "items")


class EdgeKey(NamedTuple):
    """One edge of the graph, named by where it comes from rather than where it goes.

    ``source`` is the state the edge leaves; ``kind`` is one of :data:`EDGE_KINDS`; ``index``
    tells apart the Choice rules, the catchers and the branches of a state (0-based).
    The workflow's own start edge is ``EdgeKey("", "start")``; the edge from a Parallel state
    into its branch *i* is ``EdgeKey(parallel, "branch", i)``, from a Map into its item
    processor ``EdgeKey(map, "items")``; a last state's edge to the end (or to the join point of
    its Parallel or Map) is ``EdgeKey(state, "end")``.
    """

    source: str
    kind: str
    index: int = 0

    @classmethod
    def parse(cls, text: str) -> "EdgeKey":
        """From a coverage id (``next:A``, ``choice.0:A``, ``default:A``, ``catch.1:A``; see
        ``interpreter.testing.coverage``)."""
        head, _, source = text.partition(":")
        kind, _, index = head.partition(".")
        return cls(source, kind, int(index) if index.isdigit() else 0)

    @property
    def coverage_id(self) -> str:
        return f"{self.kind}.{self.index}:{self.source}" if self.kind in ("choice", "catch") else f"{self.kind}:{self.source}"


@dataclass(frozen=True)
class Mark:
    """How a layer draws one state or edge. Unset fields keep what is drawn below."""

    fill: str | None = None        # a state's fill, "#rrggbb" or "#rrggbbaa"
    colour: str | None = None      # a state's border or an edge's line
    width: float | None = None     # pen width in points
    dashed: bool | None = None
    faded: bool = False            # drawn ghosted: grey text and line (e.g. removed in a diff)
    classes: tuple[str, ...] = ()  # extra classes on the element's <g>
    note: str | None = None        # a short line under a state's words, or after an edge's label

    def __post_init__(self):
        for name in ("fill", "colour"):
            value = getattr(self, name)
            assert value is None or _COLOUR.fullmatch(value), f"Mark.{name} must be '#rrggbb', not {value!r}"
        assert self.width is None or 0 < self.width <= 12, "Mark.width is a pen width in points, 0 to 12"
        assert not isinstance(self.classes, str), "Mark.classes is a tuple of class names, not one string"
        for cls in self.classes:
            assert _CLASS.fullmatch(cls), f"class names are [a-z][a-z0-9-]*, not {cls!r}"

    def key(self) -> list:
        return [self.fill, self.colour, self.width, self.dashed, self.faded, list(self.classes), self.note]


@dataclass(frozen=True)
class Layer:
    name: str
    states: Mapping[str, Mark] = field(default_factory=dict)
    edges: Mapping[EdgeKey, Mark] = field(default_factory=dict)
    # Arrows the definition does not have, drawn by this layer only (key -> the state they go to):
    # e.g. a comparison's removed Next of a step still there, beside its new one. Their index
    # is 1 or more, so they never take the key of the definition's own arrow.
    extra_edges: Mapping[EdgeKey, str] = field(default_factory=dict)

    def __post_init__(self):
        assert _CLASS.fullmatch(self.name), f"a layer's name is [a-z][a-z0-9-]*, not {self.name!r}"
        for key in [*self.edges, *self.extra_edges]:
            assert isinstance(key, EdgeKey) and key.kind in EDGE_KINDS, f"edges are keyed by EdgeKey, not {key!r}"

    def key(self) -> list:
        """What the render cache hashes: everything that changes the picture."""
        return [self.name, sorted([n, m.key()] for n, m in self.states.items()),
                sorted([list(k), m.key()] for k, m in self.edges.items()),
                sorted([list(k), to] for k, to in self.extra_edges.items())]


class Stack:
    """The layers of one render, merged per element."""

    def __init__(self, layers: tuple[Layer, ...] | list[Layer] = ()):
        self.layers = tuple(layers)

    def for_state(self, name: str) -> tuple[dict[str, Any], list[str], list[str]]:
        return self._merge([(layer.name, layer.states.get(name)) for layer in self.layers])

    def extra_edges(self, source: str) -> list[tuple[EdgeKey, str]]:
        return [(key, to) for layer in self.layers for key, to in layer.extra_edges.items() if key.source == source]

    def for_edge(self, key: EdgeKey) -> tuple[dict[str, Any], list[str], list[str]]:
        return self._merge([(layer.name, layer.edges.get(key)) for layer in self.layers])

    @staticmethod
    def _merge(marks) -> tuple[dict[str, Any], list[str], list[str]]:
        """(merged mark fields, classes, notes) for one element."""
        merged: dict[str, Any] = {}
        classes: list[str] = []
        notes: list[str] = []
        for name, mark in marks:
            if mark is None:
                continue
            classes.append(f"layer-{name}")
            classes.extend(mark.classes)
            for attr in ("fill", "colour", "width", "dashed"):
                if getattr(mark, attr) is not None:
                    merged[attr] = getattr(mark, attr)
            if mark.faded:
                merged["faded"] = True
            if mark.note:
                notes.append(mark.note)
        return merged, classes, notes
