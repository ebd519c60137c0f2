"""JSONPath as AWS Step Functions evaluates it, compiled once.

AWS uses Jayway's JSONPath dialect. A *definite* path (only names and indexes) yields one value
or fails with :class:`PathNotFound`; an *indefinite* path (wildcards, slices, unions, filters,
deep scans) yields a list, empty when nothing matched.

Roots: ``$`` is the state's data, ``$$`` the context object, ``$name`` a workflow variable.
Evaluation takes a *scope*: any object with ``.context`` and ``.variables`` attributes.
"""
from __future__ import annotations

import functools
import json
import re
from typing import Any, Callable

__all__ = ["JsonPath", "PathNotFound", "JsonPathSyntaxError", "compile_path", "compile_reference_path",
           "set_reference_path"]


class JsonPathSyntaxError(ValueError):
    pass


class PathNotFound(LookupError):
    def __init__(self, path: "JsonPath"):
        self.path = path
        super().__init__(path.text)


_MISSING = object()
_NAME_END = re.compile(r"[.\[\s()]")
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class JsonPath:
    """A compiled path. ``evaluate(data, scope)`` returns the value (or list, when indefinite)."""

    __slots__ = ("text", "root", "variable", "steps", "definite", "keys", "is_reference", "evaluate")

    def __init__(self, text: str, root: str, variable: str | None, steps: list):
        self.text = text
        self.root = root          # "$", "$$" or "var"
        self.variable = variable  # the variable's name when root == "var"
        self.steps = tuple(steps)
        # loops rather than generators: every distinct path of a definition is compiled here
        definite = True
        for kind, _ in steps:
            if kind != "key" and kind != "index":
                definite = False
                break
        self.definite = definite
        self.keys = tuple([arg for _, arg in steps]) if definite else None
        # A reference path: only names and indexes below ``$``, as ResultPath and InputPath allow.
        self.is_reference = root == "$" and definite
        self.evaluate = self._make_evaluator()

    def __repr__(self) -> str:
        return f"JsonPath({self.text!r})"

    def _make_evaluator(self) -> Callable[[Any, Any], Any]:
        root, keys, path = self.root, self.keys, self
        if root == "$":
            def start(data, scope):
                return data
        elif root == "$$":
            def start(data, scope):
                return scope.context
        else:
            name = self.variable

            def start(data, scope):
                variables = scope.variables
                if variables is None or name not in variables:
                    raise PathNotFound(path)
                return variables[name]

        if keys == ():
            return start
        if keys is not None and len(keys) == 1 and isinstance(keys[0], str):
            (only,) = keys

            def evaluate(data, scope):
                value = start(data, scope)
                if type(value) is dict:
                    found = value.get(only, _MISSING)
                    if found is not _MISSING:
                        return found
                raise PathNotFound(path)
            return evaluate
        if keys is not None and root == "$":
            def evaluate(data, scope):
                value = data
                for key in keys:
                    kind = type(value)
                    if kind is dict:
                        value = value.get(key, _MISSING)
                        if value is _MISSING:
                            raise PathNotFound(path)
                    elif kind is list and type(key) is int and -len(value) <= key < len(value):
                        value = value[key]
                    else:
                        raise PathNotFound(path)
                return value
            return evaluate
        if keys is not None:
            def evaluate(data, scope):
                value = start(data, scope)
                for key in keys:
                    value = _step(value, key)
                    if value is _MISSING:
                        raise PathNotFound(path)
                return value
            return evaluate
        steps = self.steps

        def evaluate(data, scope):
            nodes = [start(data, scope)]
            for kind, arg in steps:
                nodes = _APPLY[kind](nodes, arg, data, scope)
            return nodes
        return evaluate


def _step(value: Any, key: str | int) -> Any:
    if type(key) is str:
        if type(value) is dict:
            return value.get(key, _MISSING)
        return _MISSING
    if type(value) is list:
        n = len(value)
        if -n <= key < n:
            return value[key]
    return _MISSING


# --- indefinite steps: each maps a list of nodes to a list of nodes -------------------------

def _apply_key(nodes, key, data, scope):
    out = []
    for node in nodes:
        found = _step(node, key)
        if found is not _MISSING:
            out.append(found)
    return out


def _children(node):
    if type(node) is dict:
        return list(node.values())
    if type(node) is list:
        return node
    return []


def _apply_wildcard(nodes, _arg, data, scope):
    out = []
    for node in nodes:
        out.extend(_children(node))
    return out


def _apply_union(nodes, keys, data, scope):
    out = []
    for node in nodes:
        for key in keys:
            found = _step(node, key)
            if found is not _MISSING:
                out.append(found)
    return out


