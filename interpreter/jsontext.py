"""JSON text exactly as AWS writes it into events and error causes: compact, UTF-8 kept."""
from __future__ import annotations

import json
from typing import Any

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
dumps = _encoder.encode


def loads(text: str) -> Any:
    return json.loads(text)


def size(value: Any) -> int:
    """Bytes of the value's compact JSON text in UTF-8, as AWS's payload limits count them."""
    return len(dumps(value).encode("utf-8"))
