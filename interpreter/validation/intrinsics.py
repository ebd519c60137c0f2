"""Syntax of intrinsic-function calls such as ``States.Format('Hi {}', $.name)``.

An intrinsic call is the whole value of a ``.$`` field (JSONPath mode). Its arguments are
single-quoted strings, numbers, booleans, ``null``, paths (``$``, ``$$``, ``$var``) or other
calls. Inside a string, ``\\'``, ``\\{``, ``\\}`` and ``\\\\`` are the only escapes AWS knows; any
other backslash is an error. ``intrinsic_error`` returns None for a good call, or a phrase saying
what is wrong; answers are memoised because definitions repeat the same calls.
"""
from __future__ import annotations

import re

from .jsonpath import path_error

# name -> (fewest, most) arguments; None means no upper bound.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}
# argument positions that must be numbers (a literal number, a path or a nested call)
NUMERIC_ARGUMENTS: dict[str, tuple[int, ...]] = {
    "States.MathAdd": (0, 1), "States.MathRandom": (0, 1, 2), "States.ArrayRange": (0, 1, 2),
    "States.ArrayGetItem": (1,), "States.ArrayPartition": (1,),
}
HASH_ALGORITHMS = frozenset({"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"})

_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WORD = re.compile(r"(?:true|false|null)\b")
_ESCAPABLE = "'{}\\"
_MAX_DEPTH = 32

_cache: dict[str, str | None] = {}


class _Bad(Exception):
    pass


def is_intrinsic(text: str) -> bool:
    return text.startswith("States.")


def intrinsic_error(text: str) -> str | None:
    """Why ``text`` is not a well-formed call of a known intrinsic, or None."""
    found = _cache.get(text, _cache)
    if found is _cache:
        try:
            start = _skip_space(text, 0)
            end = _skip_space(text, _call(text, start, 0))
            if end != len(text):
                raise _Bad(f"unexpected text after the call at position {end + 1}")
            found = None
        except _Bad as bad:
            found = str(bad)
        if len(_cache) < 100_000:
            _cache[text] = found
    return found


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _call(text: str, i: int, depth: int) -> int:
    if depth > _MAX_DEPTH:
        raise _Bad("calls are nested too deeply")
    m = _NAME.match(text, i)
    if not m:
        raise _Bad(f"a function name such as States.Format is expected at position {i + 1}")
    name = m.group()
    if name not in FUNCTIONS:
        raise _Bad(f"{name} is not an intrinsic function")
    i = m.end()
    if i >= len(text) or text[i] != "(":
        raise _Bad(f"'(' is expected after {name}")
    i = _skip_space(text, i + 1)
    args: list[tuple[str, str]] = []
    if i < len(text) and text[i] == ")":
        i += 1
    else:
        while True:
            i, arg = _argument(text, i, depth)
            args.append(arg)
            i = _skip_space(text, i)
            if i >= len(text):
                raise _Bad(f"the call to {name} is not closed with ')'")
            if text[i] == ",":
                i = _skip_space(text, i + 1)
                continue
            if text[i] == ")":
                i += 1
                break
            raise _Bad(f"',' or ')' is expected at position {i + 1}")
    fewest, most = FUNCTIONS[name]
    if len(args) < fewest or (most is not None and len(args) > most):
        wanted = (f"{fewest}" if fewest == most else
                  f"at least {fewest}" if most is None else f"{fewest} to {most}")
        plural = "" if wanted in ("1", "at least 1") else "s"
        raise _Bad(f"{name} takes {wanted} argument{plural}, not {len(args)}")
    for position in NUMERIC_ARGUMENTS.get(name, ()):
        if position < len(args) and args[position][0] in ("string", "word"):
            raise _Bad(f"argument {position + 1} of {name} must be a number or a path, "
                       f"not {args[position][1]!r}")
    if name == "States.Hash" and args[1][0] == "string" and args[1][1] not in HASH_ALGORITHMS:
        raise _Bad(f"'{args[1][1]}' is not a hash algorithm States.Hash knows "
                   f"({', '.join(sorted(HASH_ALGORITHMS))})")
    return i


def _argument(text: str, i: int, depth: int) -> tuple[int, tuple[str, str]]:
    if i >= len(text):
        raise _Bad("an argument is expected at the end")
    c = text[i]
    if c == "'":
        return _string(text, i)
    if c == "$":
        end = _path_end(text, i)
        path = text[i:end].rstrip()
        problem = path_error(path)
        if problem:
            raise _Bad(f"the path argument '{path}' is not valid: {problem}")
        return end, ("path", path)
    if text.startswith("States.", i):
        return _call(text, i, depth + 1), ("call", "")
    m = _NUMBER.match(text, i)
    if m:
        return m.end(), ("number", m.group())
    m = _WORD.match(text, i)
    if m:
        return m.end(), ("word", m.group())
    if c in ",)":
        raise _Bad(f"an argument is missing at position {i + 1}")
    raise _Bad(f"'{c}' at position {i + 1} does not start an argument "
               f"(a 'string', a number, a $.path or a States. call)")


def _string(text: str, i: int) -> tuple[int, tuple[str, str]]:
    out = []
    i += 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 >= n or text[i + 1] not in _ESCAPABLE:
                shown = text[i:i + 2]
                raise _Bad(f"'{shown}' is not an escape: inside a string only \\' \\{{ \\}} and \\\\ are")
            out.append(text[i + 1])
            i += 2
            continue
        if c == "'":
            return i + 1, ("string", "".join(out))
        out.append(c)
        i += 1
    raise _Bad("a string argument is not closed with '")


def _path_end(text: str, i: int) -> int:
    """Index where a path argument ends: the ',' or ')' outside brackets and quotes."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"" and depth:
            quote = c
            i += 1
            while i < n and text[i] != quote:
                i += 2 if text[i] == "\\" else 1
        elif c in "[(":
            depth += 1
        elif c in "])":
            if depth == 0:
                return i
            depth -= 1
        elif c == "," and depth == 0:
            return i
        i += 1
    return i