def _apply_slice(nodes, bounds, data, scope):
    start, stop, step = bounds
    out = []
    for node in nodes:
        if type(node) is list:
            out.extend(node[slice(start, stop, step)])
    return out


def _descendants(node, out):
    out.append(node)
    for child in _children(node):
        _descendants(child, out)


def _apply_deep(nodes, selector, data, scope):
    everything = []
    for node in nodes:
        _descendants(node, everything)
    kind, arg = selector
    if kind == "wildcard":
        return [child for node in everything for child in _children(node)]
    return _APPLY[kind](everything, arg, data, scope)


def _apply_filter(nodes, predicate, data, scope):
    out = []
    for node in nodes:
        candidates = node if type(node) is list else [node] if type(node) is dict else []
        for item in candidates:
            if predicate(item, data, scope):
                out.append(item)
    return out


_APPLY = {"key": _apply_key, "index": _apply_key, "wildcard": _apply_wildcard, "union": _apply_union,
          "slice": _apply_slice, "deep": _apply_deep, "filter": _apply_filter}


# --- parsing -----------------------------------------------------------------------------

class _Reader:
    __slots__ = ("text", "pos")

    def __init__(self, text: str, pos: int = 0):
        self.text = text
        self.pos = pos

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def expect(self, s: str) -> None:
        if not self.text.startswith(s, self.pos):
            raise self.error(f"expected '{s}'")
        self.pos += len(s)

    def error(self, message: str) -> JsonPathSyntaxError:
        return JsonPathSyntaxError(f"Invalid JSONPath '{self.text}': {message} at position {self.pos}")


_SIMPLE = re.compile(r"(\$\$?)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*)\Z")
_SIMPLE_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")


def compile_path(text: str) -> JsonPath:
    """Compile a JSONPath (``$...``, ``$$...`` or ``$variable...``).

    Compiled paths are immutable, so the same text is compiled once per process.
    """
    if type(text) is not str:
        raise JsonPathSyntaxError(f"Invalid JSONPath {text!r}: a path starts with '$'")
    return _compile_cached(text)


@functools.lru_cache(maxsize=8192)
def _compile_cached(text: str) -> JsonPath:
    if not text.startswith("$"):
        raise JsonPathSyntaxError(f"Invalid JSONPath {text!r}: a path starts with '$'")
    simple = _SIMPLE.match(text)
    if simple:
        steps = [("key", name) if name else ("index", int(index))
                 for name, index in _SIMPLE_STEP.findall(simple.group(2))]
        return JsonPath(text, simple.group(1), None, steps)
    reader = _Reader(text)
    root, variable = _parse_root(reader)
    steps = _parse_steps(reader, stop_chars="")
    if not reader.at_end():
        raise reader.error("unexpected character")
    return JsonPath(text, root, variable, steps)


def compile_reference_path(text: str) -> JsonPath:
    """A reference path: names and indexes below ``$`` only (ResultPath, and AWS's InputPath)."""
    path = compile_path(text)
    if not path.is_reference:
        raise JsonPathSyntaxError(f"Invalid reference path '{text}': only names and array indexes are allowed")
    return path


def _parse_root(reader: _Reader) -> tuple[str, str | None]:
    reader.expect("$")
    if reader.peek() == "$":
        reader.pos += 1
        return "$$", None
    match = _VAR_NAME.match(reader.text, reader.pos)
    if match:
        reader.pos = match.end()
        return "var", match.group()
    return "$", None


def _parse_steps(reader: _Reader, stop_chars: str) -> list:
    steps: list = []
    text = reader.text
    while not reader.at_end() and text[reader.pos] not in stop_chars:
        ch = text[reader.pos]
        if ch == ".":
            if text.startswith("..", reader.pos):
                reader.pos += 2
                if reader.peek() == "[":
                    selector = _parse_bracket(reader)
                else:
                    selector = _parse_dot_name(reader)
                steps.append(("deep", selector))
                continue
            reader.pos += 1
            step = _parse_dot_name(reader)
            if step[0] == "key" and reader.peek(2) == "()":
                raise reader.error(f"function '{step[1]}()' is not supported")
            steps.append(step)
        elif ch == "[":
            steps.append(_parse_bracket(reader))
        else:
            break
    return steps


def _parse_dot_name(reader: _Reader) -> tuple:
    if reader.peek() == "*":
        reader.pos += 1
        return ("wildcard", None)
    match = _NAME_END.search(reader.text, reader.pos)
    end = match.start() if match else len(reader.text)
    name = reader.text[reader.pos:end]
    if not name:
        raise reader.error("expected a field name")
    reader.pos = end
    return ("key", name)


