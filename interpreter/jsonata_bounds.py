"""Time and memory bounds on one JSONata evaluation, checked before the work they guard.

jsonata-python calls an entry and an exit hook around every node it evaluates; ``Bounds`` uses
them to bound the nesting depth and the CPU time (the evaluating thread's own, so that a loaded
machine does not fail a sound expression), and the exit hook refuses any array or string a node
built past the bound. What one node can allocate before its exit hook sees it is bounded too:

- the range operator (``[0..100000000]``), ``$pad``, ``$join``, ``$append``, ``$replace``,
  ``$string`` and string concatenation (``&``) check the size of what they would build first;
- a path step flattens its results into one sequence: the count is checked before flattening;
- ``$string`` and ``&`` measure a value's JSON text with ``limits.text_size``, which stops as soon as
  the bound is passed, however many times a value repeats inside another (``[$a, $a, ...]``).

A bound that is passed raises :class:`BoundExceeded`, whose message names the bound; the caller
reports it as ``States.QueryEvaluationError``.
"""
from __future__ import annotations

import time
from typing import Any

from jsonata import Jsonata
from jsonata.functions import Functions
from jsonata.jexception import JException
from jsonata.utils import Utils

from .limits import EVALUATION_CHARS, EVALUATION_DEPTH, EVALUATION_ITEMS, EVALUATION_SECONDS, text_size

# The clock is read every this many nodes: reading a thread's CPU time is a system call.
_CLOCK_EVERY = 64


class EvaluationError(JException):
    """An error of Statewise's own during an evaluation; ``str()`` is its sentence. A JException,
    so that jsonata passes it through unchanged (it rewrites other exceptions as "Unexpected")."""

    def __init__(self, message: str):
        RuntimeError.__init__(self, message)
        self.error, self.location, self.current, self.expected, self.extra = "Statewise", -1, None, None, None
        self.type = self.remaining = None


class BoundExceeded(EvaluationError):
    """An evaluation passed one of Statewise's bounds; the message names it."""


def too_many_items(count: int) -> BoundExceeded:
    return BoundExceeded(f"It would build an array of {count:,} items; one evaluation may build at most "
                         f"{EVALUATION_ITEMS:,}.")


def too_many_chars(count: int | None) -> BoundExceeded:
    size = f"{count:,}" if count is not None else f"more than {EVALUATION_CHARS:,}"
    return BoundExceeded(f"It would build a string of {size} characters; one evaluation may build at most "
                         f"{EVALUATION_CHARS:,}.")


class Bounds:
    """The hooks of one evaluation: depth, CPU time, and the size of what each node returns."""
    __slots__ = ("depth", "deadline", "ticks")

    def __init__(self):
        self.depth = 0
        self.ticks = 0
        self.deadline = time.thread_time() + EVALUATION_SECONDS

    def entry(self, expr, input, env) -> None:
        self.depth += 1
        if self.depth > EVALUATION_DEPTH:
            raise BoundExceeded(f"It nested more than {EVALUATION_DEPTH} calls deep, the most one evaluation may "
                                f"(a recursion that does not end?).")
        self.ticks += 1
        if not self.ticks % _CLOCK_EVERY and time.thread_time() > self.deadline:
            raise BoundExceeded(f"It took more than {EVALUATION_SECONDS:g} s of processing time, the most one "
                                f"evaluation may take (a loop that does not end?).")

    def exit(self, expr, input, env, result) -> None:
        self.depth -= 1
        if type(result) is str:
            if len(result) > EVALUATION_CHARS:
                raise too_many_chars(len(result))
        elif isinstance(result, list) and len(result) > EVALUATION_ITEMS:
            raise too_many_items(len(result))


def _string_size(value: Any) -> int:
    return len(value) if type(value) is str else text_size(value, EVALUATION_CHARS)


