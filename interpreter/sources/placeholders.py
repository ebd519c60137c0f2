"""Placeholders: the ``${...}`` a deployment tool fills in before AWS sees the definition.

SAM's ``DefinitionSubstitutions``, CloudFormation's ``Fn::Sub``, the Serverless Framework's
``${self:...}``/``${opt:...}`` variables and Terraform's ``${...}`` interpolations all write a
placeholder the same way, so one scanner finds them all: ``${`` up to its matching ``}`` (they
may nest, as Serverless's ``${self:custom.${sls:stage}}`` does). ``${!Name}`` is CloudFormation's
escape for a literal ``${Name}`` and is no placeholder. Amazon States Language itself never
writes ``${``: JSONPath, intrinsic functions and JSONata have no use for it.

A definition keeps its placeholders as text until someone fills them (:func:`fill`): the
engineer's template stays the source of truth, and a stakeholder can still simulate it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..diagnostic import pointer as json_pointer


def tokens(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each outermost ``${...}`` in ``text``, escapes (``${!``) skipped."""
    i = text.find("${")
    while i != -1:
        if text.startswith("${!", i):
            i = text.find("${", i + 3)
            continue
        depth, j = 0, i
        while j < len(text):
            if text.startswith("${", j):
                depth += 1
                j += 2
                continue
            if text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if depth != 0:
            return  # an unclosed ${: text, not a placeholder
        yield i, j + 1
        i = text.find("${", j + 1)


def names_in(text: str) -> list[str]:
    return [text[start + 2:end - 1].strip() for start, end in tokens(text)] if "${" in text else []


@dataclass
class Placeholder:
    """One placeholder of a definition: where it is, where its value would come from, and a
    value that lets the definition run (``suggestion``, None when nothing sensible is known)."""
    name: str
    origin: str = ""
    suggestion: Any = None
    typed: bool = False  # it stood where a number or boolean may go (unquoted in the text)
    pointers: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # the field names it appears in (Resource...)

    @property
    def token(self) -> str:
        return "${" + self.name + "}"

    def as_dict(self) -> dict:
        return {"name": self.name, "token": self.token, "origin": self.origin, "suggestion": self.suggestion,
                "pointers": list(self.pointers), "states": list(self.states)}


def find(definition: Any, typed: set[str] | frozenset = frozenset()) -> list[Placeholder]:
    """Every placeholder in a definition (in keys too: a state may be named by one), in the
    order they first appear."""
    found: dict[str, Placeholder] = {}

    def note(text: str, path: tuple, state: str | None, key: str | None) -> None:
        for name in names_in(text):
            holder = found.get(name)
            if holder is None:
                holder = found[name] = Placeholder(name, typed=name in typed)
            where = json_pointer(*path)
            if where not in holder.pointers:
                holder.pointers.append(where)
            if state is not None and state not in holder.states:
                holder.states.append(state)
            if key is not None and key not in holder.fields:
                holder.fields.append(key)

    stack: list[tuple[Any, tuple, str | None]] = [(definition, (), None)]
    while stack:
        value, path, state = stack.pop()
        if isinstance(value, dict):
            in_states = bool(path) and path[-1] == "States"
            items = list(value.items())
            for key, item in reversed(items):
                here = key if in_states else state
                stack.append((item, (*path, key), here))
            for key, _ in items:
                if "${" in key:
                    note(key, (*path, key), key if in_states else state, None)
        elif isinstance(value, list):
            stack.extend((item, (*path, i), state) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and "${" in value:
            note(value, path, state, _field_of(path))
    return list(found.values())


def _field_of(path: tuple) -> str | None:
    for part in reversed(path):
        if isinstance(part, str):
            return part[:-2] if part.endswith(".$") else part
    return None


def fill(value: Any, values: dict[str, Any], typed: set[str] | frozenset = frozenset()) -> Any:
    """``value`` with the placeholders named in ``values`` replaced, others kept.

    A string that is one placeholder and nothing else takes the value as it is (a number stays
    a number); text typed into a form for a placeholder that stood unquoted where a number goes
    is read as JSON when it is a number, a boolean or null. Inside longer text, the value's text
    is spliced in."""
    if not values:
        return value
    if isinstance(value, dict):
        return {_fill_text(k, values, typed, key=True) if "${" in k else k: fill(v, values, typed)
                for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values, typed) for v in value]
    if isinstance(value, str) and "${" in value:
        return _fill_text(value, values, typed)
    return value


def _fill_text(text: str, values: dict[str, Any], typed, key: bool = False) -> Any:
    spans = list(tokens(text))
    if len(spans) == 1 and spans[0] == (0, len(text)) and not key:
        name = text[2:-1].strip()
        if name in values:
            return _typed(values[name]) if name in typed else values[name]
        return text
    out, last = [], 0
    for start, end in spans:
        name = text[start + 2:end - 1].strip()
        if name in values:
            out.append(text[last:start])
            given = values[name]
            out.append(given if isinstance(given, str) else json.dumps(given))
            last = end
    out.append(text[last:])
    return "".join(out)


def _typed(given: Any) -> Any:
    if isinstance(given, str):
        try:
            parsed = json.loads(given)
        except ValueError:
            return given
        if parsed is None or isinstance(parsed, (bool, int, float)):
            return parsed
    return given


def quote_bare(text: str) -> tuple[str, set[str]]:
    """JSON text whose placeholders stand bare where a value goes (``"MaxConcurrency": ${n}``, as
    Terraform's ``templatefile`` allows) made into JSON by quoting them; returns the new text and
    the names so quoted (their values may be numbers)."""
    out: list[str] = []
    bare: set[str] = set()
    i, n, in_string = 0, len(text), False
    last = 0
    while i < n:
        c = text[i]
        if in_string:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "$" and text.startswith("${", i):
            end = next((e for s, e in tokens(text[i:]) if s == 0), None)
            if end is not None:
                token = text[i:i + end]
                out.append(text[last:i])
                out.append(json.dumps(token))
                bare.add(token[2:-1].strip())
                i += end
                last = i
                continue
        i += 1
    out.append(text[last:])
    return "".join(out), bare
