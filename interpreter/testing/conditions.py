"""Choice conditions as constraints, and values that make them hold or fail.

``condition_of(rule, jsonata)`` reads a Choice rule as written (a JSONPath rule with And, Or,
Not and every comparison, or a JSONata Condition that is a simple comparison) into a small tree
of nodes. ``solve(node, want, read)`` proposes changes (``{Ref: value or DELETE}``) to the data
the rule reads after which the rule evaluates to ``want``, given ``read(ref)``, the values as
they are. Several alternatives come back, fewest changes first; the caller tries them, since
only a real run says whether a change reached the Choice.

A ``Ref`` is where a rule reads a value: the Choice's input (``("input", keys)``, after its
InputPath) or a variable (``("var", name, keys)``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from ..choice_rules import string_matcher
from ..timestamps import EPOCH, parse_timestamp

DELETE = object()      # a change that removes the value
MISSING = object()     # ``read`` of a value that is not there
MAX_ALTERNATIVES = 8

Ref = tuple            # ("input", (keys...)) | ("var", name, (keys...))


class Unsolvable(Exception):
    """The condition is not one Statewise can solve; ``args[0]`` says why, in words."""


@dataclass(frozen=True)
class Cmp:
    ref: Ref
    kind: str        # numeric | string | timestamp | boolean
    op: str          # eq | lt | gt | le | ge
    value: Any       # a literal, or a Ref (a ...Path comparison)


@dataclass(frozen=True)
class TypeIs:
    ref: Ref
    type: str        # null | numeric | string | boolean | timestamp | present
    want: bool


@dataclass(frozen=True)
class Matches:
    ref: Ref
    pattern: str


@dataclass(frozen=True)
class Junction:
    op: str          # and | or
    parts: tuple


@dataclass(frozen=True)
class Negation:
    part: Any


# --- reading rules ----------------------------------------------------------------------------

_OPS = {"Equals": "eq", "LessThan": "lt", "GreaterThan": "gt", "LessThanEquals": "le", "GreaterThanEquals": "ge"}
_KINDS = {"String": "string", "Numeric": "numeric", "Timestamp": "timestamp", "Boolean": "boolean"}
_TYPES = {"IsNull": "null", "IsNumeric": "numeric", "IsString": "string", "IsBoolean": "boolean",
          "IsTimestamp": "timestamp", "IsPresent": "present"}


def condition_of(rule: Any, jsonata: bool) -> Any:
    if jsonata:
        condition = rule.get("Condition") if isinstance(rule, dict) else None
        if isinstance(condition, bool):
            return condition
        if not isinstance(condition, str):
            raise Unsolvable("the rule has no Condition")
        from .jsonata_conditions import parse_jsonata

        return parse_jsonata(condition)
    return _jsonpath_rule(rule)


def _jsonpath_rule(rule: Any) -> Any:
    if not isinstance(rule, dict):
        raise Unsolvable("the rule is not an object")
    for key, op in (("And", "and"), ("Or", "or")):
        if key in rule:
            return Junction(op, tuple(_jsonpath_rule(r) for r in rule[key]))
    if "Not" in rule:
        return Negation(_jsonpath_rule(rule["Not"]))
    ref = jsonpath_ref(rule.get("Variable"))
    for key, operand in rule.items():
        if key in _TYPES:
            return TypeIs(ref, _TYPES[key], operand is True)
        if key == "StringMatches":
            return Matches(ref, operand)
        for kind_word, kind in _KINDS.items():
            if key.startswith(kind_word):
                rest = key[len(kind_word):]
                is_path = rest.endswith("Path")
                op = _OPS.get(rest[:-4] if is_path else rest)
                if op is None:
                    continue
                return Cmp(ref, kind, op, jsonpath_ref(operand) if is_path else operand)
    raise Unsolvable("the rule has no comparison Statewise knows")


_SEGMENT = re.compile(r"\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


def jsonpath_ref(path: Any) -> Ref:
    """``$.a.b[0]`` -> ("input", ("a", "b", 0)); ``$v.a`` -> ("var", "v", ("a",)). Paths with
    filters, wildcards or the context object are not solvable."""
    if not isinstance(path, str) or not path.startswith("$"):
        raise Unsolvable(f"{path!r} is not a path")
    if path.startswith("$$"):
        raise Unsolvable(f"the condition reads the context object ({path}), which no input or mock sets")
    if path == "$":
        return ("input", ())
    m = re.match(r"\$([A-Za-z_][\w]*)", path)
    base: Ref
    if m and not path.startswith("$."):
        base, rest = ("var", m.group(1)), path[m.end():]
    else:
        base, rest = ("input",), path[1:]
    keys = path_keys(rest, path)
    return base + (keys,)


def path_keys(rest: str, whole: str) -> tuple:
    keys: list = []
    pos = 0
    while pos < len(rest):
        m = _SEGMENT.match(rest, pos)
        if not m:
            raise Unsolvable(f"the path {whole} is not a plain path to one value")
        name, index, quoted, dquoted = m.groups()
        keys.append(int(index) if index is not None else next(k for k in (name, quoted, dquoted) if k is not None))
        pos = m.end()
    return tuple(keys)


# --- solving ---------------------------------------------------------------------------------

def solve(node: Any, want: bool, read: Callable[[Ref], Any]) -> list[dict]:
    """Alternatives (fewest changes first) that make ``node`` evaluate to ``want``."""
    out = _solve(node, want, read)
    unique: list[dict] = []
    for alt in sorted(out, key=len):
        if alt not in unique:
            unique.append(alt)
    return unique[:MAX_ALTERNATIVES]


def _overlay(read: Callable, changes: dict) -> Callable:
    def reader(ref):
        if ref in changes:
            value = changes[ref]
            return MISSING if value is DELETE else value
        return read(ref)
    return reader


def _solve(node: Any, want: bool, read: Callable) -> list[dict]:
    if isinstance(node, bool):
        if node == want:
            return [{}]
        raise Unsolvable(f"the condition is always {str(node).lower()}")
    if isinstance(node, Negation):
        return _solve(node.part, not want, read)
    if isinstance(node, Junction):
        every = (node.op == "and") == want   # and→true and or→false: all parts; else one part
        if not every:
            out: list[dict] = []
            reasons = []
            for part in node.parts:
                try:
                    out.extend(_solve(part, want, read))
                except Unsolvable as e:
                    reasons.append(e)
            if not out:
                raise reasons[0]
            return out
        alternatives = [{}]
        for part in node.parts:
            merged = []
            for alt in alternatives:
                for more in _solve(part, want, _overlay(read, alt)):
                    merged.append({**alt, **more})
            alternatives = sorted(merged, key=len)[:MAX_ALTERNATIVES]
        return alternatives
    current = read(node.ref)
    if holds(node, read) == want:
        return [{}]
    if isinstance(node, TypeIs):
        return [{node.ref: _typed(node.type, node.want == want, current)}]
    if isinstance(node, Matches):
        if want:
            return [{node.ref: _matching(node.pattern)}]
        other = _matching(node.pattern) + "-other"
        # Only a string can match: a number never does, when every string would.
        return [{node.ref: other if not string_matcher(node.pattern)(other) else 0}]
    value = read(node.value) if isinstance(node.value, tuple) else node.value
    if value is MISSING:
        raise Unsolvable("the rule compares with a value the input does not have")
    return [{node.ref: _compare_value(node.kind, node.op if want else _NEGATE[node.op], value, current)}]


_NEGATE = {"eq": "ne", "lt": "ge", "gt": "le", "le": "gt", "ge": "lt"}


def _compare_value(kind: str, op: str, value: Any, current: Any) -> Any:
    """A value of ``kind`` standing in relation ``op`` to ``value``."""
    if kind == "boolean":
        return value if op == "eq" else (not value)
    if kind == "numeric":
        step = 1 if isinstance(value, int) and not isinstance(value, bool) else 0.5
        return {"eq": value, "le": value, "ge": value, "lt": value - step, "gt": value + step,
                "ne": value + step}[op]
    if kind == "timestamp":
        micros = parse_timestamp(value)
        if micros is None:
            raise Unsolvable(f"'{value}' is not a timestamp")
        shift = {"eq": 0, "le": 0, "ge": 0, "lt": -1, "gt": 1, "ne": 1}[op]
        return value if shift == 0 else _format(micros + shift * 1_000_000)
    # strings
    if op in ("eq", "le", "ge"):
        return value
    if op in ("gt", "ne"):
        return value + "z"
    if value == "":
        raise Unsolvable("no string is less than the empty string")
    return value[:-1] if len(value) > 1 else ""


def _format(micros: int) -> str:
    moment = EPOCH + timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if not moment.microsecond else \
        moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _typed(type_name: str, want: bool, current: Any) -> Any:
    if type_name == "present":
        return "present" if want else DELETE
    if want:
        return {"null": None, "numeric": 1, "string": "text", "boolean": True,
                "timestamp": datetime(2026, 1, 1, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}[type_name]
    return None if type_name != "null" else "not null"


def _matching(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        out.append("x" if ch == "*" else ch)
        i += 1
    return "".join(out)


def holds(node: Any, read: Callable) -> bool | None:
    """The node's value on the data as ``read`` gives it (AWS's rules: a comparison of the wrong
    type is false); None when a value it needs is missing (AWS fails the state then)."""
    if isinstance(node, bool):
        return node
    if isinstance(node, Negation):
        inner = holds(node.part, read)
        return None if inner is None else not inner
    if isinstance(node, Junction):
        values = [holds(p, read) for p in node.parts]
        if None in values:
            return None
        return all(values) if node.op == "and" else any(values)
    current = read(node.ref)
    if isinstance(node, TypeIs):
        if node.type == "present":
            return (current is not MISSING) == node.want
        if current is MISSING:
            return None
        test = {"null": lambda v: v is None, "numeric": lambda v: type(v) in (int, float),
                "string": lambda v: type(v) is str, "boolean": lambda v: type(v) is bool,
                "timestamp": lambda v: parse_timestamp(v) is not None}[node.type]
        return test(current) == node.want
    if current is MISSING:
        return None
    if isinstance(node, Matches):
        return type(current) is str and string_matcher(node.pattern)(current)
    value = read(node.value) if isinstance(node.value, tuple) else node.value
    if value is MISSING:
        return None
    a, b = current, value
    if node.kind == "numeric":
        ok = all(type(v) in (int, float) for v in (a, b))
    elif node.kind == "boolean":
        ok = type(a) is bool and type(b) is bool
    elif node.kind == "timestamp":
        a, b = parse_timestamp(a), parse_timestamp(b)
        ok = a is not None and b is not None
    else:
        ok = type(a) is str and type(b) is str
    if not ok:
        return False
    return {"eq": a == b, "lt": a < b, "gt": a > b, "le": a <= b, "ge": a >= b}[node.op]


def refs(node: Any) -> list[Ref]:
    """Every reference a condition reads."""
    if isinstance(node, Negation):
        return refs(node.part)
    if isinstance(node, Junction):
        return [r for p in node.parts for r in refs(p)]
    if isinstance(node, (Cmp, TypeIs, Matches)):
        out = [node.ref]
        if isinstance(node, Cmp) and isinstance(node.value, tuple):
            out.append(node.value)
        return out
    return []


def ref_words(ref: Ref, jsonata: bool = False) -> str:
    keys = ref[-1]
    text = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)
    if ref[0] == "input":
        return f"$states.input{text}" if jsonata else f"${text}"
    return f"${ref[1]}{text}"
