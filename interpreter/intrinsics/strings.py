"""States.Format and States.StringSplit."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .args import bind, describe, require_string
from .errors import IntrinsicSyntaxError, failure
from .nodes import Call, Evaluator, Literal
from .render import format_value

PLACEHOLDER = "{}"


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
        return _literal_template(parts, getters)

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
            value = getter(data, scope)
            out.append(value if type(value) is str else format_value(value))
            out.append(part)
        return "".join(out)
    return evaluate


def _literal_template(parts: tuple[str, ...], getters: tuple) -> Evaluator:
    if not getters:
        (text,) = parts
        return lambda data, scope: text
    if len(getters) == 1:
        (g0,) = getters
        head, tail = parts

        def evaluate_one(data, scope):
            value = g0(data, scope)
            return head + (value if type(value) is str else format_value(value)) + tail
        return evaluate_one
    pairs = tuple(zip(getters, parts[1:]))
    head = parts[0]

    def evaluate(data, scope):
        out = [head]
        for getter, part in pairs:
            value = getter(data, scope)
            out.append(value if type(value) is str else format_value(value))
            out.append(part)
        return "".join(out)
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
    return _splitter(delimiters)(text)


build_split = bind(_split)
