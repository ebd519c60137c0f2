"""A compiled path and how it reads data.

A *definite* path (fields, indexes, a trailing merge of fields) names one value: it returns it or
raises :class:`PathNotFound`. An *indefinite* path (wildcards, slices, unions, filters, deep
scans) returns the list of what it matched, empty when nothing did. Both as Jayway does.

Roots: ``$`` is the state's data, ``$$`` the context object, ``$name`` a workflow variable.
Evaluation takes a *scope*: any object with ``.context`` and ``.variables`` attributes.
"""
from __future__ import annotations

from typing import Any, Callable

from .errors import PathNotFound

MISSING = object()
_DEFINITE = frozenset({"key", "index", "merge", "script", "function"})


class JsonPath:
    """A compiled path. ``evaluate(data, scope)`` returns the value (or list, when indefinite)."""

    __slots__ = ("text", "root", "variable", "steps", "definite", "keys", "singular", "reference",
                 "is_reference", "evaluate")

    def __init__(self, text: str, root: str, variable: str | None, steps: list):
        self.text = text
        self.root = root          # "$", "$$" or "var"
        self.variable = variable  # the variable's name when root == "var"
        self.steps = tuple(steps)
        # loops rather than generators: every distinct path of a definition is compiled here
        definite = singular = reference = True
        for kind, arg in steps:
            if kind != "key":
                if kind != "index":
                    singular = reference = False
                    if kind not in _DEFINITE:
                        definite = False
                        break
                elif arg < 0:
                    reference = False
        self.definite = definite
        self.singular = singular  # only fields and indexes
        self.reference = reference  # a reference path: fields and indexes counted from the start
        self.keys = tuple([arg for _, arg in steps]) if singular else None
        # what ResultPath may write through: a reference path below ``$``
        self.is_reference = root == "$" and reference
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
        if keys is not None and len(keys) == 1 and type(keys[0]) is str:
            (only,) = keys

            def evaluate(data, scope):
                value = start(data, scope)
                if type(value) is dict:
                    found = value.get(only, MISSING)
                    if found is not MISSING:
                        return found
                raise PathNotFound(path)
            return evaluate
        if keys is not None and root == "$":
            def evaluate(data, scope):
                value = data
                for key in keys:
                    kind = type(value)
                    if kind is dict:
                        value = value.get(key, MISSING)
                        if value is MISSING:
                            raise PathNotFound(path)
                    elif kind is list and type(key) is int and -len(value) <= key < len(value):
                        value = value[key]
                    else:
                        raise PathNotFound(path)
                return value
            return evaluate
        if self.definite:
            steps = tuple((_ONE[kind], arg) for kind, arg in self.steps)

            def evaluate(data, scope):
                value = start(data, scope)
                for step, arg in steps:
                    value = step(value, arg)
                    if value is MISSING:
                        raise PathNotFound(path)
                return value
            return evaluate
        steps = tuple((_MANY[kind], arg) for kind, arg in self.steps)

        def evaluate(data, scope):
            nodes = [start(data, scope)]
            for step, arg in steps:
                nodes = step(nodes, arg, data, scope)
            return nodes
        return evaluate


def child(value: Any, key: str | int) -> Any:
    """``value[key]`` for a field of an object or an index (negative from the end) of an array."""
    if type(key) is str:
        if type(value) is dict:
            return value.get(key, MISSING)
        return MISSING
    if type(value) is list:
        n = len(value)
        if -n <= key < n:
            return value[key]
    return MISSING


def _merge(value: Any, keys: tuple) -> Any:
    # Jayway's last-step union of names: one object with those of the fields that exist
    if type(value) is not dict:
        return MISSING
    return {key: value[key] for key in keys if key in value}


def _script(value: Any, offset: int) -> Any:
    # Goessner's [(@.length-N)]: an index counted from the array's length
    if type(value) is not list:
        return MISSING
    index = len(value) + offset
    return value[index] if 0 <= index < len(value) else MISSING


def _nothing(value: Any, name: str) -> Any:
    return MISSING  # AWS evaluates no path functions: a path ending in one finds nothing


_ONE = {"key": child, "index": child, "merge": _merge, "script": _script, "function": _nothing}


# --- indefinite steps: each maps a list of nodes to a list of nodes -------------------------

def _each(one):
    def apply(nodes, arg, data, scope):
        out = []
        for node in nodes:
            found = one(node, arg)
            if found is not MISSING:
                out.append(found)
        return out
    return apply


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
            found = child(node, key)
            if found is not MISSING:
                out.append(found)
    return out


def _apply_slice(nodes, bounds, data, scope):
    start, stop = bounds
    out = []
    for node in nodes:
        if type(node) is list:
            out.extend(node[start:stop])
    return out


def _descendants(node, out):
    """``node`` and everything under it, depth first as Jayway scans (a loop: data may nest deep)."""
    todo = [node]
    while todo:
        node = todo.pop()
        out.append(node)
        children = _children(node)
        if children:
            todo.extend(reversed(children))


def _apply_deep(nodes, selector, data, scope):
    everything = []
    for node in nodes:
        _descendants(node, everything)
    kind, arg = selector
    return _MANY[kind](everything, arg, data, scope)


def _apply_filter(nodes, predicate, data, scope):
    # AWS: "The @ operator ... does not match scalar values. It only matches objects."
    out = []
    for node in nodes:
        if type(node) is list:
            for item in node:
                if type(item) is dict and predicate(item, data, scope):
                    out.append(item)
        elif type(node) is dict and predicate(node, data, scope):
            out.append(node)
    return out


_MANY = {"key": _each(child), "index": _each(child), "merge": _each(_merge), "script": _each(_script),
         "function": _each(_nothing), "wildcard": _apply_wildcard, "union": _apply_union,
         "slice": _apply_slice, "deep": _apply_deep, "filter": _apply_filter}
