"""Workflow graphs: an ASL definition drawn by Graphviz as SVG (or PNG).

``render_svg(definition, problems, layers=...)`` is what pages and the API call. The SVG has a
``<g>`` per state (``id="state-…"``, ``data-state``) and per edge (``id="edge-…"``, ``data-from``,
``data-kind``, ``data-index``): see :mod:`.build` for the ids and classes and :mod:`.layers` for
drawing a run, coverage or a diff over the graph.
"""
from .build import edge_dom_id, graph_source, state_dom_id, type_class
from .layers import EDGE_KINDS, EdgeKey, Layer, Mark
from .render import RenderError, definition_hash, render_png, render_svg, svg_document

__all__ = ["EDGE_KINDS", "EdgeKey", "Layer", "Mark", "RenderError", "definition_hash", "edge_dom_id",
           "graph_source", "render_png", "render_svg", "state_dom_id", "svg_document", "type_class"]
