"""How AWS turns JSON values into text, and when it considers two JSON values equal.

AWS's interpreter runs on the JVM: numbers parsed from JSON become Java integers or doubles,
and ``States.Format`` prints objects and arrays the way Java's ``Map``/``List.toString`` do
(``{Arg1=1, Arg2=[]}``), which the recorded executions show. Doubles print as
``Double.toString`` does (``1.0``, ``1.0E20``), so Python's ``repr`` cannot be used as is.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any


def java_double(x: float) -> str:
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0.0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    magnitude = abs(x)
    if magnitude == 5e-324:
        # The JVM prints the smallest subnormal with two digits, not the shortest one.
        return "-4.9E-324" if x < 0 else "4.9E-324"
    if 1e-3 <= magnitude < 1e7:
        # Python's shortest repr is positional in this range, as Java's is; Java always
        # keeps a fractional part.
        text = repr(x)
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(x)).as_tuple()
    digits_text = "".join(map(str, digits)).rstrip("0") or "0"
    scientific_exponent = len(digits) - 1 + exponent
    mantissa = digits_text[0] + "." + (digits_text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{scientific_exponent}"


def format_value(value: Any) -> str:
    """A value as ``States.Format`` inserts it into its template."""
    t = type(value)
    if t is str:
        return value
    if value is None:
        return "null"
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return str(value)
    if t is float:
        return java_double(value)
    if t is list:
        return "[" + ", ".join(map(format_value, value)) + "]"
    if t is dict:
        return "{" + ", ".join(f"{k}={format_value(v)}" for k, v in value.items()) + "}"
    return str(value)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _json_string(s: str) -> str:
    if s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = []
    for ch in s:
        escaped = _ESCAPES.get(ch)
        if escaped is not None:
            out.append(escaped)
        elif ch < " ":
            # Jackson writes the remaining control characters with upper-case hex digits.
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def to_json_text(value: Any) -> str:
    """Compact JSON as Jackson writes it (``States.JsonToString``)."""
    t = type(value)
    if t is str:
        return _json_string(value)
    if value is None:
        return "null"
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return str(value)
    if t is float:
        return java_double(value)
    if t is list:
        return "[" + ",".join(map(to_json_text, value)) + "]"
    if t is dict:
        return "{" + ",".join(_json_string(str(k)) + ":" + to_json_text(v) for k, v in value.items()) + "}"
    return json.dumps(value)


_NULL_KEY = ("null",)


def equality_key(value: Any) -> Any:
    """A hashable key equal for two JSON values exactly when Java's ``equals`` says so.

    Java keeps integers and doubles apart (``Integer(1)`` is not ``Double(1.0)``), booleans are
    not numbers, and ``Double.equals`` tells ``-0.0`` from ``0.0``; Python's ``==`` does none
    of that. Objects compare without regard to key order.
    """
    t = type(value)
    if t is str:
        return value
    if value is None:
        return _NULL_KEY
    if t is bool:
        return ("b", value)
    if t is int:
        return ("i", value)
    if t is float:
        return ("f", value, math.copysign(1.0, value))
    if t is list:
        return ("l", tuple(map(equality_key, value)))
    if t is dict:
        return ("o", frozenset((k, equality_key(v)) for k, v in value.items()))
    return ("?", repr(value))
