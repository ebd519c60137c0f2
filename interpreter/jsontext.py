"""JSON text exactly as AWS writes it into events and error causes: compact, UTF-8 kept."""
from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring
from typing import Any, Callable

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
# JSONEncoder.encode builds its C encoder again on every call; made once, each dumps costs about
# half (history export encodes every event's input and output). No circular-reference markers:
# JSON values are trees, and a cycle still ends in RecursionError.
_chunks = c_make_encoder and c_make_encoder(None, _encoder.default, encode_basestring, None, ":", ",",
                                            False, False, False)


def dumps(value: Any) -> str:
    return "".join(_chunks(value, 0))


if _chunks is None:  # an interpreter without json's C accelerator
    dumps = _encoder.encode  # noqa: F811


def loads(text: str) -> Any:
    return json.loads(text)


def size(value: Any) -> int:
    """Bytes of the value's compact JSON text in UTF-8, as AWS's payload limits count them."""
    return len(dumps(value).encode("utf-8"))


def fast_dumps_function() -> "Callable[[Any], str]":
    """A function giving the same text as ``dumps``, through orjson when it is installed (about
    3x faster on payloads of a few hundred bytes; imported on the first call, for the history's
    payloads, so that a run without ``--history`` does not load it). orjson writes the exponents
    of small floats otherwise (0.00001 and 1.5e-9 where Python writes 1e-05 and 1.5e-09) and
    refuses integers past 64 bits, lone surrogates and keys that are not strings: a value with any
    of those, or whose text merely looks as if it could hold one, goes to ``dumps``."""
    global _fast
    if _fast is None:
        try:
            import orjson
        except ImportError:  # listed in pyproject; without it, the same text more slowly
            _fast = dumps
        else:
            import re

            orjson_dumps, differs = orjson.dumps, re.compile(rb"0\.0000|e-\d").search

            def fast(value: Any) -> str:
                try:
                    text = orjson_dumps(value)
                except TypeError:
                    return dumps(value)
                return dumps(value) if differs(text) is not None else text.decode()
            _fast = fast
    return _fast


_fast: "Callable[[Any], str] | None" = None
