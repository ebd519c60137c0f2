"""States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique."""
from __future__ import annotations

from typing import Any

from .args import bind, describe, require_array, require_integer
from .errors import failure
from .nodes import Call, Evaluator
from .render import equality_key

MAX_RANGE_ITEMS = 1000


def build_array(call: Call) -> Evaluator:
    getters = tuple(arg.evaluate for arg in call.args)
    if not getters:
        return lambda data, scope: []
    if len(getters) == 1:
        (g0,) = getters
        return lambda data, scope: [g0(data, scope)]
    if len(getters) == 2:
        g0, g1 = getters
        return lambda data, scope: [g0(data, scope), g1(data, scope)]
    return lambda data, scope: [g(data, scope) for g in getters]


def _partition(call: Call, scope: Any, array: Any, size: Any) -> list:
    array = require_array(call, 0, array)
    size = require_integer(call, 1, size)
    if size <= 0:
        raise failure(call.text, f"The chunk size must be a positive integer, but {size} was given")
    return [array[i:i + size] for i in range(0, len(array), size)]


def _contains(call: Call, scope: Any, array: Any, value: Any) -> bool:
    array = require_array(call, 0, array)
    t = type(value)
    if t is str:
        # The common case needs no key building: a string equals only an equal string.
        return any(type(item) is str and item == value for item in array)
    key = equality_key(value)
    return any(equality_key(item) == key for item in array)


def _range(call: Call, scope: Any, first: Any, last: Any, step: Any) -> list:
    first = require_integer(call, 0, first)
    last = require_integer(call, 1, last)
    step = require_integer(call, 2, step)
    if step == 0:
        raise failure(call.text, "The step (third argument) must not be 0")
    stop = last + 1 if step > 0 else last - 1
    count = len(range(first, stop, step))
    if count > MAX_RANGE_ITEMS:
        raise failure(call.text, f"The range would have {count} elements, but at most "
                                 f"{MAX_RANGE_ITEMS} are allowed")
    return list(range(first, stop, step))


def _get_item(call: Call, scope: Any, array: Any, index: Any) -> Any:
    array = require_array(call, 0, array)
    index = require_integer(call, 1, index)
    if not 0 <= index < len(array):
        raise failure(call.text, f"The index {index} is out of bounds for an array of length {len(array)}")
    return array[index]


def _length(call: Call, scope: Any, array: Any) -> int:
    return len(require_array(call, 0, array))


def _unique(call: Call, scope: Any, array: Any) -> list:
    array = require_array(call, 0, array)
    seen: set = set()
    out = []
    for item in array:
        key = equality_key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


build_partition = bind(_partition)
build_contains = bind(_contains)
build_range = bind(_range)
build_get_item = bind(_get_item)
build_length = bind(_length)
build_unique = bind(_unique)

__all__ = ["build_array", "build_partition", "build_contains", "build_range", "build_get_item",
           "build_length", "build_unique", "describe"]
