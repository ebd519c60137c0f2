"""The grammar of AWS's JSONPath dialect: text to a root and a list of steps, or a syntax error.

Step Functions' guide says paths "follow JsonPath syntax" and links Jayway JsonPath, the Java
library AWS runs; this grammar follows Jayway's path compiler where AWS does:

- roots: ``$`` (the state's data), ``$$`` (the context object), ``$name`` (a workflow variable);
  after a root comes ``.`` or ``[`` or nothing;
- ``.name`` (any characters up to ``.``, ``[`` or ``(``; white space needs brackets), ``.*``,
  and ``.[...]``, which Jayway reads as ``[...]`` (so ``$.[0]`` and ``$.Snapshots.[0].State``);
- ``..`` (deep scan) before a name, ``*`` or ``[...]``;
- ``['name']`` or ``["name"]`` with backslash escapes, ``['a', 'b']`` (a union; as the last step
  it merges the named fields into one object), ``[*]``, ``[2]``, ``[-1]``, ``[0, 2]``,
  ``[1:3]``, ``[:2]``, ``[-2:]`` (Jayway reads only start and end), ``[?(filter)]``
  (see ``filters.py``) and Goessner's ``[(@.length-1)]``;
- a trailing function such as ``.length()``: AWS accepts it when the state machine is created and
  finds nothing when it runs ("The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could
  not be found in the input", quoted from an AWS forum thread), so it is a step that matches nothing.

Steps are plain tuples ``(kind, argument)``; ``evaluate.py`` turns them into an evaluator.
"""
from __future__ import annotations

import re

from .errors import JsonPathSyntaxError

_VARIABLE = re.compile(r"\$([^\W\d][\w-]*)")
_NAME = re.compile(r"[^.\[(\s]+")
# inside a filter a name also ends where an operator or the filter's own punctuation starts
_FILTER_NAME = re.compile(r"[^.\[()\s=!<>~&|,\]]+")
_INDEXES = re.compile(r"[\d\s,:-]*")
_INT = re.compile(r"-?\d+")
_SCRIPT = re.compile(r"\(\s*@\.length\s*(?:([+-])\s*(\d+)\s*)?\)\s*]")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class Reader:
    __slots__ = ("text", "pos")

    def __init__(self, text: str, pos: int = 0):
        self.text, self.pos = text, pos

    def peek(self) -> str:
        return self.text[self.pos:self.pos + 1]

    def skip_spaces(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        self.pos = pos

    def expect(self, s: str, what: str) -> None:
        self.skip_spaces()
        if not self.text.startswith(s, self.pos):
            raise self.error(f"{what} at position {self.pos + 1}")
        self.pos += len(s)

    def error(self, reason: str) -> JsonPathSyntaxError:
        return JsonPathSyntaxError(self.text, reason)


def parse_path(text: str) -> tuple[str, str | None, list]:
    """(root, variable name, steps) of a whole path; root is ``"$"``, ``"$$"`` or ``"var"``."""
    reader = Reader(text)
    root, variable = parse_root(reader)
    steps = parse_steps(reader, in_filter=False)
    if reader.pos < len(text):
        if text[reader.pos].isspace():
            raise reader.error(f"white space at position {reader.pos + 1}: a field name with spaces goes in "
                               f"brackets, such as $['my field']")
        raise reader.error(f"unexpected '{text[reader.pos]}' at position {reader.pos + 1}")
    return root, variable, finish(steps)


def parse_root(reader: Reader) -> tuple[str, str | None]:
    text, pos = reader.text, reader.pos
    if not text.startswith("$", pos):
        raise reader.error("it must start with '$'")
    if text.startswith("$$", pos):
        reader.pos = pos + 2
        return "$$", None
    match = _VARIABLE.match(text, pos)
    if match:
        reader.pos = match.end()
        return "var", match.group(1)
    reader.pos = pos + 1
    if reader.pos < len(text) and text[reader.pos] not in ".[" and text[reader.pos].isalnum():
        raise reader.error("a variable name after '$' must start with a letter or '_'")
    return "$", None


def finish(steps: list) -> list:
    """A union of names as the last step merges those fields into one object (Jayway's rule)."""
    if steps and steps[-1][0] == "union" and isinstance(steps[-1][1][0], str):
        steps[-1] = ("merge", steps[-1][1])
    return steps


def parse_steps(reader: Reader, *, in_filter: bool) -> list:
    """Steps until the text ends or something that is not a step begins (the caller decides)."""
    steps: list = []
    text = reader.text
    n = len(text)
    names = _FILTER_NAME if in_filter else _NAME
    while reader.pos < n:
        ch = text[reader.pos]
        if ch == "[":
            steps.append(_bracket(reader))
        elif ch != ".":
            break
        elif text.startswith("..", reader.pos):
            reader.pos += 2
            ch = reader.peek()
            if ch == "[":
                steps.append(("deep", _bracket(reader)))
            elif ch == "*":
                reader.pos += 1
                steps.append(("deep", ("wildcard", None)))
            else:
                steps.append(("deep", ("key", _name(reader, names))))
        else:
            reader.pos += 1
            ch = reader.peek()
            if ch == "[":  # Jayway reads '.[' as '['
                steps.append(_bracket(reader))
            elif ch == "*":
                reader.pos += 1
                steps.append(("wildcard", None))
            else:
                name = _name(reader, names)
                if reader.peek() == "(":
                    steps.append(_function(reader, name, in_filter))
                else:
                    steps.append(("key", name))
    return steps


def _name(reader: Reader, names: re.Pattern) -> str:
    match = names.match(reader.text, reader.pos)
    if not match:
        if reader.pos < len(reader.text) and reader.text[reader.pos].isspace():
            raise reader.error(f"a field name cannot hold white space (position {reader.pos + 1}): "
                               f"write it in brackets, such as ['my field']")
        raise reader.error(f"a field name is expected at position {reader.pos + 1}")
    reader.pos = match.end()
    return match.group()


def _function(reader: Reader, name: str, in_filter: bool) -> tuple:
    text, pos = reader.text, reader.pos
    if not text.startswith("()", pos) or (not in_filter and pos + 2 != len(text)):
        raise reader.error(f"'{name}(' at position {pos + 1}: a function such as length() may only end a path, "
                           f"without arguments")
    reader.pos = pos + 2
    return ("function", name)


def _bracket(reader: Reader) -> tuple:
    text = reader.text
    reader.pos += 1  # the '['
    reader.skip_spaces()
    ch = reader.peek()
    if not ch:
        raise reader.error("'[' is not closed")
    if ch == "'" or ch == '"':
        names = [quoted(reader)]
        reader.skip_spaces()
        while reader.peek() == ",":
            reader.pos += 1
            reader.skip_spaces()
            if reader.peek() not in ("'", '"') or not reader.peek():
                raise reader.error(f"a quoted name is expected after ',' at position {reader.pos + 1}")
            names.append(quoted(reader))
            reader.skip_spaces()
        reader.expect("]", "']' is expected after the quoted name")
        return ("key", names[0]) if len(names) == 1 else ("union", tuple(names))
    if ch == "*":
        reader.pos += 1
        reader.expect("]", "']' is expected after '*'")
        return ("wildcard", None)
    if ch == "?":
        reader.pos += 1
        reader.expect("(", "a filter must be written '[?(...)]'")
        from .filters import parse_predicate  # the filter grammar reads paths with this module

        predicate = parse_predicate(reader)
        reader.expect("]", "']' is expected after the filter")
        return ("filter", predicate)
    if ch == "(":
        match = _SCRIPT.match(text, reader.pos)
        if not match:
            raise reader.error(f"'[(' at position {reader.pos}: the only expression a path may index with is "
                               f"(@.length-N), the end of the array")
        reader.pos = match.end()
        offset = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1)
        return ("script", offset)
    start = reader.pos
    close = text.find("]", start)
    body = text[start:close] if close >= 0 else text[start:]
    if close < 0 or not _INDEXES.fullmatch(body):
        if close < 0:
            raise reader.error("'[' is not closed")
        raise reader.error(f"'[{body}]' is not an index, slice, union or quoted name")
    reader.pos = close + 1
    body = "".join(body.split())
    if ":" in body:
        bounds = body.split(":")
        if len(bounds) != 2 or not all(b == "" or _INT.fullmatch(b) for b in bounds) or bounds == ["", ""]:
            raise reader.error(f"'[{body}]' is not a slice such as [1:3], [:2] or [-2:]")
        return ("slice", tuple(int(b) if b else None for b in bounds))
    parts = body.split(",")
    if not all(_INT.fullmatch(p) for p in parts):
        raise reader.error(f"'[{body}]' is not an index, slice, union or quoted name")
    if len(parts) == 1:
        return ("index", int(parts[0]))
    return ("union", tuple(int(p) for p in parts))


