"""JSONPath as AWS Step Functions reads and evaluates it: one grammar, each path compiled once.

The validator and the interpreter share this module, so a path the validator accepts is one the
interpreter can run, and the reason a path is refused is the same in both.

- ``compile_path(text)``: any path AWS accepts (``.$`` values, InputPath, Choice Variables...).
- ``compile_reference_path(text)``: a *reference path*, which names a single node with fields and
  indexes only (ItemsPath, the ``...Path`` settings, ResultPath with ``input_only``).
- ``path_error(text)`` / ``reference_path_error(text)``: the reason as a short phrase, or None.

``syntax.py`` is the grammar, ``filters.py`` the ``[?(...)]`` expressions, ``evaluate.py`` the
compiled path, ``write.py`` ResultPath's writing.
"""
from __future__ import annotations

import functools
import re

from .errors import JsonPathSyntaxError, PathNotFound, ResultPathMatchFailure
from .evaluate import JsonPath
from .syntax import parse_path, reference_problem
from .write import set_reference_path

__all__ = ["JsonPath", "PathNotFound", "JsonPathSyntaxError", "ResultPathMatchFailure", "compile_path",
           "compile_reference_path", "set_reference_path", "path_error", "reference_path_error", "clear_caches"]

# The usual path, '$.a.b[0]', needs no parser.
_SIMPLE = re.compile(r"(\$\$?)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*)\Z")
_SIMPLE_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")
# text -> None or why it is not such a path
_path_verdicts: dict[str, str | None] = {}
_reference_verdicts: dict[str, str | None] = {}
_input_verdicts: dict[str, str | None] = {}


def compile_path(text: str) -> JsonPath:
    """Compile a path (``$...``, ``$$...`` or ``$variable...``). The same text compiles once."""
    if type(text) is not str:
        raise JsonPathSyntaxError(repr(text), "a path is text starting with '$'")
    return _compile_cached(text)


@functools.lru_cache(maxsize=8192)
def _compile_cached(text: str) -> JsonPath:
    simple = _SIMPLE.match(text)
    if simple:
        steps = [("key", name) if name else ("index", int(index))
                 for name, index in _SIMPLE_STEP.findall(simple.group(2))]
        return JsonPath(text, simple.group(1), None, steps)
    try:
        root, variable, steps = parse_path(text)
    except RecursionError:
        raise JsonPathSyntaxError(text, "it is nested too deeply") from None
    return JsonPath(text, root, variable, steps)


def compile_reference_path(text: str, *, input_only: bool = False) -> JsonPath:
    """A reference path; ``input_only`` (ResultPath) also requires it to start from ``$``."""
    path = compile_path(text)
    if path.reference and (path.root == "$" or not input_only):
        return path
    problem = reference_problem(path.steps)
    if problem:
        raise JsonPathSyntaxError(text, problem)
    if input_only and path.root != "$":
        raise JsonPathSyntaxError(text, "it must put the result into the state's input, so it starts "
                                        "with '$.' or is '$'")
    return path


def path_error(text: str) -> str | None:
    """Why ``text`` is not a path AWS accepts, or None when it is one."""
    found = _path_verdicts.get(text, _path_verdicts)
    if found is _path_verdicts:
        found = _verdict(_path_verdicts, compile_path, text)
    return found


def reference_path_error(text: str, *, input_only: bool = False) -> str | None:
    """Why ``text`` is not a reference path, or None when it is one."""
    verdicts = _input_verdicts if input_only else _reference_verdicts
    found = verdicts.get(text, verdicts)
    if found is verdicts:
        found = _verdict(verdicts, _compile_input if input_only else compile_reference_path, text)
    return found


def _compile_input(text: str) -> JsonPath:
    return compile_reference_path(text, input_only=True)


def _verdict(verdicts: dict, compile_, text: str) -> str | None:
    # Validation asks about the same few paths again and again: a dict answers faster than a
    # call through the compiled-path cache, and also remembers refusals.
    try:
        compile_(text)
        found = None
    except JsonPathSyntaxError as e:
        found = e.reason
    if len(verdicts) < 50_000:
        verdicts[text] = found
    return found


def clear_caches() -> None:
    """Forget compiled paths and refusals (a benchmark's cold start)."""
    _compile_cached.cache_clear()
    for verdicts in (_path_verdicts, _reference_verdicts, _input_verdicts):
        verdicts.clear()
