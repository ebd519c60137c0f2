"""The JSONata engine behind ``jsonata_query.Expression``: jsonata-python, bounded
(``jsonata_bounds.py``), with AWS's added functions. Imported only once a definition holds a
``{% %}`` expression, as the import costs more than a JSONPath definition's whole start-up."""
from __future__ import annotations

import functools
import math
from typing import Any

from jsonata import Jsonata
from jsonata.jexception import JException
from jsonata.utils import Utils

from .diagnostic import Diagnostic
from .errors import DefinitionError
from .jsonata_bounds import BOUNDED_FUNCTIONS, BoundedJsonata, Bounds
from .jsonata_errors import cause_of
from .jsonata_functions import AWS_FUNCTIONS, JsonataFunctionError, set_rng
from .limits import EVALUATION_CHARS

_NULL = Utils.NULL_VALUE


@functools.lru_cache(maxsize=4096)
def compile_text(text: str) -> Jsonata:
    compiled = BoundedJsonata(text)
    compiled.set_output_convert_nulls(False)
    compiled.set_validate_input(False)
    for name, function in AWS_FUNCTIONS.items():
        compiled.register_lambda(name, function)
    for name, function in BOUNDED_FUNCTIONS.items():
        compiled.register_function(name, function)
    return compiled


def compile_expression(text: str, field: str, pointer: str) -> Jsonata:
    try:
        return compile_text(text)
    except JException as e:
        raise DefinitionError(Diagnostic("INVALID_JSONATA", pointer,
                                         f"The JSONata expression '{text}' in {field} is not valid: "
                                         f"{_message(e)}")) from None


def syntax_error(text: str) -> str | None:
    try:
        compile_text(text)
    except JException as e:
        return _message(e).rstrip(".")
    except RecursionError:
        return "the expression is nested too deeply to read"
    except Exception as e:  # jsonata-python raises other errors on some malformed input
        return str(e).strip() or type(e).__name__
    return None


def evaluate(expression: Any, env: Any) -> Any:
    """``Expression.evaluate``: the expression's value in ``env``, or AWS's error for it."""
    bounds = Bounds()
    bindings: dict[str, Any] = {"__evaluate_entry": bounds.entry, "__evaluate_exit": bounds.exit}
    variables = env.variables
    if variables:
        # A variable holding null is null to JSONata, not undefined.
        bindings.update((k, _NULL if v is None else v) for k, v in variables.items())
    if expression._reads_states:
        bindings["states"] = env.states(expression._reads_context)
    set_rng(env.rng)
    try:
        value = expression._compiled.evaluate(None, bindings)
    except (JsonataFunctionError, JException) as e:
        raise expression._error(f"threw an error during evaluation{cause_of(e)}") from None
    except RecursionError:
        raise expression._error("threw an error during evaluation: the expression recursed too deeply.") from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as e:
        # jsonata-python raises these where jsonata-js raises a coded error (or gives nothing):
        # still the expression's failure, never the interpreter's.
        raise expression._error(f"threw an error during evaluation{cause_of(e)}") from None
    finally:
        set_rng(None)
    if value is None:
        raise expression._error("returned nothing (undefined).")
    try:
        return _Converter().convert(value)
    except _Unsupported:
        raise expression._error("returned an unsupported result type.") from None
    except _TooLarge:
        raise expression._error(f"threw an error during evaluation: Its result is more than {EVALUATION_CHARS:,} "
                                f"characters of JSON, the most one evaluation may build.") from None


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


def _message(e: JException) -> str:
    text = str(e) or getattr(e, "error", "") or "error"
    return text.rstrip(".") + "."
