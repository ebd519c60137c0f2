"""Syntax of AWS's JSONPath dialect, checked without evaluating anything.

Two grammars matter. A *reference path* (ResultPath, InputPath, the ``...Path`` fields) may only
name a single node: ``$``, ``$.a.b``, ``$['a b']``, ``$.a[0]``. A *path* (a ``.$`` value in a
payload template, a Choice ``Variable``, ``ItemsPath``) may also use wildcards, recursive descent,
slices, unions and filters, as Jayway JsonPath (which AWS runs) does.

Both may start from the input (``$``), the context object (``$$``) or a variable (``$name``);
callers that must not accept the latter two say so. Each checker returns ``None`` when the text
is fine, or a short phrase saying what is wrong, and memoises its answer: definitions repeat the
same few paths many times, and the validator must stay fast on thousands of states.
"""
from __future__ import annotations

import re

_NAME = re.compile(r"[^.\[\]()\s'\"*?@,:]+")
_INT = re.compile(r"-?\d+")
_VAR = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")

_reference_cache: dict[str, str | None] = {}
_path_cache: dict[str, str | None] = {}


def reference_path_error(text: str) -> str | None:
    """Why ``text`` is not a reference path, or None when it is one."""
    found = _reference_cache.get(text, _reference_cache)
    if found is _reference_cache:
        found = _reference_cache[text] = _scan(text, reference=True)
    return found


def path_error(text: str) -> str | None:
    """Why ``text`` is not a JSONPath that AWS accepts, or None when it is one."""
    found = _path_cache.get(text, _path_cache)
    if found is _path_cache:
        found = _path_cache[text] = _scan(text, reference=False)
    return found


def root_of(text: str) -> str:
    """'input', 'context' or 'variable': what the path starts from (the text must be a path)."""
    if text.startswith("$$"):
        return "context"
    if len(text) > 1 and text[1] not in ".[":
        return "variable"
    return "input"


def _scan(text: str, *, reference: bool) -> str | None:
    if not text.startswith("$"):
        return "it must start with '$'"
    if text.startswith("$$"):
        i = 2
    else:
        var = _VAR.match(text)
        i = var.end() if var else 1
        if not var and len(text) > 1 and text[1] not in ".[":
            return "a variable name after '$' must start with a letter or '_'"
    n = len(text)
    while i < n:
        c = text[i]
        if c == ".":
            if text.startswith("..", i):
                if reference:
                    return "'..' (recursive descent) is not allowed in a reference path"
                i += 2
                if i < n and text[i] == "*":
                    i += 1
                    continue
                if i < n and text[i] == "[":
                    continue
            else:
                i += 1
                if i < n and text[i] == "[" and not reference:
                    continue  # Jayway reads '$.[...]' as '$[...]'
                if i < n and text[i] == "*":
                    if reference:
                        return "'*' (wildcard) is not allowed in a reference path"
                    i += 1
                    continue
            name = _NAME.match(text, i)
            if not name:
                return f"a field name is expected at position {i + 1}"
            i = name.end()
            if text.startswith("()", i) and not reference and i + 2 == n:
                i += 2  # a trailing function such as length()
        elif c == "[":
            end, problem = _bracket(text, i + 1, reference)
            if problem:
                return problem
            i = end
        else:
            return f"unexpected '{c}' at position {i + 1}"
    return None


def _bracket(text: str, i: int, reference: bool) -> tuple[int, str | None]:
    """Scan a ``[...]`` selector whose contents start at ``i``; return the index after ``]``."""
    n = len(text)
    if i >= n:
        return i, "'[' is not closed"
    c = text[i]
    if c in "'\"":
        # one or more quoted names separated by commas
        parts = 0
        while True:
            end = _quoted(text, i)
            if end < 0:
                return i, "a quoted name in brackets is not closed"
            parts += 1
            i = end
            if i < n and text[i] == ",":
                i += 1
                while i < n and text[i] == " ":
                    i += 1
                if i < n and text[i] in "'\"":
                    continue
                return i, "a quoted name is expected after ','"
            break
        if parts > 1 and reference:
            return i, "a union of names is not allowed in a reference path"
        if i < n and text[i] == "]":
            return i + 1, None
        return i, "']' is expected after the quoted name"
    if c == "?" or c == "(":
        if reference:
            return i, "filters and expressions are not allowed in a reference path"
        if c == "?":
            i += 1
            if i >= n or text[i] != "(":
                return i, "a filter must be written '[?(...)]'"
        end = _balanced(text, i)
        if end < 0:
            return i, "a filter's parentheses are not balanced"
        if end < n and text[end] == "]":
            return end + 1, None
        return end, "']' is expected after the filter"
    if c == "*":
        if reference:
            return i, "'*' (wildcard) is not allowed in a reference path"
        if text.startswith("*]", i):
            return i + 2, None
        return i, "']' is expected after '*'"
    close = text.find("]", i)
    if close < 0:
        return i, "'[' is not closed"
    inner = text[i:close].replace(" ", "")
    if _INT.fullmatch(inner):
        if reference and inner.startswith("-"):
            return i, "a negative index is not allowed in a reference path"
        return close + 1, None
    if reference:
        return i, f"'[{text[i:close]}]' is not an index or a quoted name"
    if ":" in inner:
        pieces = inner.split(":")
        if len(pieces) <= 3 and all(p == "" or _INT.fullmatch(p) for p in pieces):
            return close + 1, None
        return i, f"'[{text[i:close]}]' is not a valid slice"
    if "," in inner and all(_INT.fullmatch(p) for p in inner.split(",")):
        return close + 1, None
    return i, f"'[{text[i:close]}]' is not an index, slice, union or quoted name"


def _quoted(text: str, i: int) -> int:
    quote = text[i]
    i += 1
    n = len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return -1


def _balanced(text: str, i: int) -> int:
    """Index after the ``)`` matching the ``(`` at ``i``, skipping quoted text; -1 if none."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            end = _quoted(text, i)
            if end < 0:
                return -1
            i = end
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1
