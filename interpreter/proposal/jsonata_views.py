"""Where the value of a simple JSONata expression comes from, for the views of ``reads.py``.

Only the forms workflows write to pass data on are traced: ``$states.input.a``,
``$states.result.b``, ``$var.c``, an object of those (``{'id': $states.input.id, 'n': 1}``) and
``$merge([$states.input, {...}])``. Anything else is computed on the way (None).
"""
from __future__ import annotations

import re
from typing import Any, Callable

_REF = re.compile(r"\$(states\.input|states\.result|[A-Za-z_]\w*)((?:\.[A-Za-z_]\w*|\[\d+\])*)\Z")
_KEY = re.compile(r"""\s*(?:'([^']*)'|"([^"]*)")\s*:\s*(.*)\Z""", re.S)
_SEGMENT = re.compile(r"\.([A-Za-z_]\w*)|\[(\d+)\]")


def body(text: Any) -> str | None:
    """The expression inside ``{% ... %}``."""
    if not isinstance(text, str):
        return None
    stripped = text.strip()
    if not (stripped.startswith("{%") and stripped.endswith("%}")):
        return None
    return stripped[2:-2].strip()


def split_top(text: str, sep: str = ",") -> list[str]:
    """``text`` split at ``sep`` outside brackets and quotes."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def keys_in(rest: str) -> tuple:
    return tuple(m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _SEGMENT.finditer(rest))


def view_of(expr: str, resolve: Callable[[str, tuple], Any], make: Callable, depth: int = 0) -> Any:
    """The view of ``expr``'s value. ``resolve(base, keys)``: the view of a reference
    (``base`` is ``states.input``, ``states.result`` or a variable's name); ``make(over)``: an
    object's view from ``((key, view), ...)``; ``make(over, base_view)`` puts them on a view."""
    expr = expr.strip()
    if depth > 8 or not expr:
        return None
    m = _REF.match(expr)
    if m:
        return resolve(m.group(1), keys_in(m.group(2)))
    if expr.startswith("{") and expr.endswith("}"):
        over = []
        for part in split_top(expr[1:-1]):
            if not part:
                continue
            pair = _KEY.match(part)
            if pair is None:
                return None
            key = pair.group(1) if pair.group(1) is not None else pair.group(2)
            over.append((key, view_of(pair.group(3), resolve, make, depth + 1)))
        return make(tuple(over))
    if expr.startswith("$merge(") and expr.endswith(")"):
        inner = expr[len("$merge("):-1].strip()
        if not (inner.startswith("[") and inner.endswith("]")):
            return None
        items = split_top(inner[1:-1])
        base = view_of(items[0], resolve, make, depth + 1) if items else None
        if base is None:
            return None
        for item in items[1:]:
            part = view_of(item, resolve, make, depth + 1)
            if part is None or part.prefix is not None:
                return None
            base = make(part.over, base)
        return base
    return None
