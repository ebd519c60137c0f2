"""JSONata in ASL: ``{% expression %}`` strings, parsed once, evaluated within time and memory
bounds (``jsonata_bounds.py``).

An expression sees ``$states`` (``input``, ``context``, and ``result`` / ``errorOutput`` where
the state has them), the workflow's variables as ``$name``, and AWS's added functions. Whatever
goes wrong is a ``States.QueryEvaluationError`` naming the expression and the field, as AWS does.
"""
from __future__ import annotations

import re
import sys
from types import MethodType
from typing import Any, Callable

from .errors import StateRuntimeError
from .jsontext import dumps

# The JSONata engine (jsonata-python and AWS's functions, jsonata_engine.py) is imported the
# first time a definition holds an expression: a JSONPath definition never loads it.

QUERY_ERROR = "States.QueryEvaluationError"
# $states used other than as $states.input / .result / .errorOutput may read the context.
_CONTEXT_USE = re.compile(r"\$states(?!\s*\.\s*(?:input|result|errorOutput)\b)")


def is_expression(value: Any) -> bool:
    return type(value) is str and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


def syntax_error(text: str) -> str | None:
    """Why an expression (the text between ``{%`` and ``%}``) does not parse, or None.

    The validator asks this, so a good expression is compiled once for both it and the run.
    """
    from .jsonata_engine import syntax_error as engine_syntax_error

    return engine_syntax_error(text)


def clear_caches() -> None:
    """Forget compiled expressions (benchmarks time parsing from nothing)."""
    engine = sys.modules.get(__package__ + ".jsonata_engine")
    if engine is not None:
        engine.compile_text.cache_clear()


class Expression:
    """One ``{% %}`` string, compiled. ``field`` is where it sits, e.g. ``Arguments/FunctionName``."""
    __slots__ = ("text", "field", "_compiled", "_reads_states", "_reads_context", "evaluate")

    def __init__(self, source: str, field: str, pointer: str):
        from . import jsonata_engine

        self.text = source[2:-2].strip()
        self.field = field
        self._compiled = jsonata_engine.compile_expression(self.text, field, pointer)
        self._reads_states = "$states" in self.text
        # Building the context object costs more than most expressions: only when it can be read.
        self._reads_context = _CONTEXT_USE.search(self.text) is not None
        # ``evaluate(env)``: the engine's, bound here (as a method would be) so that this module
        # need not import the engine.
        self.evaluate = MethodType(jsonata_engine.evaluate, self)

    def _error(self, what: str) -> StateRuntimeError:
        error = StateRuntimeError(QUERY_ERROR, f"The JSONata expression '{self.text}' specified for the field "
                                               f"'{self.field}' {what}")
        error.location = self.field
        return error

    def type_error(self, expected: str, value: Any) -> StateRuntimeError:
        return self._error(f"returned an unexpected result type. Expected '{expected}', but was "
                           f"'{json_type(value)}' for value: {dumps(value)}")


class Env:
    """What one evaluation may read: ``$states`` (built on first use) and the variables."""
    __slots__ = ("input", "scope", "result", "error_output", "variables", "_states")

    _NOTHING = object()

    def __init__(self, input: Any, scope: Any, result: Any = _NOTHING, error_output: Any = _NOTHING):
        self.input, self.scope, self.result, self.error_output = input, scope, result, error_output
        self.variables = scope.variables
        self._states = None

    @property
    def rng(self):
        return self.scope.rng

    def states(self, context: bool = True) -> dict:
        if self._states is None or (context and "context" not in self._states):
            states = {"input": self.input}
            if context:
                states["context"] = self.scope.context
            if self.result is not Env._NOTHING:
                states["result"] = self.result
            if self.error_output is not Env._NOTHING:
                states["errorOutput"] = self.error_output
            self._states = states
        return self._states


Template = Callable[[Env], Any]


def compile_template(value: Any, field: str, pointer: str) -> Template:
    """A JSON value whose ``{% %}`` strings (at any depth) are evaluated: Arguments, Output, Assign..."""
    if is_expression(value):
        return Expression(value, field, pointer).evaluate
    if isinstance(value, dict):
        parts = tuple((k, compile_template(v, f"{field}/{k}", f"{pointer}/{_escape(k)}"), _dynamic(v))
                      for k, v in value.items())
        if not any(dynamic for _, _, dynamic in parts):
            return lambda env: value
        return lambda env: {k: (part(env) if dynamic else value[k]) for k, part, dynamic in parts}
    if isinstance(value, list):
        items = tuple(compile_template(v, f"{field}/{i}", f"{pointer}/{i}") for i, v in enumerate(value))
        if not any(_dynamic(v) for v in value):
            return lambda env: value
        return lambda env: [item(env) for item in items]
    return lambda env: value


def compile_expression(value: Any, field: str, pointer: str) -> Expression | None:
    return Expression(value, field, pointer) if is_expression(value) else None


def compile_either(value: Any, field: str, pointer: str, jsonata: bool) -> Callable[[Any, Any], Any]:
    """A payload in either language as ``evaluate(data, scope)``: a JSONata template reading
    ``data`` as ``$states.input``, or a JSONPath Parameters-style template."""
    if not jsonata:
        from .payload import compile_template as compile_payload

        return compile_payload(value, pointer)
    template = compile_template(value, field, pointer)
    return lambda data, scope: template(Env(data, scope))


class ExpressionPath:
    """A JSONata expression standing where a JSONPath ``...Path`` would (a count read at run
    time): ``evaluate(data, scope)`` and ``text``, as ``JsonPath`` has."""
    __slots__ = ("expression", "text")

    def __init__(self, expression: Expression):
        self.expression, self.text = expression, expression.text

    def evaluate(self, data: Any, scope: Any) -> Any:
        return self.expression.evaluate(Env(data, scope))


def is_dynamic(value: Any) -> bool:
    """Whether a JSON value holds a ``{% %}`` expression at any depth."""
    return _dynamic(value)


def _dynamic(value: Any) -> bool:
    if is_expression(value):
        return True
    if isinstance(value, dict):
        return any(_dynamic(v) for v in value.values())
    if isinstance(value, list):
        return any(_dynamic(v) for v in value)
    return False


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


__all__ = ["Expression", "ExpressionPath", "Env", "compile_template", "compile_expression", "compile_either",
           "is_expression", "json_type", "syntax_error", "clear_caches", "QUERY_ERROR"]
