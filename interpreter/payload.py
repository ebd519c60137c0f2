"""Payload templates (Parameters, ResultSelector, ItemSelector): static JSON with ``"key.$"`` fields.

A ``key.$`` value is a path (``$.x``, ``$$.Execution.Id``, ``$var``) or an intrinsic call
(``States.Format(...)``); the output key drops the ``.$``. Compiled once; evaluation builds a new
value and never mutates the template or the data.
"""
from __future__ import annotations

import functools
import re
from types import MethodType
from typing import Any, Callable

from .diagnostic import Diagnostic, pointer as make_pointer
from .errors import DefinitionError, StateRuntimeError
from .jsonpath import JsonPathSyntaxError, PathNotFound, compile_path
from .jsontext import dumps

Evaluator = Callable[[Any, Any], Any]

class _Problem(Exception):
    """A template error; the JSON Pointer is joined from ``keys`` (innermost first) only when one
    happens, as nearly every template compiles cleanly."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message, self.keys = code, message, []

    def diagnostic(self, pointer: str) -> Diagnostic:
        return Diagnostic(self.code, pointer + make_pointer(*reversed(self.keys)), self.message)


def compile_template(template: Any, pointer: str, key: str | None = None) -> Evaluator:
    """Compile ``template`` (any JSON value) into ``evaluate(data, scope)``.

    ``key``, when given, is the field under ``pointer`` that holds the template; callers pass it
    so that the pointer is only built for an error.
    """
    try:
        if isinstance(template, dict):
            compiled = _compile_object(template)
        elif isinstance(template, list):
            compiled = _compile_array(template)
        else:
            compiled = None
    except _Problem as e:
        if key is not None:
            e.keys.append(key)
        raise DefinitionError(e.diagnostic(pointer)) from None
    if compiled is None:
        return lambda data, scope: template
    return compiled


def compile_dynamic_value(key: str, text: Any, pointer: str) -> Evaluator:
    """One ``key.$`` value: a path or an intrinsic function call."""
    try:
        field, kind = _dynamic_value(key, text)
    except _Problem as e:
        raise DefinitionError(e.diagnostic(pointer)) from None
    if kind == _INTRINSIC:
        call = field.evaluate

        def evaluate_call(data, scope):
            try:
                return call(data, scope)
            except PathNotFound as e:
                raise _argument_not_found(field.text, e.path, data) from None
        return evaluate_call
    evaluate_path = field.evaluate

    def evaluate(data, scope):
        try:
            return evaluate_path(data, scope)
        except PathNotFound:
            raise _not_found(key, field, data, scope) from None
    return evaluate


def _not_found(key: str, path: Any, data: Any, scope: Any) -> StateRuntimeError:
    # A '$$' path is looked for in the context object, and that is the input AWS's cause shows
    # (LocalStack's AWS-validated invalid_jsonpath_in_string_expr_contextpath test has it so).
    searched = scope.context if path.root == "$$" else data
    return StateRuntimeError("States.Runtime", f"The JSONPath '{path.text}' specified for the field "
                                               f"'{key}' could not be found in the input '{dumps(searched)}'")


def _argument_not_found(call: str, path: Any, data: Any) -> StateRuntimeError:
    # AWS names the whole expression as written (not the nested call that took the argument), and
    # always the state's input, even for a ``$$`` argument, which it shows with its first ``$``
    # dropped: the Context Object path as its evaluator rewrote it (Step Functions Local's text).
    argument = path.text[1:] if path.root == "$$" else path.text
    return StateRuntimeError("States.Runtime", f"The function '{call}' had the following error: The JsonPath "
                                               f"argument for the field '{argument}' could not be found in the "
                                               f"input '{dumps(data)}'")


# How a compiled object template makes each field: the value as written, a call
# ``field(data, scope)``, a JsonPath or an intrinsic call, evaluated in place so that a template
# keeps no closure per path (and calls one function fewer per field at run time).
_STATIC, _CALL, _PATH, _INTRINSIC = 0, 1, 2, 3


@functools.lru_cache(maxsize=8192)
def _dynamic_field(key: str, text: str) -> tuple[str, Any, int]:
    """A template's field for ``key.$``: (output key, path or call, kind). It is immutable, and a
    definition repeats the same few (``"id.$": "$.id"``) many times, so each is built once per
    process, as the compiled paths and calls in it are."""
    field, kind = _dynamic_value(key, text)
    return key[:-2], field, kind


_LOOKS_LIKE_INTRINSIC = re.compile(r"States\.[A-Za-z0-9]+\(")  # intrinsics.looks_like_intrinsic's test


def _dynamic_value(key: str, text: Any) -> tuple[Any, int]:
    if not isinstance(text, str):
        raise _Problem("INVALID_PATH", f"The value of '{key}' must be a path or an intrinsic function, "
                                       f"not {dumps(text)}.")
    # A path starts with '$', an intrinsic call with 'States.': most values are paths.
    if text[:1] != "$" and _LOOKS_LIKE_INTRINSIC.match(text):
        # The intrinsics (and what they import) load with the first definition that calls one.
        from .intrinsics import IntrinsicSyntaxError, compile_intrinsic

        try:
            return compile_intrinsic(text), _INTRINSIC
        except IntrinsicSyntaxError as e:
            raise _Problem("INVALID_INTRINSIC", str(e)) from None
    try:
        return compile_path(text), _PATH
    except JsonPathSyntaxError as e:
        raise _Problem("INVALID_PATH", str(e)) from None


# One walk both finds whether a value has ``.$`` fields and compiles it: each returns None for a
# value without any, which evaluates to itself.

def _compile_array(template: list) -> Evaluator | None:
    items = []
    dynamic = False
    for i, value in enumerate(template):
        try:
            if isinstance(value, dict):
                item = _compile_object(value)
            elif isinstance(value, list):
                item = _compile_array(value)
            else:
                item = None
        except _Problem as e:
            e.keys.append(i)
            raise
        if item is None:
            item = _constant(value)
        else:
            dynamic = True
        items.append(item)
    if not dynamic:
        return None
    return MethodType(_evaluate_array, tuple(items))


def _evaluate_array(items: tuple, data: Any, scope: Any) -> list:
    return [item(data, scope) for item in items]


def _constant(value: Any) -> Evaluator:
    return lambda data, scope: value


def _compile_object(template: dict) -> Evaluator | None:
    fields = []
    dynamic = False
    for key, value in template.items():
        try:
            if key.endswith(".$"):
                if type(value) is str:
                    fields.append(_dynamic_field(key, value))
                else:  # not text (a problem), or a str subclass the cache should not keep
                    field, kind = _dynamic_value(key, value)
                    fields.append((key[:-2], field, kind))
                dynamic = True
                continue
            kind = type(value)
            field = _compile_object(value) if kind is dict else _compile_array(value) if kind is list else None
        except _Problem as e:
            e.keys.append(key)
            raise
        if field is None:
            fields.append((key, value, _STATIC))
        else:
            fields.append((key, field, _CALL))
            dynamic = True
    if not dynamic:
        return None
    # A method bound to the fields rather than a closure over them: a template is then two
    # objects for the GC to walk, not four, and a definition has hundreds of templates.
    return MethodType(_evaluate_object, tuple(fields))


def _evaluate_object(fields: tuple, data: Any, scope: Any) -> dict:
    out = {}
    for key, field, kind in fields:
        if kind == _PATH:
            try:
                out[key] = field.evaluate(data, scope)
            except PathNotFound:
                raise _not_found(key + ".$", field, data, scope) from None
        elif kind == _INTRINSIC:
            try:
                out[key] = field.evaluate(data, scope)
            except PathNotFound as e:
                raise _argument_not_found(field.text, e.path, data) from None
        elif kind:
            out[key] = field(data, scope)
        else:
            out[key] = field
    return out
