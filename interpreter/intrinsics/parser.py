"""Parse the text of an intrinsic call, once, into the tree of :mod:`.nodes`.

This is the one grammar of intrinsic calls: the validator reports what ``compile_intrinsic``
refuses (``intrinsic_error``), so a call that validates is a call that runs.

Grammar (whitespace allowed around arguments and after the call)::

    call     := "States." NAME "(" [argument ("," argument)*] ")"
    argument := 'string' | number | true | false | null | path | call

Strings are single-quoted; inside them ``\\'``, ``\\{``, ``\\}`` and ``\\\\`` are the only
escapes (AWS rejects any other backslash). A path runs from ``$`` to the next ``,`` or ``)``
outside brackets and quotes, and is compiled by the interpreter's JSONPath module. Beyond the
grammar, what the text alone shows to be wrong is refused too: the number of arguments, a
constant that is not a number where a function computes with numbers, an unknown hash
algorithm, a Format template whose placeholders do not match its values.
"""
from __future__ import annotations

import functools
import re

from ..jsonpath import JsonPathSyntaxError, compile_path
from .encoding import HASH_ALGORITHMS
from .errors import IntrinsicSyntaxError
from .nodes import Call, Intrinsic, Literal, PathArgument
from .registry import FUNCTIONS

_CALL_START = re.compile(r"States\.([A-Za-z0-9]+)\(")
_LOOKS_LIKE = re.compile(r"States\.[A-Za-z0-9]+\(")
_NAME = re.compile(r"States\.[A-Za-z0-9]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WORDS = (("true", True), ("false", False), ("null", None))
_SPACE = " \t\r\n"
_ESCAPABLE = "'{}\\"
_ARGUMENT_END = ",)" + _SPACE
# The validator refuses deeper nesting too; it also keeps the recursive parser far from
# Python's recursion limit whatever text it is given.
MAX_DEPTH = 32


def looks_like_intrinsic(text: object) -> bool:
    """Whether a ``.$`` value is meant as an intrinsic call rather than a path."""
    return isinstance(text, str) and _LOOKS_LIKE.match(text) is not None


def compile_intrinsic(text: str) -> Intrinsic:
    """Compile ``States.Name(args...)``; raises :class:`IntrinsicSyntaxError` when it is not one.

    Compiled calls are immutable, so each distinct text is compiled once per process.
    """
    if not isinstance(text, str):
        raise IntrinsicSyntaxError(f"an intrinsic call is a string, not {type(text).__name__}")
    return _compile_cached(text)


_verdicts: dict[str, str | None] = {}


def intrinsic_error(text: str) -> str | None:
    """Why ``text`` is not a call AWS accepts, as a short phrase, or None when it is one."""
    found = _verdicts.get(text, _verdicts)
    if found is _verdicts:
        try:
            compile_intrinsic(text)
            found = None
        except IntrinsicSyntaxError as e:
            found = e.reason
        if len(_verdicts) < 100_000:
            _verdicts[text] = found
    return found


def clear_caches() -> None:
    """Forget compiled calls and verdicts (a benchmark's cold start)."""
    _compile_cached.cache_clear()
    _verdicts.clear()


@functools.lru_cache(maxsize=8192)
def _compile_cached(text: str) -> Intrinsic:
    parser = _Parser(text)
    call = parser.call(0)
    parser.skip_space()
    if parser.pos != len(text):
        raise parser.error("unexpected text after the call")
    return Intrinsic(text, call)


def _is_number(value: object) -> bool:
    return type(value) is int or type(value) is float


class _Parser:
    __slots__ = ("text", "pos")

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def error(self, message: str, position: int | None = -1) -> IntrinsicSyntaxError:
        """``position``: where in the text (default: the parser's place; None: the whole call)."""
        return IntrinsicSyntaxError(message, self.text, self.pos if position == -1 else position)

    def skip_space(self) -> None:
        text, pos, n = self.text, self.pos, len(self.text)
        while pos < n and text[pos] in _SPACE:
            pos += 1
        self.pos = pos

    def call(self, depth: int) -> Call:
        if depth >= MAX_DEPTH:
            raise self.error(f"intrinsic calls are nested more than {MAX_DEPTH} deep")
        text, start = self.text, self.pos
        match = _CALL_START.match(text, start)
        if match is None:
            named = _NAME.match(text, start)
            if named is not None and named.end() > start + len("States."):
                if named.end() >= len(text) or text[named.end()] != "(":
                    raise self.error(f"'(' expected after '{named.group()}'", named.end())
            raise self.error("an intrinsic function call such as States.Format(...) expected")
        name = "States." + match.group(1)
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise self.error(f"{name} is not an intrinsic function", start or None)
        self.pos = match.end()
        args = []
        self.skip_space()
        if self.pos >= len(text):
            raise self.error(f"the call to {name} is not closed with ')'")
        if text[self.pos] == ")":
            self.pos += 1
        else:
            while True:
                args.append(self.argument(depth))
                self.skip_space()
                if self.pos >= len(text):
                    raise self.error(f"the call to {name} is not closed with ')'")
                ch = text[self.pos]
                self.pos += 1
                if ch == ")":
                    break
                if ch != ",":
                    raise self.error(f"',' or ')' expected, found {ch!r}", self.pos - 1)
                self.skip_space()
        count = len(args)
        if count < spec.fewest or (spec.most is not None and count > spec.most):
            wanted = (str(spec.fewest) if spec.fewest == spec.most else
                      f"at least {spec.fewest}" if spec.most is None else f"{spec.fewest} or {spec.most}")
            last_number = spec.fewest if spec.most is None else spec.most
            raise self.error(f"{name} takes {wanted} argument{'' if last_number == 1 else 's'}, "
                             f"but {count} {'was' if count == 1 else 'were'} given", start or None)
        for position in spec.numeric:
            if position < count and isinstance(args[position], Literal) and not _is_number(args[position].value):
                raise self.error(f"argument {position + 1} of {name} must be a number or a path, not "
                                 f"{args[position].text}", args[position].position)
        if name == "States.Hash" and isinstance(args[1], Literal) and isinstance(args[1].value, str) \
                and args[1].value not in HASH_ALGORITHMS:
            raise self.error(f"'{args[1].value}' is not a hash algorithm; States.Hash supports "
                             f"{', '.join(HASH_ALGORITHMS)}", args[1].position)
        call_text = text[start:self.pos]
        try:
            return Call(call_text, start, name, tuple(args), spec.build)
        except IntrinsicSyntaxError as exc:
            # A builder found a problem it can see in constants (a Format template whose
            # placeholders do not match its values); report it against the whole text.
            raise self.error(exc.detail, (start or None) if exc.position is None else exc.position) from None

    def argument(self, depth: int):
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise self.error("an argument expected")
        ch = text[pos]
        if ch == "'":
            return self.string()
        if ch == "$":
            return self.path()
        if text.startswith("States.", pos):
            return self.call(depth + 1)
        match = _NUMBER.match(text, pos)
        if match is not None and (match.end() == len(text) or text[match.end()] in _ARGUMENT_END):
            number_text = match.group()
            value = float(number_text) if any(c in number_text for c in ".eE") else int(number_text)
            if value in (float("inf"), float("-inf")):
                raise self.error(f"the number {number_text} is too large")
            self.pos = match.end()
            return Literal(number_text, pos, value)
        for word, value in _WORDS:
            end = pos + len(word)
            if text.startswith(word, pos) and (end == len(text) or text[end] in _ARGUMENT_END):
                self.pos = end
                return Literal(word, pos, value)
        if ch in ",)":
            raise self.error("an argument is missing")
        raise self.error(f"{ch!r} does not start an argument (a 'string', a number, true, false, "
                         f"null, a $path or a States. call)")

    def string(self) -> Literal:
        text, start = self.text, self.pos
        n = len(text)
        pos = start + 1
        value: list[str] = []      # the unescaped string
        parts: list[str] = []      # finished pieces of the Format template
        piece: list[str] = []      # the template piece being read
        while pos < n:
            ch = text[pos]
            if ch == "\\":
                if pos + 1 >= n or text[pos + 1] not in _ESCAPABLE:
                    raise self.error(f"'{text[pos:pos + 2]}' is not an escape; inside a string only "
                                     "\\' \\{ \\} and \\\\ are", pos)
                value.append(text[pos + 1])
                piece.append(text[pos + 1])
                pos += 2
                continue
            if ch == "'":
                self.pos = pos + 1
                parts.append("".join(piece))
                return Literal(text[start:pos + 1], start, "".join(value), tuple(parts))
            if ch == "{" and pos + 1 < n and text[pos + 1] == "}":
                value.append("{}")
                parts.append("".join(piece))
                piece = []
                pos += 2
                continue
            value.append(ch)
            piece.append(ch)
            pos += 1
        raise self.error("a string is not closed with '", start)

    def path(self) -> PathArgument:
        text, start = self.text, self.pos
        n = len(text)
        pos = start
        depth = 0
        while pos < n:
            ch = text[pos]
            if depth and ch in "'\"":
                pos += 1
                while pos < n and text[pos] != ch:
                    pos += 2 if text[pos] == "\\" else 1
            elif ch in "[(":
                depth += 1
            elif ch in "])":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            pos += 1
        path_text = text[start:pos].rstrip(_SPACE)
        try:
            path = compile_path(path_text)
        except JsonPathSyntaxError as exc:
            raise self.error(f"the path argument '{path_text}' is not valid: {exc.reason}", start) from None
        self.pos = start + len(path_text)
        return PathArgument(path_text, start, path)
