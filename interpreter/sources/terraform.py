"""State machines in Terraform files (``resource "aws_sfn_state_machine"``), read without Terraform.

A definition is written in one of these ways, each handled here:

- a heredoc (``definition = <<EOF ... EOF`` or ``<<-EOF``) of JSON with ``${...}``
  interpolations, which become placeholders (bare ones, where a number goes, too);
- ``jsonencode({ ... })`` of an HCL object, whose references (``aws_lambda_function.x.arn``)
  become placeholders;
- a ``local.NAME`` holding either of those;
- ``templatefile("file", { vars })`` or ``file("file")``: the definition is in another file, so
  the message says which one to import and what its variables stand for.

The parser reads HCL's syntax (blocks, attributes, strings, heredocs, numbers, lists, objects,
references, function calls) and keeps any other expression as text; it never evaluates.
Variables' defaults and resources' names are kept to suggest values for the placeholders.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .templates import Machine, TemplateError

MAX_DEPTH = 128
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_TRAVERSAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_*-]+|\[[^\]\n]*\])*")
_OPERATORS = ("==", "!=", "&&", "||")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")


def looks_like_terraform(text: str) -> bool:
    return re.search(r'^\s*resource\s+"aws_sfn_state_machine"', text, re.M) is not None


@dataclass
class Node:
    kind: str      # str, num, bool, null, list, obj, ref, call, raw
    value: Any = None
    args: list = field(default_factory=list)
    text: str = ""


@dataclass
class Terraform:
    machines: list[Machine]
    variables: dict[str, Any]
    resources: dict[tuple[str, str], dict[str, Any]]


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.depth = 0

    def error(self, message: str) -> TemplateError:
        line = self.text.count("\n", 0, self.i) + 1
        return TemplateError(f"Not valid Terraform: {message} (line {line}).")

    def skip(self, newlines: bool = True) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            c = text[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.i += 1
            elif c == "#" or text.startswith("//", self.i):
                end = text.find("\n", self.i)
                self.i = n if end == -1 else end
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                self.i = n if end == -1 else end + 2
            else:
                return

    def body(self, closing: str | None) -> list[tuple]:
        """Attributes ``("attr", name, node)`` and blocks ``("block", type, labels, items)``."""
        items: list[tuple] = []
        while True:
            self.skip()
            if self.i >= len(self.text):
                if closing:
                    raise self.error("a block is not closed with '}'")
                return items
            if closing and self.text[self.i] == closing:
                self.i += 1
                return items
            match = _IDENT.match(self.text, self.i)
            if not match:
                raise self.error(f"unexpected {self.text[self.i]!r}")
            name = match.group()
            self.i = match.end()
            self.skip(newlines=False)
            if self.text.startswith("=", self.i) and not self.text.startswith("==", self.i):
                self.i += 1
                items.append(("attr", name, self.expression()))
                continue
            labels = []
            while self.i < len(self.text) and self.text[self.i] != "{":
                label = self.expression()
                labels.append(label.value if label.kind == "str" else label.text)
                self.skip(newlines=False)
            self._enter()
            self.i += 1
            items.append(("block", name, labels, self.body("}")))
            self.depth -= 1

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep")
        if self.i >= len(self.text):
            raise self.error("the file ends in the middle of an expression")

    def expression(self) -> Node:
        self.skip()
        start = self.i
        node = self.primary()
        self.skip(newlines=False)
        if self.i < len(self.text) and (self.text[self.i] in "?+-*/%<>" or self.text[self.i:self.i + 2] in _OPERATORS):
            end = self._end_of_expression()
            return Node("raw", text=self.text[start:end].strip(), value=None)
        return node

    def _end_of_expression(self) -> int:
        depth, text = 0, self.text
        while self.i < len(text):
            c = text[self.i]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif c == '"':
                self.string()
                continue
            elif (c == "\n" or c == ",") and depth == 0:
                break
            self.i += 1
        return self.i

    def primary(self) -> Node:
        text = self.text
        if self.i >= len(text):
            raise self.error("an expression is missing")
        c = text[self.i]
        if c == '"':
            return Node("str", self.string())
        if text.startswith("<<", self.i):
            return Node("str", self.heredoc())
        if c == "[" or c == "{":
            return self.collection(c)
        if c == "(":
            self._enter()
            self.i += 1
            inner = self.expression()
            self.skip()
            if not text.startswith(")", self.i):
                raise self.error("')' expected")
            self.i += 1
            self.depth -= 1
            return inner
        number = _NUMBER.match(text, self.i)
        if number:
            self.i = number.end()
            value = float(number.group()) if any(ch in number.group() for ch in ".eE") else int(number.group())
            return Node("num", value, text=number.group())
        traversal = _TRAVERSAL.match(text, self.i)
        if not traversal:
            raise self.error(f"unexpected {c!r}")
        self.i = traversal.end()
        word = traversal.group()
        if word in ("true", "false"):
            return Node("bool", word == "true", text=word)
        if word == "null":
            return Node("null", text=word)
        if text.startswith("(", self.i) and "." not in word:
            return self.call(word, traversal.start())
        return Node("ref", text=word)

    def call(self, name: str, start: int) -> Node:
        self._enter()
        self.i += 1
        args = []
        while True:
            self.skip()
            if self.text.startswith(")", self.i):
                self.i += 1
                break
            args.append(self.expression())
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
            elif self.text.startswith("...", self.i):
                self.i += 3
        self.depth -= 1
        return Node("call", name, args, text=self.text[start:self.i])

    def collection(self, opening: str) -> Node:
        self._enter()
        start = self.i
        self.i += 1
        closing = "]" if opening == "[" else "}"
        items: list = []
        while True:
            self.skip()
            if self.text.startswith(closing, self.i):
                self.i += 1
                break
            if opening == "[":
                items.append(self.expression())
            else:
                key = self.expression()
                self.skip()
                if self.i < len(self.text) and self.text[self.i] in "=:":
                    self.i += 1
                else:
                    raise self.error("'=' expected after an object key")
                key_text = key.value if key.kind == "str" else key.text
                items.append((key_text, self.expression()))
            self.skip()
            if self.text.startswith(",", self.i):
                self.i += 1
        self.depth -= 1
        return Node("list" if opening == "[" else "obj", items, text=self.text[start:self.i])

    def string(self) -> str:
        """A quoted string, its ``${...}`` kept as written (they become placeholders)."""
        text, out = self.text, []
        self.i += 1
        depth = 0
        while self.i < len(text):
            c = text[self.i]
            if c == "\\" and depth == 0:
                nxt = text[self.i + 1:self.i + 2]
                if nxt == "u":
                    out.append(chr(int(text[self.i + 2:self.i + 6], 16)))
                    self.i += 6
                    continue
                out.append({"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}.get(nxt, nxt))
                self.i += 2
                continue
            if text.startswith("${", self.i):
                depth += 1
                out.append("${")
                self.i += 2
                continue
            if c == "}" and depth:
                depth -= 1
            elif c == '"' and depth == 0:
                self.i += 1
                return "".join(out)
            elif c == "\n":
                break
            out.append(c)
            self.i += 1
        raise self.error("a string is not closed")

    def heredoc(self) -> str:
        match = _HEREDOC.match(self.text, self.i)
        if not match:
            raise self.error("a heredoc must start with <<MARKER and a new line")
        indent, marker = match.group(1) == "-", match.group(2)
        end = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*$", re.M).search(self.text, match.end())
        if end is None:
            raise self.error(f"the heredoc <<{marker} has no closing {marker}")
        body = self.text[match.end():end.start()]
        self.i = end.end()
        if indent:
            lines = body.split("\n")
            widths = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
            cut = min(widths, default=0)
            body = "\n".join(ln[cut:] for ln in lines)
        return body.replace("$${", "${!")


def value_of(node: Node, locals_: dict[str, Node], depth: int = 0, bare: set[str] | None = None) -> Any:
    """A node as JSON-like data; references and calls become ``${...}`` placeholders (their names
    go into ``bare``: they stand where a number may go)."""
    if depth > MAX_DEPTH:
        raise TemplateError("Terraform locals refer to each other too deeply.")
    kind = node.kind
    if kind in ("str", "num", "bool"):
        return node.value
    if kind == "null":
        return None
    if kind == "list":
        return [value_of(n, locals_, depth + 1, bare) for n in node.value]
    if kind == "obj":
        return {str(k): value_of(v, locals_, depth + 1, bare) for k, v in node.value}
    if kind == "ref" and node.text.startswith("local.") and node.text[6:] in locals_:
        return value_of(locals_[node.text[6:]], locals_, depth + 1, bare)
    name = node.text.replace("{", "(").replace("}", ")")
    if bare is not None:
        bare.add(name)
    return "${" + name + "}"


def read(text: str) -> Terraform:
    parser = _Parser(text)
    items = parser.body(None)
    locals_: dict[str, Node] = {}
    variables: dict[str, Any] = {}
    resources: dict[tuple[str, str], dict[str, Any]] = {}
    blocks = []
    for item in items:
        if item[0] != "block":
            continue
        _, kind, labels, body = item
        attrs = {i[1]: i[2] for i in body if i[0] == "attr"}
        if kind == "locals":
            locals_.update(attrs)
        elif kind == "variable" and labels:
            default = attrs.get("default")
            variables[labels[0]] = value_of(default, {}) if default is not None and default.kind in (
                "str", "num", "bool") else None
        elif kind == "resource" and len(labels) == 2:
            resources[(labels[0], labels[1])] = {k: v.value for k, v in attrs.items() if v.kind == "str"}
            blocks.append((labels, attrs))
    machines = [_machine(labels[1], attrs, locals_) for labels, attrs in blocks
                if labels[0] == "aws_sfn_state_machine"]
    return Terraform(machines, variables, resources)


def _machine(label: str, attrs: dict[str, Node], locals_: dict[str, Node]) -> Machine:
    kind = attrs.get("type")
    machine = Machine(label, "terraform",
                      workflow_type=kind.value.upper() if kind is not None and kind.kind == "str" and
                      str(kind.value).upper() in ("STANDARD", "EXPRESS") else None)
    node = attrs.get("definition")
    for _ in range(MAX_DEPTH):
        if node is None or not (node.kind == "ref" and node.text.startswith("local.")):
            break
        node = locals_.get(node.text[6:])
    if node is None:
        machine.problem = f"State machine {label} has no definition."
    elif node.kind == "str":
        machine.text = node.value
    elif node.kind == "call" and node.value == "jsonencode" and len(node.args) == 1:
        machine.definition = value_of(node.args[0], locals_, bare=machine.bare)
    elif node.kind == "call" and node.value in ("templatefile", "file") and node.args:
        path = node.args[0].value if node.args[0].kind == "str" else node.args[0].text
        machine.problem = f"State machine {label} reads its definition from {path}: import that file instead."
        if node.value == "templatefile" and len(node.args) > 1 and node.args[1].kind == "obj":
            pairs = ", ".join(f"{k} = {v.text or json.dumps(v.value)}" for k, v in node.args[1].value)
            machine.problem += f" Its placeholders stand for: {pairs}."
    else:
        machine.problem = (f"State machine {label}'s definition is {node.text or 'an expression'}, which "
                           f"Statewise cannot read without Terraform: write it as a heredoc or jsonencode().")
    return machine
