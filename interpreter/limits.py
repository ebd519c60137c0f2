"""Every bound on what a user can send or a run can build, in one place.

Two kinds of bound live here:

- **AWS's quotas**, applied as Step Functions applies them (same numbers, same error names), so
  that a workflow that works in Statewise works in AWS: the 256 KiB payload, the 25,000-event
  history, the 1 MB definition.
- **Statewise's own bounds**, which keep one user's input from slowing everyone else's requests:
  how large and how deeply nested a text may be before it is parsed, and how much time and
  memory one JSONata or intrinsic evaluation may take.

The checks here run *before* the work they guard (a recursive parser, a list allocation), are
cheap enough for the hot path, and raise :class:`LimitExceeded`, whose message names the bound.
Pure Python, no Django: the interpreter, the command line and the web app all import it.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

# --- AWS's quotas (Step Functions "Service quotas") ---------------------------------------

#: Input or output of an execution, a state or a task, a callback's output, a variable: 256 KiB
#: of UTF-8 JSON text. AWS's StartExecution and SendTaskSuccess refuse more (ValidationException);
#: a state whose data grows past it fails with ``States.DataLimitExceeded``.
PAYLOAD_BYTES = 262_144
#: Events in one execution's history. Event 25,000 ends the run: ExecutionSucceeded if it was
#: going to succeed there, else ExecutionFailed with ``States.Runtime`` (history_limit_cause()).
HISTORY_EVENTS = 25_000
HISTORY_LIMIT_ERROR = "States.Runtime"


def history_limit_cause(cap: int = HISTORY_EVENTS) -> str:
    """AWS's cause, word for word at the default cap."""
    return f"The execution reached the maximum number of history events ({cap})."

#: A state machine definition: 1 MB (CreateStateMachine's ``definition`` is at most 1,048,576
#: long). Statewise measures the definition's compact JSON in UTF-8, so the verdict is the same
#: however it arrives (pretty JSON, YAML, the editor).
DEFINITION_BYTES = 1_048_576
#: How long a Standard execution may run ("Maximum duration: One year").
STANDARD_MAX_SECONDS = 365 * 24 * 3600
#: How long an Express execution may run ("Maximum duration: Five minutes").
EXPRESS_MAX_SECONDS = 300
#: SendTaskFailure's ``error`` and ``cause``.
TASK_ERROR_CHARS = 256
TASK_CAUSE_CHARS = 32_768

# --- Statewise's bounds on what arrives ----------------------------------------------------

#: Largest definition text read at all (JSON or YAML, a SAM or Serverless template included).
DOCUMENT_DEPTH = 128  # nesting levels of a JSON or YAML file read; a template adds about six above the ASL
DEFINITION_TEXT_BYTES = 4 * 1024 * 1024
#: Nesting depth of a definition (a few levels per nested Parallel or Map is typical).
DEFINITION_DEPTH = 64
#: Nesting depth of JSON data: execution input, callback output, mock configs, websocket
#: messages, request bodies. Real payloads stay under 20 levels; Python's recursion limit is 1,000.
DATA_DEPTH = 200
#: Largest websocket message read: a command with a 256 KiB callback output, room to spare (AWS's
#: own API requests are at most 1 MB). REST request bodies are bounded by Django's
#: DATA_UPLOAD_MAX_MEMORY_SIZE, as they carry definitions, which may be larger.
MESSAGE_BYTES = 1024 * 1024
#: Largest JSON file the command line reads (an input, a mock config with S3 objects).
FILE_BYTES = 64 * 1024 * 1024

# --- Statewise's bounds on one evaluation (a JSONata expression, an intrinsic call) ---------

#: CPU time one JSONata evaluation may use (its own thread's time, so a loaded machine does
#: not make a sound expression fail).
EVALUATION_SECONDS = 2.0
#: How deeply one JSONata evaluation may nest (function calls, recursion).
EVALUATION_DEPTH = 250
#: Items in any array or sequence one evaluation builds.
EVALUATION_ITEMS = 1_000_000
#: Characters in any string one evaluation builds.
EVALUATION_CHARS = 4_000_000
#: AWS's documented bound for ``States.ArrayRange``, applied to JSONata's ``$range`` too.
RANGE_ITEMS = 1000


