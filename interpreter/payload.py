"""Payload templates (Parameters, ResultSelector, ItemSelector): static JSON with ``"key.$"`` fields.

A ``key.$`` value is a path (``$.x``, ``$$.Execution.Id``, ``$var``) or an intrinsic call
(``States.Format(...)``); the output key drops the ``.$``. Compiled once; evaluation builds a new
value and never mutates the template or the data.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from .diagnostic import Diagnostic, pointer as make_pointer
from .errors import DefinitionError, StateRuntimeError
from .intrinsics import IntrinsicSyntaxError, compile_intrinsic, looks_like_intrinsic
from .jsonpath import JsonPathSyntaxError, PathNotFound, compile_path
from .jsontext import dumps

Evaluator = Callable[[Any, Any], Any]

# Compiled intrinsic calls are immutable, so each distinct text is compiled once per process.
_compile_intrinsic = functools.lru_cache(maxsize=8192)(compile_intrinsic)


def compile_template(template: Any, pointer: str) -> Evaluator:
    """Compile ``template`` (any JSON value) into ``evaluate(data, scope)``."""
    if not _is_dynamic(template):
        return lambda data, scope: template
    return _compile(template, pointer)


def compile_dynamic_value(key: str, text: Any, pointer: str) -> Evaluator:
    """One ``key.$`` value: a path or an intrinsic function call."""
    if not isinstance(text, str):
        raise DefinitionError(Diagnostic("INVALID_PATH", pointer,
                                         f"The value of '{key}' must be a path or an intrinsic function, "
                                         f"not {dumps(text)}."))
    if looks_like_intrinsic(text):
        try:
            intrinsic = _compile_intrinsic(text)
        except IntrinsicSyntaxError as e:
            raise DefinitionError(Diagnostic("INVALID_INTRINSIC", pointer, str(e))) from None
        return intrinsic.evaluate
    try:
        path = compile_path(text)
    except JsonPathSyntaxError as e:
        raise DefinitionError(Diagnostic("INVALID_PATH", pointer, str(e))) from None
    evaluate_path = path.evaluate

    def evaluate(data, scope):
        try:
            return evaluate_path(data, scope)
        except PathNotFound:
            raise StateRuntimeError("States.Runtime", f"The JSONPath '{text}' specified for the field "
                                    f"'{key}' could not be found in the input '{dumps(data)}'") from None
    return evaluate


def _is_dynamic(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k.endswith(".$") or _is_dynamic(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_is_dynamic(v) for v in value)
    return False


def _compile(template: Any, pointer: str) -> Evaluator:
    if isinstance(template, list):
        items = [compile_template(v, pointer + make_pointer(i)) for i, v in enumerate(template)]
        return lambda data, scope: [item(data, scope) for item in items]
    if not isinstance(template, dict):
        return lambda data, scope: template
    fields = []
    for key, value in template.items():
        if key.endswith(".$"):
            fields.append((key[:-2], compile_dynamic_value(key, value, pointer + make_pointer(key)), True))
        elif type(value) in (dict, list) and _is_dynamic(value):
            fields.append((key, _compile(value, pointer + make_pointer(key)), True))
        else:
            fields.append((key, value, False))
    fields_t = tuple(fields)

    def evaluate(data, scope):
        out = {}
        for key, field, dynamic in fields_t:
            out[key] = field(data, scope) if dynamic else field
        return out
    return evaluate