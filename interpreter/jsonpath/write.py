"""Writing a value through a reference path (ResultPath), copying rather than mutating."""
from __future__ import annotations

from typing import Any

from .errors import ResultPathMatchFailure
from .evaluate import MISSING, JsonPath


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
            child = node.get(key, MISSING)
            copy[key] = _set({} if child is MISSING else child, keys, i + 1, value)
        return copy
    if type(node) is not list or not (-len(node) <= key < len(node)):
        raise ResultPathMatchFailure(key)
    copy = list(node)
    copy[key] = value if last else _set(node[key], keys, i + 1, value)
    return copy
