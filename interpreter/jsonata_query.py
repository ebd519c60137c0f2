"""JSONata in ASL: ``{% expression %}`` strings, parsed once, evaluated within time and memory
bounds (``jsonata_bounds.py``).

An expression sees ``$states`` (``input``, ``context``, and ``result`` / ``errorOutput`` where
the state has them), the workflow's variables as ``$name``, and AWS's added functions. Whatever
goes wrong is a ``States.QueryEvaluationError`` naming the expression and the field, as AWS does.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Any, Callable

from jsonata import Jsonata
from jsonata.jexception import JException
from jsonata.utils import Utils

from .diagnostic import Diagnostic
from .errors import DefinitionError, StateRuntimeError
from .jsonata_errors import cause_of
from .jsonata_bounds import BOUNDED_FUNCTIONS, BoundedJsonata, Bounds
from .jsonata_functions import AWS_FUNCTIONS, JsonataFunctionError, set_rng
from .jsontext import dumps
from .limits import EVALUATION_CHARS

QUERY_ERROR = "States.QueryEvaluationError"
# $states used other than as $states.input / .result / .errorOutput may read the context.
_CONTEXT_USE = re.compile(r"\$states(?!\s*\.\s*(?:input|result|errorOutput)\b)")
_NULL = Utils.NULL_VALUE
_FUNCTION_TYPES = (Jsonata.JFunctionCallable,)


def is_expression(value: Any) -> bool:
    return type(value) is str and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


@functools.lru_cache(maxsize=4096)
def _compile(text: str) -> Jsonata:
    compiled = BoundedJsonata(text)
    compiled.set_output_convert_nulls(False)
    compiled.set_validate_input(False)
    for name, function in AWS_FUNCTIONS.items():
        compiled.register_lambda(name, function)
    for name, function in BOUNDED_FUNCTIONS.items():
        compiled.register_function(name, function)
    return compiled


def syntax_error(text: str) -> str | None:
    """Why an expression (the text between ``{%`` and ``%}``) does not parse, or None.

    The validator asks this, so a good expression is compiled once for both it and the run.
    """
    try:
        _compile(text)
    except JException as e:
        return _message(e).rstrip(".")
    except RecursionError:
        return "the expression is nested too deeply to read"
    except Exception as e:  # jsonata-python raises other errors on some malformed input
        return str(e).strip() or type(e).__name__
    return None


class Expression:
    """One ``{% %}`` string, compiled. ``field`` is where it sits, e.g. ``Arguments/FunctionName``."""
    __slots__ = ("text", "field", "_compiled", "_reads_states", "_reads_context")

    def __init__(self, source: str, field: str, pointer: str):
        self.text = source[2:-2].strip()
        self.field = field
        try:
            self._compiled = _compile(self.text)
        except JException as e:
            raise DefinitionError(Diagnostic("INVALID_JSONATA", pointer,
                                             f"The JSONata expression '{self.text}' in {field} is not valid: "
                                             f"{_message(e)}")) from None
        self._reads_states = "$states" in self.text
        # Building the context object costs more than most expressions: only when it can be read.
        self._reads_context = _CONTEXT_USE.search(self.text) is not None

    def evaluate(self, env: "Env") -> Any:
        bounds = Bounds()
        bindings: dict[str, Any] = {"__evaluate_entry": bounds.entry, "__evaluate_exit": bounds.exit}
        variables = env.variables
        if variables:
            # A variable holding null is null to JSONata, not undefined.
            bindings.update((k, _NULL if v is None else v) for k, v in variables.items())
        if self._reads_states:
            bindings["states"] = env.states(self._reads_context)
        set_rng(env.rng)
        try:
            value = self._compiled.evaluate(None, bindings)
        except (JsonataFunctionError, JException) as e:
            raise self._error(f"threw an error during evaluation{cause_of(e)}") from None
        except RecursionError:
            raise self._error("threw an error during evaluation: the expression recursed too deeply.") from None
        except (ArithmeticError, LookupError, TypeError, ValueError) as e:
            # jsonata-python raises these where jsonata-js raises a coded error (or gives nothing):
            # still the expression's failure, never the interpreter's.
            raise self._error(f"threw an error during evaluation{cause_of(e)}") from None
        finally:
            set_rng(None)
        if value is None:
            raise self._error("returned nothing (undefined).")
        try:
            return _Converter().convert(value)
        except _Unsupported:
            raise self._error("returned an unsupported result type.") from None
        except _TooLarge:
            raise self._error(f"threw an error during evaluation: Its result is more than {EVALUATION_CHARS:,} "
                              f"characters of JSON, the most one evaluation may build.") from None

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


class _Unsupported(Exception):
    pass


class _TooLarge(Exception):
    pass


class _Converter:
    """jsonata's values as plain JSON: its null marker as None, sequences as lists, and integral
    numbers as integers (JSONata numbers are doubles, which JSON prints without a fraction).

    Counts what it builds against the evaluation bound: a result that holds one value many times
    (``[$a, $a, ...]``, nested) is small in memory but not as JSON, and is refused part-way."""
    __slots__ = ("left",)

    def __init__(self):
        self.left = EVALUATION_CHARS

    def convert(self, value: Any) -> Any:
        t = type(value)
        if t is str:
            self.left -= len(value)
            if self.left < 0:
                raise _TooLarge
            return value
        if t is bool:
            return value
        if t is int or t is float:
            if t is float:
                if not math.isfinite(value):
                    raise _Unsupported
                if value.is_integer() and abs(value) < 2 ** 53:
                    value = int(value)
            self.left -= 2 if -10 < value < 10 else len(repr(value))
            if self.left < 0:
                raise _TooLarge
            return value
        if value is _NULL:
            return None
        if isinstance(value, dict):
            self.left -= len(value) + 1
            if self.left < 0:
                raise _TooLarge
            convert = self.convert
            return {k: convert(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            self.left -= len(value) + 1
            if self.left < 0:
                raise _TooLarge
            convert = self.convert
            return [convert(v) for v in value if v is not None]
        raise _Unsupported


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


def _message(e: JException) -> str:
    text = str(e) or getattr(e, "error", "") or "error"
    return text.rstrip(".") + "."


__all__ = ["Expression", "ExpressionPath", "Env", "compile_template", "compile_expression", "compile_either",
           "is_expression", "json_type", "syntax_error", "QUERY_ERROR"]
