"""How large a state's output is, cheaply: AWS's 256 KiB quota is checked at every state's exit.

Serialising every output to measure it made the hot loop 30 to 60 % slower (W1–W4). Instead
``upper_bound`` adds up an upper bound of the output's JSON size from its parts without writing
it: scalars and strings from their length, a new object or array from its items, and a part
that is the state's own input, or one of its input's values passed through unchanged (what a
ResultPath merge keeps), from the input's size, known from the previous state. Only when that
bound passes the quota is the output serialised and measured exactly, so a run is failed exactly
when AWS would fail it, and the usual transition costs a few additions.
"""
from __future__ import annotations

from typing import Any, Callable

from .limits import json_size

# How deep new objects and arrays are walked before a part is simply measured.
_DEPTH = 3


def str_bound(s: str) -> int:
    """At most how many bytes a string takes in JSON (quotes, escapes and UTF-8 included)."""
    n = len(s)
    if n <= 16:
        return 6 * n + 2  # \u00XX is 6 bytes: the most one character can take
    if s.isascii() and s.isprintable():
        return n + 2 + s.count('"') + s.count("\\")
    return 6 * n + 2


def small_bound(value: Any) -> int:
    """The common case without a call per part: an object of a few numbers, booleans, nulls and
    short strings (a Parameters or Arguments result). -1 when the value is anything else."""
    if type(value) is not dict or len(value) > 8:
        return -1
    total = 2 + 28 * len(value) + 6 * sum(map(len, value))  # each key: quotes, colon, comma, a value
    for item in value.values():
        t = type(item)
        if t is int:
            if not -10**15 < item < 10**15:
                return -1
        elif t is str:
            if len(item) > 16:
                return -1
            total += 6 * len(item)
        elif not (t is bool or item is None or t is float):
            return -1
    return total


def merged_bound(path: Any, input_size: int | None, result: Any) -> int | None:
    """A bound of a JSONPath state's output from its parts, without looking at the input again:
    ResultPath (``path``) places ``result`` into an input of at most ``input_size`` bytes, adding
    at most the path's keys; OutputPath then keeps a part of that. None when it is not known
    cheaply (the output is then measured from itself)."""
    if path is None:
        return input_size
    t = type(result)
    if t is dict:
        part = small_bound(result)
        if part < 0:
            return None
    elif t is int or t is float or t is bool or result is None:
        part = 24
    elif t is str:
        part = str_bound(result)
    else:
        return None
    if path == "$":
        return part
    if input_size is None:
        return None
    return input_size + part + 10 * len(getattr(path, "text", "")) + 8


def upper_bound(value: Any, thread: Any, cap: int) -> int:
    """At least the JSON size of the state's output ``value`` in bytes, or a number over ``cap`` as
    soon as that is clear. A part that is the thread's input itself, or (one level down) one of its
    values, costs the input's size (``thread.size``, known from the state before, or measured once)."""
    source = thread.input

    def source_size() -> int:
        if thread.size is None:
            thread.size = json_size(source)
        return thread.size
    return _bound(value, source, source_size, cap, _DEPTH)


def _bound(value: Any, source: Any, source_size: Callable[[], int], cap: int, depth: int) -> int:
    t = type(value)
    if t is str:
        return str_bound(value)
    if t is int:
        return 16 if -10**15 < value < 10**15 else len(str(value))
    if t is float:
        return 24
    if value is None or t is bool:
        return 5
    if value is source:
        return source_size()
    if depth == 0:
        return json_size(value)
    if t is dict:
        from_source = source if type(source) is dict else None
        total = 2
        for key, item in value.items():
            total += str_bound(key) + 2
            ti = type(item)
            if ti is str:
                total += str_bound(item)
            elif ti is int or ti is float or ti is bool or item is None:
                total += 24
            elif from_source is not None and item is from_source.get(key):
                total += source_size()  # passed through from the input: no larger than the input
            else:
                small = small_bound(item)
                total += small if small >= 0 else _bound(item, source, source_size, cap, depth - 1)
            if total > cap:
                return total
        return total
    if t is list:
        total = 2
        for item in value:
            ti = type(item)
            if ti is str:
                total += str_bound(item) + 1
            elif ti is int or ti is float or ti is bool or item is None:
                total += 25
            else:
                small = small_bound(item)
                total += (small if small >= 0 else _bound(item, source, source_size, cap, depth - 1)) + 1
            if total > cap:
                return total
        return total
    return json_size(value)