class LimitExceeded(ValueError):
    """Something is larger or deeper than a bound allows; the message says which bound."""

    def __init__(self, message: str, *, limit: int | None = None, actual: int | None = None):
        super().__init__(message)
        self.limit, self.actual = limit, actual


def payload_error(what: str, size: int) -> str:
    """The sentence for a payload over 256 KiB, the same in the API, the websocket and the CLI."""
    return (f"The {what} is {size:,} bytes; Step Functions accepts at most {PAYLOAD_BYTES:,} bytes "
            f"(256 KiB) of UTF-8 JSON.")


def check_payload(value: Any, what: str) -> int:
    """The value's size in bytes; :class:`LimitExceeded` naming the 256 KiB quota when over it."""
    size = json_size(value)
    if size > PAYLOAD_BYTES:
        raise LimitExceeded(payload_error(what, size), limit=PAYLOAD_BYTES, actual=size)
    return size


def json_size(value: Any) -> int:
    """Bytes of the value's compact JSON text in UTF-8, as AWS's payload quotas count them."""
    text = _compact(value)
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def text_size(value: Any, budget: int) -> int:
    """About how many characters ``value``'s JSON text has, or ``budget + 1`` as soon as it is
    sure to be more than ``budget``: every item visited adds at least one, so the walk stops
    within ``budget`` steps even for a value that holds another many times over."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        t = type(item)
        if t is str:
            total += len(item) + 2
        elif t is dict:
            total += 2 + len(item)
            for key, child in item.items():
                total += len(key) + 3
                stack.append(child)
        elif isinstance(item, list):
            total += 2 + len(item)
            if total > budget:
                return budget + 1
            stack.extend(item)
        elif t is int or t is float:
            total += len(repr(item))
        else:
            total += 5  # true, false, null (a JSONata function prints as "")
        if total > budget:
            return budget + 1
    return total


# --- depth before parsing ------------------------------------------------------------------

_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))


def json_depth_within(text: str | bytes, max_depth: int) -> bool:
    """Whether JSON text nests at most ``max_depth`` levels, found without parsing it.

    Python's JSON decoder recurses once per level, and what runs after it (serializers,
    validators, the interpreter) walks the result recursively too: a 100 KB body of ``[`` would
    take each of them to the recursion limit. Linear, in C-speed string operations only (no
    backtracking regular expression a hostile text could make quadratic); the common case
    costs two ``count`` calls.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if data.count(b"[") + data.count(b"{") <= max_depth:
        return True
    # Drop escaped backslashes, then escaped quotes: every quote left opens or closes a string,
    # so every other piece between quotes is outside strings, where brackets count.
    plain = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = b"".join(plain.split(b'"')[0::2]).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) <= max_depth


def loads(text: str | bytes, *, what: str = "JSON", max_bytes: int = MESSAGE_BYTES,
          max_depth: int = DATA_DEPTH) -> Any:
    """``json.loads`` behind the size and depth bounds, checked first.

    Raises :class:`LimitExceeded` (too large, too deep) or ``ValueError`` (not JSON).
    """
    size = len(text)
    if size > max_bytes:
        raise LimitExceeded(f"The {what} is {size:,} bytes; at most {max_bytes:,} are accepted.",
                            limit=max_bytes, actual=size)
    if not json_depth_within(text, max_depth):
        raise LimitExceeded(depth_error(what, max_depth), limit=max_depth)
    return json.loads(text)


def depth_error(what: str, max_depth: int) -> str:
    return f"The {what} is nested more than {max_depth} levels deep; at most {max_depth} are accepted."


def depth_within(value: Any, max_depth: int) -> bool:
    """Whether a parsed JSON value nests at most ``max_depth`` levels (arrays and objects), found
    without recursion, for values that did not come from text (a request already parsed)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return False
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return True
