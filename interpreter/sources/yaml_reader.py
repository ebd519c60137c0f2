"""YAML read as SAM, CloudFormation and the Serverless Framework read it, within bounds.

PyYAML's own loaders get three things wrong for state machines:

- They follow YAML 1.1, where ``Yes``, ``No``, ``on``, ``off`` and ``y`` are booleans and ``1:30``
  is a number, so states named ``Yes``/``No`` became ``True``/``False``. Here keys are always the
  text written, values follow YAML 1.2's core schema (only ``true``/``false`` are booleans, as in
  the Serverless Framework's js-yaml), and a plain scalar under ``StartAt``, ``Next`` or
  ``Default`` stays the text written, since those name a state.
- They build the tree recursively and PyYAML's pure-Python scanner is quadratic in the nesting of
  ``[[[...`` (60 KB nested 10,000 levels took 10 s). Here the document is built from the parser's
  event stream with an explicit stack, and refused at the first event past ``max_depth``, before
  anything deeper is read.
- Aliases are shared, so a few lines of nested aliases ("billion laughs") expand to gigabytes
  once serialised. Here every alias counts the nodes and characters it stands for, and the
  document is refused as soon as the expanded total passes the bound. Aliases within the bound
  work, merge keys (``<<: *defaults``) too: Serverless files use them for shared Retry blocks.

CloudFormation's short tags become the objects they stand for (``!Ref X`` is ``{"Ref": "X"}``,
``!GetAtt A.B`` is ``{"Fn::GetAtt": ["A", "B"]}``, ``!Sub`` is ``{"Fn::Sub": ...}``...).
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml import events as ev

try:  # libyaml's parser: C speed, and the same events as the pure-Python one
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

from ..limits import DOCUMENT_DEPTH as MAX_DEPTH  # noqa: E402
# A 1 MB definition (AWS's limit) holds far fewer values than this, even written out in YAML.
MAX_NODES = 250_000              # values in the document, aliases expanded
MAX_CHARACTERS = 8 * 1024 * 1024  # characters of text in the document, aliases expanded

STATE_NAME_KEYS = frozenset(("StartAt", "Next", "Default"))

_YAML = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))


class YamlError(ValueError):
    """The text is not YAML this reader accepts; ``line``/``column`` count from 1 when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, *, bound: bool = False):
        where = f" (line {line}, column {column})" if line else ""
        super().__init__(message + where)
        self.message = message
        self.line = line
        self.column = column
        self.bound = bound  # refused for its size or depth, not its syntax


def _where(event) -> tuple[int | None, int | None]:
    mark = getattr(event, "start_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


def resolve_plain(text: str) -> Any:
    """A plain (unquoted, untagged) scalar under YAML 1.2's core schema."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if first in "0123456789+-.":
        if _INT.match(text):
            return int(text)
        if _OCT.match(text):
            return int(text[2:], 8)
        if _HEX.match(text):
            return int(text[2:], 16)
        if _FLOAT.match(text):
            return float(text)
    return text  # .inf and .nan have no JSON form: they stay text


_SCALARS = frozenset(("str", "binary", "timestamp", "null", "bool", "int", "float"))
_COLLECTIONS = frozenset(("map", "seq", "omap", "set", "pairs"))


def _unsupported(event) -> YamlError:
    return YamlError(f"The YAML tag !!{event.tag[len(_YAML):]} is not supported: state machines hold only "
                     f"text, numbers, booleans, null, lists and objects", *_where(event))


def _tagged_scalar(tag: str, text: str, line: int | None, column: int | None) -> Any:
    if tag.startswith(_YAML):
        kind = tag[len(_YAML):]
        if kind not in _SCALARS:
            raise YamlError(f"The YAML tag !!{kind} is not supported: state machines hold only text, numbers, "
                            f"booleans, null, lists and objects", line, column)
        if kind == "str" or kind == "binary" or kind == "timestamp":
            return text
        value = resolve_plain(text)
        if kind == "null" and value is None or kind == "bool" and isinstance(value, bool):
            return value
        if kind == "int" and type(value) is int or kind == "float" and isinstance(value, (int, float)):
            return float(value) if kind == "float" else value
        raise YamlError(f"'{text}' is not a valid !!{kind}", line, column)
    if tag == "!":
        return text
    return cloudformation(tag[1:], text) if tag.startswith("!") else text


def cloudformation(name: str, value: Any) -> dict:
    """What a CloudFormation short tag stands for, as the long form."""
    if name == "Ref" or name == "Condition":
        return {name: value}
    if name == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{name}": value}


def _copy(value: Any) -> Any:
    """Each alias gets its own copy, so that the result is a tree any caller may change."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


class _Frame:
    __slots__ = ("mapping", "value", "key", "key_text", "anchor", "tag", "nodes", "chars", "merges", "path")

    def __init__(self, mapping: bool, anchor, tag, nodes: int, chars: int, path: tuple):
        self.mapping = mapping
        self.value: Any = {} if mapping else []
        self.key: Any = _NO_KEY  # for a mapping: the key waiting for its value
        self.anchor = anchor
        self.tag = tag
        self.nodes = nodes  # totals when the collection opened: its own size is the difference
        self.chars = chars
        self.merges: list = []
        self.path = path


_NO_KEY = object()
_MERGE = object()


def load(text: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES,
         max_characters: int = MAX_CHARACTERS) -> tuple[Any, list[tuple[tuple, str]]]:
    """The first document in ``text`` and the keys it repeats, as ``(path, key)`` pairs in order
    (YAML, like JSON, keeps the last of two equal keys; AWS rejects the definition)."""
    parser = _CParser(text) if _CParser is not None else _PyParser(text)
    try:
        return _Builder(max_depth, max_nodes, max_characters).build(parser)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = (mark.line + 1, mark.column + 1) if mark else (None, None)
        if "nesting depth" in str(exc.problem):  # libyaml's own bound, met in [[[[... before any event
            raise YamlError(f"The YAML is nested more than {max_depth} levels deep", *where, bound=True) from None
        raise YamlError(f"Not valid YAML: {exc.problem or exc.context or 'unreadable'}", *where) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"Not valid YAML: {exc}") from None
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()


