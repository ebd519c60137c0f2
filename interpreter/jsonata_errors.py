"""What AWS says when a JSONata expression throws: the words of JSONata itself.

AWS evaluates JSONata 2.0.6 (jsonata-js) and writes the cause as
``The JSONata expression '<expr>' specified for the field '<field>' threw an error during
evaluation. <CODE>: <message>`` for JSONata's own errors, and ``...during evaluation: <message>``
for the few without a code (a bound, a function of AWS's own). Another emulator's measurement
against AWS (floci, issues 2736/2783: 101 failing shapes, 95 coded) found that form, and the
message is jsonata-js's catalog text: double-braced values written as ``JSON.stringify`` writes
them (``Argument 1 of function "abs" does not match function signature``).

jsonata-python, which runs the expressions here, carries a port of that catalog in which the
word "function" became "Object" and values are not quoted, and a few of its functions raise
Python errors where jsonata-js raises coded ones; this module writes the jsonata-js form.
"""
from __future__ import annotations

import json
import re
from typing import Any

from jsonata.jexception import JException

_PLACEHOLDER = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")


def coded(code: str, *values: Any) -> str:
    """``CODE: message`` from JSONata's catalog, values filled in order as jsonata-js does."""
    template = JException.error_codes.get(code)
    if template is None:
        return f"{code}: " + ", ".join(str(v) for v in values if v is not None)
    # jsonata-js writes "function" where the Python port's catalog says "Object".
    template = template.replace(" Object", " function")
    remaining = list(values)

    def fill(match: re.Match) -> str:
        value = remaining.pop(0) if remaining else None
        if match.group(1):  # {{{raw}}}
            return "" if value is None else str(value)
        return _stringify(value)
    return f"{code}: {_PLACEHOLDER.sub(fill, template)}"


def _stringify(value: Any) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return json.dumps(str(value))


def cause_of(error: BaseException) -> str:
    """The tail of the cause after ``threw an error during evaluation``: ``. CODE: message`` or
    ``: message``."""
    if isinstance(error, JException) and error.error in JException.error_codes:
        args = [error.current, error.expected]
        if error.extra is not None:
            args.append(error.extra)
        return ". " + coded(error.error, *args)
    if isinstance(error, ValueError) and "could not convert string to float" in str(error):
        text = str(error).split(": ", 1)[-1].strip("'\"")
        return ". " + coded("D3030", text)  # $number of text that is no number
    message = str(error).strip() or type(error).__name__
    return ": " + message.rstrip(".") + "."
