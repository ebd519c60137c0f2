"""Importing a file: read its state machine, fill the placeholders asked for, say what is left.

The API and the import page both come here. A file's placeholders (``${LambdaArn}``,
``${AWS::Region}``, ``${self:custom.table}``, ``${aws_lambda_function.x.arn}``) are kept as
written unless a value is given for them (or ``fill="suggested"`` takes every suggestion), and
the answer lists each one with the value used or the suggestion, so a client can ask again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from interpreter.sources import Source

from .. import services
from ..asl_io import check_shape, read_import
from ..errors import InvalidInput
from ..models import Workflow, WorkflowVersion

MAX_SUBSTITUTIONS = 500
MAX_VALUE_CHARS = 10_000


@dataclass
class Imported:
    source: Source
    values: dict[str, Any]
    definition: dict

    def summary(self) -> dict:
        """What the file held and what was done with its placeholders, for the API's answer."""
        return {
            "format": self.source.kind,
            "machine": self.source.machine,
            "machines": self.source.machines,
            "type": self.source.workflow_type,
            "placeholders": [{**p.as_dict(), "filled": p.name in self.values,
                              "value": self.values.get(p.name)} for p in self.source.placeholders],
        }


def substitutions_parse(raw: Any) -> dict[str, Any]:
    """Values for placeholders as a client sends them: an object, or its JSON text."""
    if raw in (None, ""):
        return {}
    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise InvalidInput("substitutions must be a JSON object of placeholder names and values.",
                               field="substitutions") from None
    if not isinstance(raw, dict):
        raise InvalidInput("substitutions must be an object of placeholder names and values.", field="substitutions")
    if len(raw) > MAX_SUBSTITUTIONS:
        raise InvalidInput(f"At most {MAX_SUBSTITUTIONS} substitutions.", field="substitutions")
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if not isinstance(value, (str, int, float, bool)) or isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
            raise InvalidInput(f"The value for '{name}' must be text, a number or a boolean (at most "
                               f"{MAX_VALUE_CHARS:,} characters).", field="substitutions")
        out[name.strip().removeprefix("${").removesuffix("}").strip()] = value
    return out


def import_read(*, data: str | bytes, fmt: str | None = None, machine: str | None = None,
                substitutions: dict[str, Any] | None = None, fill: str | None = None) -> Imported:
    """Read an imported file and fill its placeholders: ``substitutions`` by name, and with
    ``fill="suggested"`` every other placeholder that has a suggestion."""
    if fill not in (None, "", "none", "suggested"):
        raise InvalidInput("fill must be 'suggested' or 'none'.", field="fill")
    source = read_import(data, fmt=fmt, machine=machine)
    values = source.suggested() if fill == "suggested" else {}
    known = {p.name for p in source.placeholders}
    for name, value in (substitutions or {}).items():
        if name not in known:
            raise InvalidInput(f"The file has no placeholder ${{{name}}}"
                               + (f"; it has: {', '.join(sorted(known))}." if known else "."), field="substitutions")
        values[name] = value
    definition = source.filled(values)
    check_shape(definition)
    return Imported(source, values, definition)


def import_workflow_create(*, owner: AbstractBaseUser, imported: Imported, name: str | None,
                           filename: str | None) -> Workflow:
    definition = imported.definition
    name = name or (filename.rsplit(".", 1)[0] if filename else None) or imported.source.machine or "Imported workflow"
    return services.workflow_create(owner=owner, name=name, definition=definition,
                                    description=str(definition.get("Comment") or ""),
                                    message=_message(imported, filename),
                                    workflow_type=imported.source.workflow_type)


def import_version_create(*, user: AbstractBaseUser, workflow: Workflow, imported: Imported, message: str | None,
                          filename: str | None, base_version: int | None) -> WorkflowVersion:
    return services.version_create(user=user, workflow=workflow, definition=imported.definition,
                                   message=message or _message(imported, filename), base_version=base_version)


def _message(imported: Imported, filename: str | None) -> str:
    text = f"Imported{' from ' + filename if filename else ''}"
    if imported.source.kind != "asl" and imported.source.machine:
        text += f" (state machine {imported.source.machine})"
    kept = [p.token for p in imported.source.placeholders if p.name not in imported.values]
    if imported.values:
        text += f"; {len(imported.values)} placeholder(s) filled"
    if kept:
        text += f"; kept as written: {', '.join(kept[:10])}{'...' if len(kept) > 10 else ''}"
    return text