class _Builder:
    def __init__(self, max_depth: int, max_nodes: int, max_characters: int):
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.max_characters = max_characters
        self.nodes = 0
        self.chars = 0
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.duplicates: list[tuple[tuple, str]] = []

    def build(self, parser) -> tuple[Any, list]:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        get = parser.get_event
        while True:
            event = get()
            kind = type(event)
            if kind is ev.ScalarEvent:
                value = self._scalar(event, stack)
                self._count(1, len(event.value), event)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1, len(event.value))
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                if event.tag and event.tag.startswith(_YAML) and event.tag[len(_YAML):] not in _COLLECTIONS:
                    raise _unsupported(event)
                if len(stack) >= self.max_depth:
                    raise YamlError(f"The YAML is nested more than {self.max_depth} levels deep", *_where(event),
                                    bound=True)
                self._count(1, 0, event)
                path = stack[-1].path + (self._slot(stack[-1]),) if stack else ()
                stack.append(_Frame(kind is ev.MappingStartEvent, event.anchor, event.tag,
                                    self.nodes, self.chars, path))
                continue
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                frame = stack.pop()
                value = frame.value
                if frame.merges:
                    value = self._merged(frame)
                if frame.tag and frame.tag.startswith("!") and not frame.tag.startswith("!!"):
                    value = cloudformation(frame.tag[1:], value) if frame.tag != "!" else value
                if frame.anchor:
                    self.anchors[frame.anchor] = (value, self.nodes - frame.nodes, self.chars - frame.chars)
            elif kind is ev.AliasEvent:
                if event.anchor not in self.anchors:
                    raise YamlError(f"The alias *{event.anchor} names no anchor defined before it (an alias cannot "
                                    f"refer to the value that contains it)", *_where(event))
                anchored, nodes, chars = self.anchors[event.anchor]
                self._count(nodes, chars, event)
                value = _copy(anchored)
                if stack and stack[-1].mapping and stack[-1].key is _NO_KEY:
                    if not isinstance(value, str):
                        raise YamlError(f"The alias *{event.anchor} is used as a key but is not text", *_where(event))
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlError("The file holds more than one YAML document (a second '---'): keep one",
                                    *_where(event))
                continue
            elif kind is ev.StreamEndEvent:
                return root, self.duplicates
            else:
                continue
            if not stack:
                root = value
            else:
                self._add(stack[-1], value, event)

    def _count(self, nodes: int, chars: int, event) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > self.max_nodes or self.chars > self.max_characters:
            raise YamlError(f"The YAML expands to more than {self.max_nodes:,} values or {self.max_characters:,} "
                            f"characters (aliases count for what they repeat)", *_where(event), bound=True)

    @staticmethod
    def _slot(frame: _Frame) -> Any:
        return frame.key if frame.mapping else len(frame.value)

    def _scalar(self, event, stack: list[_Frame]) -> Any:
        text = event.value
        if stack and stack[-1].mapping and stack[-1].key is _NO_KEY:
            if event.implicit[0] and text == "<<":
                return _MERGE
            return text  # a key is the text written: `Yes:`, `1.0:` and `on:` name states
        if event.implicit[0]:
            if stack and stack[-1].mapping and stack[-1].key in STATE_NAME_KEYS:
                return text
            return resolve_plain(text)
        if event.tag is None:
            return text
        return _tagged_scalar(event.tag, text, *_where(event))

    def _add(self, frame: _Frame, value: Any, event) -> None:
        if not frame.mapping:
            frame.value.append(value)
            return
        if frame.key is _NO_KEY:
            if not isinstance(value, str) and value is not _MERGE:
                raise YamlError("A key must be text, not a list or an object", *_where(event))
            frame.key = value
            return
        key, frame.key = frame.key, _NO_KEY
        if key is _MERGE:
            merged = value if isinstance(value, list) else [value]
            if not all(isinstance(m, dict) for m in merged):
                raise YamlError("A merge key (<<) takes an object or a list of objects", *_where(event))
            frame.merges.extend(merged)
            return
        if key in frame.value:
            self.duplicates.append((frame.path, key))
        frame.value[key] = value

    @staticmethod
    def _merged(frame: _Frame) -> dict:
        # YAML's merge: the mapping's own keys win, then earlier merged mappings over later ones.
        out: dict = {}
        for merged in frame.merges:
            for key, value in merged.items():
                out.setdefault(key, value)
        out.update(frame.value)
        return out


if _CParser is None:  # pragma: no cover
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PyParser(Reader, Scanner, Parser):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
