"""JSONata Choice conditions in words, when they are simple enough to say without losing anything.

"Simple" is comparisons of fields, variables and literals (``=``, ``!=``, ``<``, ``<=``, ``>``,
``>=``, ``in`` a list), ``$exists(…)``, ``$not(…)``, ``and``, ``or`` and parentheses. Anything
else (arithmetic, other functions, filters, conditionals) comes back whole, as written, to be
shown as code: a half-translated expression would be worse than the expression.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from . import COMPARATORS, path_words, value_words

_TOKEN = re.compile(r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<op><=|>=|!=|=|<|>|\(|\)|\[|\]|,|\.)
    | (?P<name>\$?[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)
    )""", re.VERBOSE)
_OPS = {"=": "StringEquals", "<": "NumericLessThan", "<=": "NumericLessThanEquals", ">": "NumericGreaterThan",
        ">=": "NumericGreaterThanEquals"}
_MAX_LENGTH = 500


class _NotSimple(Exception):
    pass


def condition_words(condition: Any, glossary: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """(words, False) for a simple condition, else (the whole expression, True)."""
    text = str(condition).strip()
    if text.startswith("{%") and text.endswith("%}"):
        text = text[2:-2].strip()
    if len(text) > _MAX_LENGTH:
        return text, True
    try:
        tokens = _tokens(text)
        parser = _Parser(tokens, glossary or {})
        words = parser.expression()
        if parser.i != len(tokens):
            raise _NotSimple
    except (_NotSimple, RecursionError):
        return text, True
    return words, False


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise _NotSimple
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], glossary: Mapping[str, str]):
        self.tokens, self.i, self.glossary = tokens, 0, glossary

    def peek(self, value: str | None = None, kind: str | None = None) -> bool:
        if self.i >= len(self.tokens):
            return False
        k, v = self.tokens[self.i]
        return (value is None or v == value) and (kind is None or k == kind)

    def take(self, value: str | None = None, kind: str | None = None) -> str:
        if not self.peek(value, kind):
            raise _NotSimple
        self.i += 1
        return self.tokens[self.i - 1][1]

    def expression(self) -> str:
        parts = [self.conjunction()]
        while self.peek("or", "name"):
            self.take()
            parts.append(self.conjunction())
        return " or ".join(f"({p})" if " and " in p and len(parts) > 1 else p for p in parts)

    def conjunction(self) -> str:
        parts = [self.comparison()]
        while self.peek("and", "name"):
            self.take()
            parts.append(self.comparison())
        return " and ".join(f"({p})" if " or " in p else p for p in parts)

    def comparison(self) -> str:
        left = self.operand()
        if self.peek(kind="op") and self.tokens[self.i][1] in ("=", "!=", "<", "<=", ">", ">="):
            op = self.take()
            right = self.operand()
            return self.compare(left, op, right)
        if self.peek("in", "name"):
            self.take()
            if left[0] != "path":
                raise _NotSimple
            self.take("[")
            items = [self.literal()]
            while self.peek(","):
                self.take()
                items.append(self.literal())
            self.take("]")
            return f"{left[1]} is one of {', '.join(value_words(v) for v in items)}"
        if left[0] == "clause":
            return left[1]
        if left[0] == "path":  # a bare field: true when it holds something truthy
            return f"{left[1]} is true"
        raise _NotSimple

    def compare(self, left: tuple, op: str, right: tuple) -> str:
        if left[0] != "path" and right[0] == "path":  # 5 < total  ->  total > 5
            flipped = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
            left, op, right = right, flipped, left
        if left[0] != "path" or right[0] == "clause":
            raise _NotSimple
        if right[0] == "path":
            said = "is not equal to" if op == "!=" else COMPARATORS[_OPS[op]]
            return f"{left[1]} {said} the value of {right[1]}"
        value = right[1]
        if op in ("=", "!="):
            if isinstance(value, bool) or value is None:
                return f"{left[1]} is {'not ' if op == '!=' else ''}{value_words(value) if value is not None else 'null'}"
            said = "is equal to" if op == "=" else "is not equal to"
            return f"{left[1]} {said} {value_words(value)}"
        if isinstance(value, bool) or value is None:
            raise _NotSimple
        kind = "Numeric" if isinstance(value, (int, float)) else "String"
        return f"{left[1]} {COMPARATORS[_OPS[op].replace('Numeric', kind)]} {value_words(value)}"

    def literal(self) -> Any:
        if self.peek(kind="string"):
            raw = self.take()
            return raw[1:-1].replace("\\" + raw[0], raw[0])
        if self.peek(kind="number"):
            raw = self.take()
            return float(raw) if any(c in raw for c in ".eE") else int(raw)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.peek(word, "name"):
                self.take()
                return value
        raise _NotSimple

    def operand(self) -> tuple[str, Any]:
        """("path", words) | ("value", python value) | ("clause", words)."""
        if self.peek("("):
            self.take()
            inner = self.expression()
            self.take(")")
            return "clause", inner  # the caller groups it again where it needs to
        if self.peek("$not", "name") or self.peek("not", "name"):
            self.take()
            self.take("(")
            inner = self.expression()
            self.take(")")
            return "clause", f"not ({inner})"
        if self.peek("$exists", "name"):
            self.take()
            self.take("(")
            kind, words = self.operand()
            self.take(")")
            if kind != "path":
                raise _NotSimple
            return "clause", f"{words} is present"
        if self.peek(kind="name") and self.tokens[self.i][1].startswith("$"):
            return "path", self.path()
        return "value", self.literal()

    def path(self) -> str:
        head = self.take(kind="name")
        steps: list[str] = []
        while self.peek(".") or self.peek("["):
            if self.take() == ".":
                name = self.take(kind="name")
                if name.startswith("$"):
                    raise _NotSimple  # a function or variable inside a path
                steps.append("." + name.strip("`"))
            else:
                index = self.take(kind="number")
                self.take("]")
                steps.append(f"[{index}]")
        if self.peek("("):
            raise _NotSimple  # a function call
        tail = "".join(steps)
        if head == "$states":
            for root, said in ((".input", "$"), (".result", "the result"), (".errorOutput", "the error"),
                               (".context", "$$")):
                if tail.startswith(root):
                    rest = tail[len(root):]
                    if said in ("$", "$$"):
                        return path_words(said + rest, self.glossary) if rest else ("the input" if said == "$" else "the context")
                    return f"{said}'s {rest[1:]}" if rest else said
            raise _NotSimple
        if head == "$":
            raise _NotSimple  # the context item: meaningful only inside a path expression
        return f"the variable {head[1:]}{tail}"
