"""Graphviz runs here: dot source in, SVG (annotated for pages) or PNG out, SVG cached."""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import threading
import time
from collections import OrderedDict
from typing import Any

from .. import workpool
from .build import SMALL_PT, graph_source
from .layers import Layer
from .light import LIGHT_FROM, count_states, render_light_svg
from .text import xml_text

#: Seconds Graphviz may take to lay out one drawing, waiting for a free slot included. Real
#: workflows take far less (a 249-step chain: 60 ms), but dot's cost grows with how tangled the
#: arrows are, not with the size of the text: a hundred steps whose arrows cross at random keep it
#: busy for minutes. Past the bound the drawing is laid out the lighter way instead.
DOT_SECONDS = float(os.environ.get("STATEWISE_DOT_SECONDS", "5"))
#: Graphviz processes at once in one server process, so a burst of tangled drawings cannot take
#: every core from the other requests (each one waits at most DOT_SECONDS for its turn).
_dot_slots = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
_RENDER_REVISION = "4"  # bump when the drawing changes, so cached renders are not reused


class RenderError(Exception):
    plain = False  # True when the message is written for the person who asked


class TooBigForPng(RenderError):
    plain = True


class DotTooSlow(RenderError):
    """Graphviz did not finish within DOT_SECONDS (or got no turn within them)."""


def definition_hash(definition: Any, problems: list[dict] | None = None, layers: tuple[Layer, ...] = (),
                    glossary: dict[str, str] | None = None) -> str:
    text = json.dumps([_RENDER_REVISION, definition, problems or [], [layer.key() for layer in layers],
                       sorted((glossary or {}).items())], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _run_dot(source: str, fmt: str) -> bytes:
    deadline = time.monotonic() + DOT_SECONDS
    if not _dot_slots.acquire(timeout=DOT_SECONDS):
        raise DotTooSlow(f"Graphviz had no free turn within {DOT_SECONDS:g} s")
    try:
        process = subprocess.Popen(["dot", f"-T{fmt}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        try:
            os.setpriority(os.PRIO_PROCESS, process.pid, 10)  # the server's own requests go first
        except OSError:
            pass  # already done
        try:
            out, err = process.communicate(source.encode("utf-8"), timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise DotTooSlow(f"Graphviz took more than {DOT_SECONDS:g} s") from None
        except BaseException:  # e.g. the work pool's CPU bound, interrupting the wait: dot goes too
            process.kill()
            process.wait()
            raise
    finally:
        _dot_slots.release()
    if process.returncode != 0 or not out:
        raise RenderError(err.decode("utf-8", "replace")[:500] or "Graphviz failed")
    return out


_G = re.compile(r'<g id="([^"]+)" class="([^"]*)">\s*<title>([^<]*)</title>')


def _attr(text: str) -> str:
    # Tabs and newlines as references, or XML parsers turn them into spaces in attributes.
    return (html.escape(xml_text(text), quote=True)
            .replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;"))


def _annotate(svg: str, names: dict[str, str], edges: dict[str, dict]) -> str:
    """Add data-state (the exact state name) to each state's <g> and the edge's key to each edge's,
    with readable tooltips: the full name, or the edge's whole label."""
    def add(m: re.Match) -> str:
        # Graphviz writes "-" as "&#45;"; our ids and classes are [a-z0-9-] so unescaping is safe.
        dom_id, classes = html.unescape(m.group(1)), html.unescape(m.group(2))
        head = f'<g id="{html.escape(dom_id)}" class="{html.escape(classes)}"'
        name = names.get(html.unescape(m.group(3)))
        if name is not None:
            safe = _attr(name)
            return f'{head} data-state="{safe}">\n<title>{safe}</title>'
        edge = edges.get(dom_id)
        if edge is not None:
            return (f'{head} data-from="{_attr(edge["from"])}" data-to="{_attr(edge["to"])}" data-kind="{edge["kind"]}"'
                    f' data-index="{edge["index"]}">\n<title>{_attr(edge["title"])}</title>')
        return f"{head}>\n<title>{m.group(3)}</title>"
    svg = _G.sub(add, svg)
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    # The smallest label size, so pages can open the graph at a scale where it is legible.
    return svg.replace("<svg ", f'<svg data-min-label="{SMALL_PT}" ', 1)


_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 256


def render_svg(definition: Any, problems: list[dict] | None = None, *, layers: tuple[Layer, ...] | list[Layer] = (),
               glossary: dict[str, str] | None = None) -> str:
    """SVG markup (from ``<svg``), cached by the hash of what it shows. ``glossary`` is the
    workflow's plain names of its data fields (path -> name), used in Choice labels."""
    layers = tuple(layers)
    key = definition_hash(definition, problems, layers, glossary)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    if workpool.large(count_states(definition)):
        # Hundreds of steps or more: laid out in a child process (a second of pure Python for
        # thousands), not in the server process whose other requests would wait behind it.
        svg = workpool.run(render_svg, definition, problems, layers=layers, glossary=glossary,
                           what="Drawing this workflow")
        with _cache_lock:
            _cache[key] = svg
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return svg
    if count_states(definition) >= LIGHT_FROM:
        # Too big for Graphviz to lay out in good time: the lighter layout, drawn here.
        svg = render_light_svg(definition, problems, layers, glossary)
        with _cache_lock:
            _cache[key] = svg
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return svg
    source, names, edges = graph_source(definition, problems, layers, glossary)
    # Most edits (parameters, paths, comments) do not change the picture: then the dot source is
    # the same and Graphviz, the slow part, need not run again.
    drawing_key = "dot:" + hashlib.sha256(
        (source + json.dumps([names, edges], ensure_ascii=False)).encode("utf-8")).hexdigest()
    with _cache_lock:
        svg = _cache.get(drawing_key)
    if svg is None:
        try:
            svg = _annotate(_run_dot(source, "svg").decode("utf-8"), names, edges)
        except DotTooSlow:
            # Remembered under both keys like any drawing: the same tangle is not tried again.
            svg = render_light_svg(definition, problems, layers, glossary)
    with _cache_lock:
        _cache[key] = svg
        _cache[drawing_key] = svg
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return svg


def svg_document(svg: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + svg


def render_png(definition: Any, problems: list[dict] | None = None, *, layers: tuple[Layer, ...] | list[Layer] = (),
               glossary: dict[str, str] | None = None) -> bytes:
    states = count_states(definition)
    if states >= LIGHT_FROM:
        raise TooBigForPng(f"This workflow has {states:,} steps: too many for a picture. Download the SVG instead.")
    source, _, _ = graph_source(definition, problems, tuple(layers), glossary)
    try:
        return _run_dot(source, "png")
    except DotTooSlow:
        raise TooBigForPng("This workflow's arrows are too tangled to draw as a picture in good time. "
                           "Download the SVG instead.") from None
