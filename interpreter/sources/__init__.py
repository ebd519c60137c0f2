"""Reading state machines from what people have: ASL, SAM, CloudFormation, Serverless, Terraform.

One reader for every way in (the web app's import, the REST API, ``python -m interpreter run``
and ``validate``), so that they all read a file the same way::

    source = read_source(text)            # JSON, YAML or Terraform; a template or plain ASL
    source.definition                      # the ASL, placeholders kept as ``${...}`` text
    source.placeholders                    # each with where it is and a suggested value
    fill(source.definition, {"LambdaArn": "arn:aws:lambda:..."}, source.typed)

Bounds come first: the text's size, then YAML's nesting depth and alias expansion while it is
read (see ``yaml_reader``), so hostile input is refused in milliseconds. JSON text goes straight
to Python's ``json``, so plain definitions pay nothing for the rest.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..limits import DEFINITION_TEXT_BYTES, DOCUMENT_DEPTH, json_depth_within
from . import placeholders as ph
from .placeholders import Placeholder, fill
from .templates import Machine, TemplateError, has_intrinsics, machines_in, tokenize

__all__ = ["read_source", "read_document", "Source", "SourceError", "Placeholder", "fill", "MAX_TEXT_BYTES"]

MAX_TEXT_BYTES = DEFINITION_TEXT_BYTES  # a template holds more than its definition (AWS's limit: 1 MB)
FORMATS = ("json", "yaml", "terraform")


class SourceError(ValueError):
    """The text holds no state machine this reader can take; says why and where."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None,
                 pointer: str | None = None, too_large: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.pointer = pointer
        self.too_large = too_large


@dataclass
class Source:
    definition: Any
    kind: str = "asl"                       # asl, sam, cloudformation, serverless, terraform, aws-cli
    machine: str | None = None              # the state machine's name in the template
    machines: list[str] = field(default_factory=list)  # every state machine the file holds
    workflow_type: str | None = None        # STANDARD or EXPRESS, when the template says
    placeholders: list[Placeholder] = field(default_factory=list)
    typed: set[str] = field(default_factory=set)  # placeholders that stood bare, where a number goes
    duplicates: list[tuple[tuple, str]] = field(default_factory=list)  # (path in the definition, key)
    text: str | None = None  # the JSON text ``definition`` was read from, when the file is plain ASL JSON

    def filled(self, values: dict[str, Any]) -> Any:
        return fill(self.definition, values, self.typed)

    def suggested(self) -> dict[str, Any]:
        return {p.name: p.suggestion for p in self.placeholders if p.suggestion is not None}


def read_document(text: str | bytes, *, fmt: str | None = None) -> tuple[Any, list, set[str], bool]:
    """Parse JSON or YAML text within the bounds: (value, repeated keys, bare placeholders,
    whether it was YAML)."""
    text = _text(text)
    stripped = text.lstrip()
    if fmt == "json" or (fmt is None and stripped[:1] in "{["):
        if not json_depth_within(text, DOCUMENT_DEPTH):
            raise SourceError(f"The JSON is nested more than {DOCUMENT_DEPTH} levels deep.")
        try:
            return json.loads(text), [], set(), False
        except RecursionError:
            raise SourceError("The JSON is nested too deeply.") from None
        except ValueError as exc:
            if "${" in text:  # Terraform's templatefile lets a placeholder stand bare where a number goes
                quoted, bare = ph.quote_bare(text)
                try:
                    return json.loads(quoted), [], bare, False
                except (ValueError, RecursionError):
                    pass
            if fmt == "json":
                raise _json_error(exc) from None
            json_error = exc
        from . import yaml_reader  # YAML's reader only for what is not JSON

        try:
            return (*yaml_reader.load(text), set(), True)
        except yaml_reader.YamlError as exc:
            if exc.bound:
                raise _yaml_error(exc) from None
            raise _json_error(json_error) from None
    from . import yaml_reader

    try:
        return (*yaml_reader.load(text), set(), True)
    except yaml_reader.YamlError as exc:
        raise _yaml_error(exc) from None


def _yaml_error(exc: Any) -> SourceError:
    """A ``yaml_reader.YamlError`` as the reader's error."""
    where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
    return SourceError(f"{exc.message}{where}.", line=exc.line, column=exc.column)


