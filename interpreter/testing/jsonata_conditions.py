"""JSONata Choice Conditions as constraints, when they are simple comparisons: ``$states.input``
paths and variables compared with literals by ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, joined
by ``and`` / ``or``, with ``$not(...)``, ``$exists(...)`` and parentheses. Anything else is
:class:`~.conditions.Unsolvable`, saying so."""
from __future__ import annotations

import re
from typing import Any

from .conditions import Cmp, Junction, Negation, TypeIs, Unsolvable, path_keys

_TOKEN = re.compile(r"""\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
                    |(?P<op><=|>=|!=|=|<|>|\(|\)|,)|(?P<word>\$?[A-Za-z_][\w]*(?:(?:\.[A-Za-z_][\w]*)|\[\d+\])*))""",
                    re.X)
_JSONATA_OPS = {"=": "eq", "<": "lt", ">": "gt", "<=": "le", ">=": "ge"}


def parse_jsonata(text: str) -> Any:
    body = text.strip()
    if not (body.startswith("{%") and body.endswith("%}")):
        raise Unsolvable("the Condition is not a {% %} expression")
    tokens = _tokenize(body[2:-2], text)
    parser = _Parser(tokens, text)
    node = parser.expr()
    if parser.pos != len(tokens):
        raise Unsolvable(f"the Condition {text} is not a simple comparison Statewise can solve")
    return node


def _tokenize(src: str, whole: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    src = src.rstrip()
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m or m.end() == pos:
            raise Unsolvable(f"the Condition {whole} is not a simple comparison Statewise can solve")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list, whole: str):
        self.tokens, self.pos, self.whole = tokens, 0, whole

    def fail(self):
        return Unsolvable(f"the Condition {self.whole} is not a simple comparison Statewise can solve")

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def expr(self):
        parts = [self.conj()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else Junction("or", tuple(parts))

    def conj(self):
        parts = [self.atom()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else Junction("and", tuple(parts))

    def atom(self):
        kind, value = self.peek()
        if (kind, value) == ("op", "("):
            self.take()
            node = self.expr()
            if self.take() != ("op", ")"):
                raise self.fail()
            return node
        if kind == "word" and value in ("$not", "$exists"):
            self.take()
            if self.take() != ("op", "("):
                raise self.fail()
            inner = self.expr() if value == "$not" else self.operand()
            if self.take() != ("op", ")"):
                raise self.fail()
            if value == "$exists":
                if not isinstance(inner, tuple):
                    raise self.fail()
                return TypeIs(inner, "present", True)
            return Negation(inner)
        left = self.operand()
        kind, op = self.peek()
        if kind != "op" or op not in _JSONATA_OPS and op != "!=":
            if isinstance(left, tuple):  # a bare reference: true when it is true
                return Cmp(left, "boolean", "eq", True)
            if isinstance(left, bool):
                return left
            raise self.fail()
        self.take()
        right = self.operand()
        if isinstance(left, tuple) == isinstance(right, tuple):
            raise self.fail()  # two references, or two literals
        ref, literal, op_name = (left, right, op) if isinstance(left, tuple) else (right, left, _flip(op))
        if literal is None:
            node = TypeIs(ref, "null", True)
            return Negation(node) if op_name == "!=" else node
        kind = "boolean" if isinstance(literal, bool) else "numeric" if isinstance(literal, (int, float)) else "string"
        if op_name == "!=":
            return Negation(Cmp(ref, kind, "eq", literal))
        if kind == "boolean" and op_name != "=":
            raise self.fail()
        return Cmp(ref, kind, _JSONATA_OPS[op_name], literal)

    def operand(self):
        kind, value = self.take()
        if kind == "num":
            number = float(value)
            return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
        if kind == "str":
            return value[1:-1].encode().decode("unicode_escape") if "\\" in value else value[1:-1]
        if kind == "word":
            if value in ("true", "false"):
                return value == "true"
            if value == "null":
                return None
            if value.startswith("$states.input"):
                return ("input", path_keys(value[len("$states.input"):], self.whole))
            if value.startswith("$") and not value.startswith("$states"):
                m = re.match(r"\$([A-Za-z_]\w*)", value)
                return ("var", m.group(1), path_keys(value[m.end():], self.whole))
        raise self.fail()


def _flip(op: str) -> str:
    return {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
