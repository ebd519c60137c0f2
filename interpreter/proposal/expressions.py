"""The reads a state's fields make (split out of ``reads.py``, a pure move): the paths in a
Parameters-like template (typed by the intrinsic that takes them), in JSONata expressions, in a
Choice's rules and in Assign, and the view of what a template, an Output or an Assign builds.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from ..testing import conditions as cond
from .jsonata_views import body, keys_in, view_of
from .traces import ANY, ARRAY, BOOLEAN, INTEGER, NUMBER, OBJECT, STRING, TIMESTAMP, Reads, View, keys_of, ref_at

_KIND_TYPES = {"numeric": NUMBER, "string": STRING, "timestamp": TIMESTAMP, "boolean": BOOLEAN}
_TYPEIS = {"numeric": NUMBER, "string": STRING, "boolean": BOOLEAN, "timestamp": TIMESTAMP}
_PLAIN_PATH = re.compile(r"(?<![\w$])\$((?:\.[A-Za-z_][\w-]*|\[\d+\])+)")
_JSONATA_INPUT = re.compile(r"\$states\.input((?:\.[A-Za-z_][\w]*|\[\d+\])*)")
_JSONATA_RESULT = re.compile(r"\$states\.result((?:\.[A-Za-z_][\w]*|\[\d+\])*)")
_ITEM_VALUE = re.compile(r"\$\$\.Map\.Item\.Value((?:\.[A-Za-z_][\w-]*|\[\d+\])*)")
_INTRINSIC_CALL = re.compile(r"(States\.[A-Za-z]+)\(([^()]*)\)")
_VAR_PATH = re.compile(r"(?<![\w$])\$([A-Za-z_]\w*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)")
_INTRINSIC_TYPES = {"States.ArrayLength": ARRAY, "States.ArrayContains": ARRAY, "States.ArrayGetItem": ARRAY,
                    "States.ArrayPartition": ARRAY, "States.ArrayUnique": ARRAY, "States.ArrayRange": INTEGER,
                    "States.MathAdd": NUMBER, "States.StringSplit": STRING, "States.Base64Encode": STRING,
                    "States.Base64Decode": STRING, "States.Hash": STRING, "States.StringToJson": STRING,
                    "States.JsonMerge": OBJECT}


def _template(template: Any, view: View | None, out: Reads, name: str, item: View | None = None) -> View | None:
    """Record the paths a Parameters-like template reads (types from the intrinsics taking
    them); the view of the object it builds. ``item``: where ``$$.Map.Item.Value`` comes from."""
    if isinstance(template, dict):
        over = []
        for key, value in template.items():
            if isinstance(key, str) and key.endswith(".$") and isinstance(value, str):
                typed = {p.group(1): _INTRINSIC_TYPES.get(m.group(1), ANY) for m in _INTRINSIC_CALL.finditer(value)
                         for p in _PLAIN_PATH.finditer(m.group(2))}
                for m in _VAR_PATH.finditer(value):
                    if m.group(1) in out.vars:
                        out.add(out.var(m.group(1)).at(keys_in(m.group(2))) if out.var(m.group(1)) else None,
                                ANY, name)
                for m in _PLAIN_PATH.finditer(value):
                    keys = keys_of("$" + m.group(1))
                    if keys is not None and view is not None:
                        out.add(view.at(keys), typed.get(m.group(1), ANY), name)
                for m in _ITEM_VALUE.finditer(value):
                    keys = keys_of("$" + m.group(1))
                    if item is not None and keys:
                        out.add(item.at(keys), ANY, name)
                text = value.strip()
                keys = keys_of(text) if not text.startswith("$$") else None
                var = _VAR_PATH.fullmatch(text)
                if keys is not None and view is not None:
                    over.append((key[:-2], view.down(keys)))
                elif var is not None and var.group(1) in out.vars:
                    over.append((key[:-2], out.var(var.group(1), keys_in(var.group(2)))))
                elif item is not None and _ITEM_VALUE.fullmatch(text):
                    over.append((key[:-2], item.down(keys_of("$" + _ITEM_VALUE.fullmatch(text).group(1)) or ())))
                else:
                    over.append((key[:-2], None))
            else:
                over.append((key, _template(value, view, out, name, item)))
        return View(None, None, tuple(over))
    if isinstance(template, list):
        for value in template:
            _template(value, view, out, name, item)
    return None


def _jsonata_reads(value: Any, view: View | None, out: Reads, name: str, result: View | None = None) -> None:
    """``$states.input.x`` (and ``$states.result.x``) in a JSONata state's expressions."""
    for text in _strings(value):
        if "{%" not in text:
            continue
        for pattern, base in ((_JSONATA_INPUT, view), (_JSONATA_RESULT, result)):
            if base is None:
                continue
            for m in pattern.finditer(text):
                keys = keys_of("$" + m.group(1)) if m.group(1) else None
                if keys:
                    out.add(base.at(keys), ANY, name)
        for m in _VAR_PATH.finditer(text):
            keys = keys_in(m.group(2))
            if m.group(1) != "states" and keys and out.var(m.group(1)) is not None:
                out.add(out.var(m.group(1)).at(keys), ANY, name)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _rule_types(node: Any, view: View, out: Reads, name: str) -> None:
    if isinstance(node, cond.Negation):
        _rule_types(node.part, view, out, name)
    elif isinstance(node, cond.Junction):
        for part in node.parts:
            _rule_types(part, view, out, name)
    elif isinstance(node, (cond.Cmp, cond.TypeIs, cond.Matches)):
        if isinstance(node, cond.Cmp):
            type_ = _KIND_TYPES[node.kind]
        elif isinstance(node, cond.TypeIs):
            type_ = _TYPEIS.get(node.type, ANY) if node.want else ANY
        else:
            type_ = STRING
        for ref in (node.ref, node.value if isinstance(node, cond.Cmp) and isinstance(node.value, tuple) else None):
            if ref is not None:
                out.add(ref_at(ref, view, out), type_, name)


def _jsonata_view(value: Any, view: View | None, result: View | None, out: Reads) -> View | None:
    text = body(value)
    if text is None:
        if isinstance(value, dict):
            return View(None, None, tuple((k, _jsonata_view(v, view, result, out)) for k, v in value.items()))
        return None

    def resolve(base: str, keys: tuple) -> View | None:
        source = view if base == "states.input" else result if base == "states.result" else out.var(base)
        return source.down(keys) if source is not None else None

    def make(over: tuple, base: View | None = None) -> View:
        if base is None:
            return View(None, None, over)
        for key, v in over:
            base = base.put((key,), v)
        return base
    return view_of(text, resolve, make)


def _jsonata_assign(assign: Any, view: View | None, result: View | None, out: Reads) -> None:
    if isinstance(assign, dict):
        for key, value in assign.items():
            out.vars.setdefault(key, _jsonata_view(value, view, result, out))


def _jsonpath_assign(assign: Any, source: View | None, out: Reads, name: str) -> None:
    if not isinstance(assign, dict):
        return
    _template(assign, source, out, name)
    for key, value in assign.items():
        if isinstance(key, str) and key.endswith(".$") and isinstance(value, str):
            keys = keys_of(value)
            var = _VAR_PATH.fullmatch(value.strip())
            if keys is not None and source is not None:
                out.vars.setdefault(key[:-2], source.down(keys))
            elif var is not None:
                out.vars.setdefault(key[:-2], out.var(var.group(1), keys_in(var.group(2))))
            else:
                out.vars.setdefault(key[:-2], None)
        elif isinstance(key, str):
            out.vars.setdefault(key, None)