class BoundedJsonata(Jsonata):
    """jsonata's evaluator with the allocations it makes in one step bounded before they happen."""

    def evaluate_range_expression(self, lhs, rhs):
        if type(lhs) is int and type(rhs) is int and rhs - lhs + 1 > EVALUATION_ITEMS:
            raise too_many_items(rhs - lhs + 1)
        return super().evaluate_range_expression(lhs, rhs)

    def evaluate_string_concat(self, lhs, rhs):
        size = (_string_size(lhs) if lhs is not None else 0) + (_string_size(rhs) if rhs is not None else 0)
        if size > EVALUATION_CHARS:
            raise too_many_chars(size if size <= 2 * EVALUATION_CHARS else None)
        return super().evaluate_string_concat(lhs, rhs)

    def evaluate_step(self, expr, input, environment, last_step):
        # The library evaluates the step for each input, then flattens the results into one
        # sequence; that flattening is the one allocation no hook sees. Each result has passed the
        # exit hook, so their number times their sizes is what the flattening would build.
        if expr.type == "sort":
            return super().evaluate_step(expr, input, environment, last_step)
        results = Utils.create_sequence()
        count = 0
        for item in input:
            res = self.eval(expr, item, environment)
            if expr.stages is not None:
                for stage in expr.stages:
                    res = self.evaluate_filter(stage.expr, res, environment)
            if res is not None:
                results.append(res)
                count += len(res) if isinstance(res, list) else 1
        if count > EVALUATION_ITEMS:
            raise too_many_items(count)
        if last_step and len(results) == 1 and isinstance(results[0], list) and not Utils.is_sequence(results[0]):
            return results[0]
        flat = Utils.create_sequence()
        for res in results:
            if not isinstance(res, list) or (isinstance(res, Utils.JList) and res.cons):
                flat.append(res)
            else:
                flat.extend(res)
        return flat


# --- built-in functions that build large values, each checked first --------------------------

def _pad(string, width, char):
    if isinstance(width, (int, float)) and not isinstance(width, bool) and abs(width) > EVALUATION_CHARS:
        raise too_many_chars(int(abs(width)))
    return Functions.pad(string, width, char)


def _string(arg, prettify):
    if arg is not None and type(arg) is not str:
        size = text_size(arg, EVALUATION_CHARS // 2 if prettify else EVALUATION_CHARS)
        if size > (EVALUATION_CHARS // 2 if prettify else EVALUATION_CHARS):
            raise too_many_chars(None)
    return Functions.string(arg, prettify)


def _join(strs, separator):
    if isinstance(strs, list):
        extra = len(separator) if isinstance(separator, str) else 0
        total = 0
        for item in strs:
            total += (len(item) if isinstance(item, str) else 0) + extra
            if total > EVALUATION_CHARS:
                raise too_many_chars(None)
    return Functions.join(strs, separator)


def _append(arg1, arg2):
    count = (len(arg1) if isinstance(arg1, list) else 1) + (len(arg2) if isinstance(arg2, list) else 1)
    if count > EVALUATION_ITEMS:
        raise too_many_items(count)
    return Functions.append(arg1, arg2)


def _replace(string, pattern, replacement, limit):
    if isinstance(string, str) and isinstance(replacement, str) and len(replacement) > 1:
        if isinstance(pattern, str) and pattern:
            found = string.count(pattern)
        elif hasattr(pattern, "finditer"):
            found = sum(1 for _ in zip(range(EVALUATION_CHARS + 1), pattern.finditer(string)))
        else:
            found = 0
        if isinstance(limit, (int, float)) and not isinstance(limit, bool):
            found = min(found, max(int(limit), 0))
        size = len(string) + found * len(replacement)
        if size > EVALUATION_CHARS:
            raise too_many_chars(size)
    return Functions.replace(string, pattern, replacement, limit)


class _BoundedFunctions:
    """Where ``JNativeFunction`` finds the implementations (by name, as it does in Functions)."""
    pad = staticmethod(_pad)
    string = staticmethod(_string)
    join = staticmethod(_join)
    append = staticmethod(_append)
    replace = staticmethod(_replace)


# Each keeps the library's signature (argument checks, the context as default argument).
_SIGNATURES = {"pad": "<s-ns?:s>", "string": "<x-b?:s>", "join": "<a<s>s?:s>", "append": "<xx:a>",
               "replace": "<s-(sf)(sf)n?:s>"}
BOUNDED_FUNCTIONS = {name: Jsonata.JNativeFunction(name, signature, _BoundedFunctions, name)
                     for name, signature in _SIGNATURES.items()}

__all__ = ["Bounds", "BoundedJsonata", "BoundExceeded", "EvaluationError", "BOUNDED_FUNCTIONS"]
