"""JSON text exactly as AWS writes it into events and error causes: compact, UTF-8 kept."""
from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring
from typing import Any

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