_INT = re.compile(r"-?\d+")


def _parse_bracket(reader: _Reader) -> tuple:
    reader.expect("[")
    reader.skip_spaces()
    ch = reader.peek()
    if ch == "*":
        reader.pos += 1
        reader.skip_spaces()
        reader.expect("]")
        return ("wildcard", None)
    if ch == "?":
        reader.pos += 1
        reader.skip_spaces()
        reader.expect("(")
        predicate = _parse_filter(reader)
        reader.skip_spaces()
        reader.expect(")")
        reader.skip_spaces()
        reader.expect("]")
        return ("filter", predicate)
    if ch in "'\"":
        names = [_parse_quoted(reader)]
        reader.skip_spaces()
        while reader.peek() == ",":
            reader.pos += 1
            reader.skip_spaces()
            names.append(_parse_quoted(reader))
            reader.skip_spaces()
        reader.expect("]")
        return ("key", names[0]) if len(names) == 1 else ("union", tuple(names))
    # indexes, unions of indexes, slices
    parts: list[str] = []
    start = reader.pos
    depth_end = reader.text.find("]", start)
    if depth_end < 0:
        raise reader.error("missing ']'")
    body = reader.text[start:depth_end].replace(" ", "")
    reader.pos = depth_end + 1
    if ":" in body:
        bounds = body.split(":")
        if len(bounds) > 3 or any(b and not _INT.fullmatch(b) for b in bounds):
            raise JsonPathSyntaxError(f"Invalid JSONPath '{reader.text}': bad slice '[{body}]'")
        values = [int(b) if b else None for b in bounds] + [None] * (3 - len(bounds))
        if values[2] == 0:
            raise JsonPathSyntaxError(f"Invalid JSONPath '{reader.text}': slice step cannot be 0")
        return ("slice", tuple(values))
    parts = body.split(",")
    if not parts or any(not _INT.fullmatch(p) for p in parts):
        raise JsonPathSyntaxError(f"Invalid JSONPath '{reader.text}': bad index '[{body}]'")
    if len(parts) == 1:
        return ("index", int(parts[0]))
    return ("union", tuple(int(p) for p in parts))


def _parse_quoted(reader: _Reader) -> str:
    quote = reader.peek()
    reader.pos += 1
    out = []
    text = reader.text
    while True:
        if reader.at_end():
            raise reader.error("unterminated string")
        ch = text[reader.pos]
        if ch == "\\" and reader.pos + 1 < len(text):
            out.append(text[reader.pos + 1])
            reader.pos += 2
            continue
        reader.pos += 1
        if ch == quote:
            return "".join(out)
        out.append(ch)


# --- filter expressions: [?( ... )] ----------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_SYMBOL_OPERATORS = ("==", "!=", "<=", ">=", "=~", "<", ">")
_WORD_OPERATOR = re.compile(r"(nin|in)(?=[\s\[])")


def _parse_filter(reader: _Reader):
    return _parse_or(reader)


def _parse_or(reader):
    left = _parse_and(reader)
    while True:
        reader.skip_spaces()
        if reader.peek(2) != "||":
            return left
        reader.pos += 2
        right = _parse_and(reader)
        left = (lambda a, b: lambda item, data, scope: a(item, data, scope) or b(item, data, scope))(left, right)


def _parse_and(reader):
    left = _parse_unary(reader)
    while True:
        reader.skip_spaces()
        if reader.peek(2) != "&&":
            return left
        reader.pos += 2
        right = _parse_unary(reader)
        left = (lambda a, b: lambda item, data, scope: a(item, data, scope) and b(item, data, scope))(left, right)


def _parse_unary(reader):
    reader.skip_spaces()
    if reader.peek() == "!" and reader.peek(2) != "!=":
        reader.pos += 1
        inner = _parse_unary(reader)
        return lambda item, data, scope: not inner(item, data, scope)
    if reader.peek() == "(":
        reader.pos += 1
        inner = _parse_or(reader)
        reader.skip_spaces()
        reader.expect(")")
        return inner
    return _parse_comparison(reader)


def _parse_comparison(reader):
    left = _parse_operand(reader)
    reader.skip_spaces()
    token = next((op for op in _SYMBOL_OPERATORS if reader.text.startswith(op, reader.pos)), None)
    if token is None:
        match = _WORD_OPERATOR.match(reader.text, reader.pos)
        token = match.group(1) if match else None
    if token is None:
        return lambda item, data, scope: left(item, data, scope) is not _MISSING
    reader.pos += len(token)
    right = _parse_operand(reader, regex=(token == "=~"))
    compare = _COMPARE[token]
    return lambda item, data, scope: compare(left(item, data, scope), right(item, data, scope))