def quoted(reader: Reader) -> str:
    """A quoted name or text; a backslash escapes the next character (Jayway's unescaping)."""
    text = reader.text
    quote = text[reader.pos]
    pos = reader.pos + 1
    out: list[str] = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\\" and pos + 1 < n:
            nxt = text[pos + 1]
            if nxt == "u" and pos + 6 <= n and re.fullmatch(r"[0-9A-Fa-f]{4}", text[pos + 2:pos + 6]):
                out.append(chr(int(text[pos + 2:pos + 6], 16)))
                pos += 6
            else:
                out.append(_ESCAPES.get(nxt, nxt))
                pos += 2
            continue
        if ch == quote:
            reader.pos = pos + 1
            return "".join(out)
        out.append(ch)
        pos += 1
    raise reader.error(f"a quoted name in brackets is not closed with {quote}")


def reference_problem(steps: list) -> str | None:
    """Why steps do not make a reference path (one node, named by fields and indexes), or None."""
    for kind, arg in steps:
        if kind == "key":
            continue
        if kind == "index":
            if arg < 0:
                return "a negative index is not allowed in a reference path"
            continue
        return _NOT_REFERENCE[kind](arg)
    return None


_NOT_REFERENCE = {
    "wildcard": lambda arg: "'*' (wildcard) is not allowed in a reference path",
    "deep": lambda arg: "'..' (recursive descent) is not allowed in a reference path",
    "filter": lambda arg: "filters and expressions are not allowed in a reference path",
    "script": lambda arg: "filters and expressions are not allowed in a reference path",
    "slice": lambda arg: "a slice such as [1:3] is not allowed in a reference path",
    "union": lambda arg: "a union such as [0,1] is not allowed in a reference path",
    "merge": lambda arg: "a union of names is not allowed in a reference path",
    "function": lambda arg: f"functions such as {arg}() are not allowed in a reference path",
}
