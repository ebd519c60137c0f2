"""The functions AWS adds to JSONata: $partition, $range, $hash, $random, $uuid, $parse.

They read the execution's random source through ``current_rng`` so that a run with a seed
repeats exactly; a failure raises ``JsonataFunctionError``, which the caller reports as
``States.QueryEvaluationError``.
"""
from __future__ import annotations

import hashlib
import json
import random
import threading
import uuid
from typing import Any, Callable

from jsonata.utils import Utils

from .jsonata_bounds import EvaluationError
from .limits import DATA_DEPTH, RANGE_ITEMS, depth_error, json_depth_within

MAX_RANGE_ITEMS = RANGE_ITEMS
_HASHES = {"MD5": hashlib.md5, "SHA-1": hashlib.sha1, "SHA-256": hashlib.sha256,
           "SHA-384": hashlib.sha384, "SHA-512": hashlib.sha512}

_local = threading.local()


class JsonataFunctionError(EvaluationError):
    """One of AWS's functions was called with arguments it refuses."""


def current_rng() -> random.Random:
    rng = getattr(_local, "rng", None)
    return rng if rng is not None else random.Random()


def set_rng(rng: random.Random | None) -> None:
    _local.rng = rng


def _plain(value: Any) -> Any:
    if value is Utils.NULL_VALUE:
        return None
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _integer(name: str, what: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise JsonataFunctionError(f"The function {name} requires {what} to be an integer.")
    return int(value)


def partition(array: Any = None, size: Any = None) -> list:
    array = _plain(array)
    if not isinstance(array, list):
        raise JsonataFunctionError("The function $partition requires the first argument to be an array.")
    size = _integer("$partition", "the chunk size", size)
    if size <= 0:
        raise JsonataFunctionError("The function $partition requires a positive chunk size.")
    return [array[i:i + size] for i in range(0, len(array), size)]


def range_(start: Any = None, end: Any = None, step: Any = None) -> list:
    start = _integer("$range", "the start", start)
    end = _integer("$range", "the end", end)
    step = _integer("$range", "the step", step)
    if step == 0:
        raise JsonataFunctionError("The function $range requires a non-zero step.")
    span = range(start, end + (1 if step > 0 else -1), step)
    if len(span) > MAX_RANGE_ITEMS:  # counted before a single item is made
        raise JsonataFunctionError(f"The function $range can produce at most {MAX_RANGE_ITEMS} items, but "
                                   f"{len(span):,} were asked for.")
    values = list(span)
    # A sequence, as AWS returns it: one item comes out as that item (recorded: $range(1, 9, 9) is 1).
    return Utils.create_sequence_from_iter(values) if len(values) == 1 else values


def hash_(data: Any = None, algorithm: Any = None) -> str:
    if not isinstance(data, str):
        raise JsonataFunctionError("The function $hash requires the data to hash to be a string.")
    function = _HASHES.get(algorithm) if isinstance(algorithm, str) else None
    if function is None:
        raise JsonataFunctionError(f"The function $hash requires an algorithm among {', '.join(_HASHES)}.")
    return function(data.encode("utf-8")).hexdigest()


def random_(seed: Any = None) -> float:
    if seed is None or seed is Utils.NULL_VALUE:
        return current_rng().random()
    return random.Random(_integer("$random", "the seed", seed)).random()


def uuid_() -> str:
    return str(uuid.UUID(int=current_rng().getrandbits(128), version=4))


def parse(text: Any = None) -> Any:
    if not isinstance(text, str):
        raise JsonataFunctionError("The function $parse requires a JSON string.")
    if not json_depth_within(text, DATA_DEPTH):
        raise JsonataFunctionError(f"The function $parse refused the string: {depth_error('JSON', DATA_DEPTH)}")
    try:
        return json.loads(text)
    except ValueError as e:
        raise JsonataFunctionError(f"The function $parse could not parse the string as JSON: {e}") from None


AWS_FUNCTIONS: dict[str, Callable] = {"partition": partition, "range": range_, "hash": hash_,
                                      "random": random_, "uuid": uuid_, "parse": parse}