def _parse_operand(reader, regex: bool = False):
    reader.skip_spaces()
    ch = reader.peek()
    text = reader.text
    if ch == "@" or ch == "$":
        reader.pos += 1
        root = ch
        if ch == "$" and reader.peek() == "$":
            reader.pos += 1
            root = "$$"
        steps = _parse_steps(reader, stop_chars=" )=!<>&|,]")
        path = JsonPath(root + "...", "$" if root == "@" else root, None, steps)
        if root == "@":
            def operand(item, data, scope):
                try:
                    return path.evaluate(item, scope)
                except PathNotFound:
                    return _MISSING
        else:
            def operand(item, data, scope):
                try:
                    return path.evaluate(data, scope)
                except PathNotFound:
                    return _MISSING
        return operand
    if ch in "'\"":
        value = _parse_quoted(reader)
        return lambda item, data, scope: value
    if ch == "/" and regex:
        end = text.find("/", reader.pos + 1)
        while end > 0 and text[end - 1] == "\\":
            end = text.find("/", end + 1)
        if end < 0:
            raise reader.error("unterminated regular expression")
        pattern = text[reader.pos + 1:end]
        reader.pos = end + 1
        flags = 0
        while reader.peek() in ("i", "m", "s") and reader.peek():
            flags |= {"i": re.I, "m": re.M, "s": re.S}[reader.peek()]
            reader.pos += 1
        compiled = re.compile(pattern, flags)
        return lambda item, data, scope: compiled
    if ch == "[":
        end = text.find("]", reader.pos)
        if end < 0:
            raise reader.error("missing ']'")
        try:
            value = json.loads(text[reader.pos:end + 1].replace("'", '"'))
        except ValueError:
            raise reader.error("bad list literal") from None
        reader.pos = end + 1
        return lambda item, data, scope: value
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, reader.pos):
            reader.pos += len(word)
            return lambda item, data, scope, value=value: value
    match = _NUMBER.match(text, reader.pos)
    if match:
        reader.pos = match.end()
        number = float(match.group()) if (match.group(1) or match.group(2)) else int(match.group())
        return lambda item, data, scope: number
    raise reader.error("expected a value in the filter")


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


def _same_kind(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return True
    return type(a) is type(b)


def _ordered(op):
    def compare(a, b):
        if a is _MISSING or b is _MISSING or not _same_kind(a, b) or type(a) not in (int, float, str):
            return False
        return op(a, b)
    return compare


def _equals(a, b):
    if a is _MISSING or b is _MISSING:
        return False
    return _same_kind(a, b) and a == b


_COMPARE = {
    "==": _equals,
    "!=": lambda a, b: a is not _MISSING and not _equals(a, b),
    "<": _ordered(lambda a, b: a < b),
    "<=": _ordered(lambda a, b: a <= b),
    ">": _ordered(lambda a, b: a > b),
    ">=": _ordered(lambda a, b: a >= b),
    "=~": lambda a, b: isinstance(a, str) and bool(b.fullmatch(a)),
    "in": lambda a, b: isinstance(b, list) and any(_equals(a, x) for x in b),
    "nin": lambda a, b: isinstance(b, list) and not any(_equals(a, x) for x in b),
}


# --- writing through a reference path (ResultPath) ----------------------------------------

class ResultPathMatchFailure(Exception):
    """The reference path cannot be applied to the value (e.g. a key under a string)."""


def set_reference_path(data: Any, path: JsonPath, value: Any) -> Any:
    """Return ``data`` with ``value`` placed at ``path``, copying (never mutating) along the way.

    Missing objects along the path are created, as AWS does; stepping into anything that is not
    an object (or a missing array index) fails with :class:`ResultPathMatchFailure`.
    """
    keys = path.keys
    if not keys:
        return value
    return _set(data, keys, 0, value)


def _set(node: Any, keys: tuple, i: int, value: Any) -> Any:
    key = keys[i]
    last = i == len(keys) - 1
    if type(key) is str:
        if type(node) is not dict:
            raise ResultPathMatchFailure(key)
        copy = dict(node)
        if last:
            copy[key] = value
        else:
            child = node.get(key, _MISSING)
            copy[key] = _set({} if child is _MISSING else child, keys, i + 1, value)
        return copy
    if type(node) is not list or not (-len(node) <= key < len(node)):
        raise ResultPathMatchFailure(key)
    copy = list(node)
    copy[key] = value if last else _set(node[key], keys, i + 1, value)
    return copy