def read_source(text: str | bytes, *, fmt: str | None = None, machine: str | None = None) -> Source:
    """The state machine in ``text`` (the one named ``machine`` when it holds several)."""
    text = _text(text)
    # Terraform's reader, and the suggestions for placeholders, are imported only when needed:
    # a plain ASL file starts the CLI without them.
    if fmt == "terraform" or (fmt is None and "aws_sfn_state_machine" in text and _looks_like_terraform(text)):
        return _from_terraform(text, machine)
    document, duplicates, bare, was_yaml = read_document(text, fmt=fmt)
    try:
        found = machines_in(document)
    except TemplateError as exc:
        raise SourceError(exc.message, pointer=exc.pointer) from None
    chosen = _choose(found, machine)
    context = dict(substitutions=chosen.substitutions, **_template_context(document, chosen))
    source = _source(chosen, found, context, duplicates, bare, was_yaml)
    if chosen.kind == "asl" and not was_yaml and not bare and source.definition is document:
        source.text = text
    return source


def _text(text: str | bytes) -> str:
    if isinstance(text, bytes):
        if len(text) > MAX_TEXT_BYTES:
            raise _too_large()
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(f"The file is not UTF-8 text (byte {exc.start}).") from None
    if not isinstance(text, str):
        raise SourceError("Expected the definition as JSON or YAML text.")
    if len(text) > MAX_TEXT_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise _too_large()
    if not text.strip():
        raise SourceError("The definition is empty.")
    return text


def _too_large() -> SourceError:
    return SourceError(f"The file is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB.", too_large=True)


def _json_error(exc: ValueError) -> SourceError:
    if isinstance(exc, json.JSONDecodeError):
        return SourceError(f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                           line=exc.lineno, column=exc.colno)
    return SourceError(f"Not valid JSON: {exc}.")


def _choose(found: list[Machine], name: str | None) -> Machine:
    if not found:
        raise SourceError("No state machine found: expected StartAt and States, a SAM or CloudFormation state "
                          "machine resource, a Serverless stepFunctions section or a Terraform "
                          "aws_sfn_state_machine.", pointer="")
    if name:
        for machine in found:
            if machine.name == name:
                break
        else:
            names = ", ".join(str(m.name) for m in found)
            raise SourceError(f"No state machine named '{name}' here; the file holds: {names}.")
    else:
        machine = next((m for m in found if m.problem is None), found[0])
    if machine.problem:
        raise SourceError(machine.problem)
    return machine


def _template_context(document: Any, machine: Machine) -> dict:
    if machine.kind == "asl" or not isinstance(document, dict):
        return {}
    resources = document.get("Resources")
    if machine.kind == "serverless":
        nested = document.get("resources")
        resources = nested.get("Resources") if isinstance(nested, dict) else None
    parameters = document.get("Parameters")
    mappings = document.get("Mappings")
    return {"resources": resources if isinstance(resources, dict) else {},
            "parameters": parameters if isinstance(parameters, dict) else {},
            "mappings": mappings if isinstance(mappings, dict) else {},
            "serverless": document if machine.kind == "serverless" else None}


def _looks_like_terraform(text: str) -> bool:
    from .terraform import looks_like_terraform
    return looks_like_terraform(text)


def _source(chosen: Machine, found: list[Machine], context: dict, duplicates: list, bare: set[str],
            was_yaml: bool = False) -> Source:
    """``context``: what the template says, for the suggestions (``suggestions.Suggester``'s arguments)."""
    if chosen.text is not None:
        definition, inner_duplicates, inner_bare, _ = read_document(chosen.text, fmt="json")
        duplicates, bare = inner_duplicates, bare | inner_bare
    else:
        definition = chosen.definition
        depth = len(chosen.path)
        duplicates = [(path[depth:], key) for path, key in duplicates if path[:depth] == chosen.path]
    # CloudFormation functions in plain ASL only come from YAML copied out of a template (!GetAtt).
    if (chosen.kind != "asl" or was_yaml) and has_intrinsics(definition):
        definition = tokenize(definition, context.get("substitutions") or {})
    if not isinstance(definition, dict):
        raise SourceError("A definition must be an object with StartAt and States.", pointer="")
    bare = bare | chosen.bare
    holders = ph.find(definition, bare)
    if holders:
        from .suggestions import Suggester
        suggester = Suggester(**context)
    for holder in holders:
        holder.suggestion, holder.origin = suggester.suggest(holder.name, holder.fields)
    return Source(definition, chosen.kind, chosen.name, [str(m.name) for m in found if m.name is not None],
                  chosen.workflow_type, holders, bare, duplicates)


def _from_terraform(text: str, machine: str | None) -> Source:
    from . import terraform
    try:
        parsed = terraform.read(text)
    except TemplateError as exc:
        raise SourceError(exc.message) from None
    chosen = _choose(parsed.machines, machine)
    context = dict(terraform_resources=parsed.resources, terraform_variables=parsed.variables)
    return _source(chosen, parsed.machines, context, [], set())
