"""States.StringToJson, States.JsonToString and States.JsonMerge."""
from __future__ import annotations

import json
from typing import Any

from ..limits import EVALUATION_CHARS, text_size
from .args import bind, describe, require_object, require_string
from .errors import failure
from .nodes import Call
from .render import to_json_text


def _reject_constant(name: str) -> Any:
    # Python's parser takes NaN and Infinity; JSON (and AWS's parser) does not.
    raise ValueError(f"'{name}' is not JSON")


def _string_to_json(call: Call, scope: Any, text: Any) -> Any:
    text = require_string(call, 0, text)
    if not text.strip():
        # Recorded: an empty or blank string gives null rather than an error.
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise failure(call.text, f"The string is not valid JSON: {exc}") from None


def _json_to_string(call: Call, scope: Any, value: Any) -> str:
    # Measured before it is written: a value may hold one large value many times over.
    if type(value) in (list, dict, str) and text_size(value, EVALUATION_CHARS) > EVALUATION_CHARS:
        raise failure(call.text, f"The JSON text would be more than {EVALUATION_CHARS:,} characters long; one "
                                 f"intrinsic call may build at most {EVALUATION_CHARS:,}")
    try:
        return to_json_text(value)
    except RecursionError:
        raise failure(call.text, "The value is nested too deeply to be written as JSON") from None


def _json_merge(call: Call, scope: Any, first: Any, second: Any, deep: Any) -> dict:
    first = require_object(call, 0, first)
    second = require_object(call, 1, second)
    if type(deep) is not bool:
        raise failure(call.text, f"The argument at position 3 must be a boolean, but {describe(deep)} was given")
    if deep:
        raise failure(call.text, "Deep merging is not supported: the third argument must be false")
    # A shallow merge: the second object's top-level keys win, nested objects are not merged.
    merged = dict(first)
    merged.update(second)
    return merged


build_string_to_json = bind(_string_to_json)
build_json_to_string = bind(_json_to_string)
build_json_merge = bind(_json_merge)
