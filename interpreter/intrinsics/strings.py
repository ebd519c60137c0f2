"""States.Format and States.StringSplit."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..limits import EVALUATION_CHARS, EVALUATION_ITEMS, text_size
from .args import bind, describe, require_string
from .errors import IntrinsicSyntaxError, failure
from .nodes import Call, Evaluator, Literal
from .render import format_value

PLACEHOLDER = "{}"


def _formatted(call: Call, value: Any) -> str:
    """A value as Format inserts it, measured first when it is not text: an object or array is
    written out whole, and it may hold one large value many times."""
    if type(value) is str:
        return value
    if type(value) in (list, dict) and text_size(value, EVALUATION_CHARS) > EVALUATION_CHARS:
        raise _too_long(call, None)
    return format_value(value)


def _joined(call: Call, pieces: list) -> str:
    """The pieces joined, once their total length is known to be within the bound (a Format
    with many placeholders, nested in another, multiplies what it is given)."""
    total = sum(map(len, pieces))
    if total > EVALUATION_CHARS:
        raise _too_long(call, total)
    return "".join(pieces)


def _too_long(call: Call, length: int | None):
    said = f"{length:,}" if length is not None else f"more than {EVALUATION_CHARS:,}"
    return failure(call.text, f"The result would be {said} characters long; one intrinsic call may build at most "
                              f"{EVALUATION_CHARS:,}")


def _placeholder_mismatch(parts: int, given: int) -> str:
    return (f"The template has {parts - 1} placeholder{'' if parts == 2 else 's'} '{{}}' but "
            f"{given} value{'' if given == 1 else 's'} to insert {'was' if given == 1 else 'were'} given")


def build_format(call: Call) -> Evaluator:
    template_arg, *value_args = call.args
    getters = tuple(arg.evaluate for arg in value_args)
    n = len(getters)
    if isinstance(template_arg, Literal):
        if template_arg.template is None:
            raise IntrinsicSyntaxError(
                f"the first argument of States.Format must be a string, not {describe(template_arg.value)}",
                position=template_arg.position)
        parts = template_arg.template
        if len(parts) != n + 1:
            raise IntrinsicSyntaxError(_placeholder_mismatch(len(parts), n), position=template_arg.position)
        return _literal_template(parts, getters, call)

    template_getter = template_arg.evaluate

    def evaluate(data, scope):
        template = template_getter(data, scope)
        if type(template) is not str:
            raise failure(call.text, f"The template (first argument) must be a string, "
                                     f"but {describe(template)} was given")
        parts = template.split(PLACEHOLDER)
        if len(parts) != n + 1:
            raise failure(call.text, _placeholder_mismatch(len(parts), n))
        out = [parts[0]]
        for getter, part in zip(getters, parts[1:]):
            out.append(_formatted(call, getter(data, scope)))
            out.append(part)
        return _joined(call, out)
    return evaluate


def _literal_template(parts: tuple[str, ...], getters: tuple, call: Call) -> Evaluator:
    if not getters:
        (text,) = parts
        return lambda data, scope: text
    if len(getters) == 1:
        (g0,) = getters
        head, tail = parts

        def evaluate_one(data, scope):
            value = g0(data, scope)
            if type(value) is str:  # the usual case: no larger than what it was given, and the template
                return head + value + tail
            return head + _formatted(call, value) + tail
        return evaluate_one
    pairs = tuple(zip(getters, parts[1:]))
    head = parts[0]

    def evaluate(data, scope):
        out = [head]
        for getter, part in pairs:
            out.append(_formatted(call, getter(data, scope)))
            out.append(part)
        return _joined(call, out)
    return evaluate


@lru_cache(maxsize=256)
def _splitter(delimiters: str):
    # AWS splits like Java's StringTokenizer: every character of the second argument is a
    # delimiter on its own, and empty pieces between adjacent delimiters are dropped (the
    # recorded split of "a,,b" by "," gives ["a", "b"]).
    if not delimiters:
        return lambda s: [s] if s else []
    if len(delimiters) == 1:
        return lambda s: [piece for piece in s.split(delimiters) if piece]
    pattern = re.compile("[" + "".join(re.escape(c) for c in delimiters) + "]")
    return lambda s: [piece for piece in pattern.split(s) if piece]


def _split(call: Call, scope: Any, text: Any, delimiters: Any) -> list:
    text = require_string(call, 0, text)
    delimiters = require_string(call, 1, delimiters)
    if len(text) > EVALUATION_ITEMS:  # only then could there be too many pieces: count them first
        pieces = sum(text.count(d) for d in set(delimiters)) + 1
        if pieces > EVALUATION_ITEMS:
            raise failure(call.text, f"The string would split into {pieces:,} pieces; one intrinsic call may build "
                                     f"at most {EVALUATION_ITEMS:,}")
    return _splitter(delimiters)(text)


build_split = bind(_split)
