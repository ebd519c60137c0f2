"""The "reaches an end" rate over a folder of real-world definitions (ASL, SAM, CloudFormation,
Serverless, Terraform files): each is run with its proposed input and unmocked Tasks answering
as the mode says, and the runs that did not reach a Succeed state, a Fail state or a waiting
callback are listed with why.

    python -m interpreter propose --corpus DIR [--unmocked return-input] [--format text|json]
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..definition import parse
from ..errors import DefinitionError
from ..sources import Source, SourceError, read_source
from . import propose_input

SUFFIXES = (".json", ".yaml", ".yml", ".tf")


@dataclass
class Entry:
    name: str
    reached: bool
    ending: str
    end_state: str | None
    why: str
    seconds: float

    def as_json(self) -> dict:
        return {"name": self.name, "reached": self.reached, "ending": self.ending, "endState": self.end_state,
                "why": self.why, "seconds": round(self.seconds, 4)}


def definitions(folder: Path, substitutions: dict | None = None) -> list[tuple[str, Any]]:
    """Every definition in ``folder`` (a template's every state machine), placeholders filled
    with suggested values (and ``substitutions[file]``). Files that are not definitions, such as
    inputs and mock configs beside them, are left out."""
    out: list[tuple[str, Any]] = []
    cases = folder / "cases.json"
    if substitutions is None and cases.is_file():
        # the corpus's own values for placeholders that nothing in a file suggests
        known = json.loads(cases.read_text(encoding="utf-8"))
        substitutions = {name: case.get("substitutions", {}) for name, case in known.items()
                         if isinstance(case, dict)}
    for path in sorted(folder.iterdir()):
        if not path.name.endswith(SUFFIXES) or path.name.endswith((".input.json", ".mocks.json", ".tests.yaml", ".tests.json")) \
                or path.name == "cases.json":
            continue
        data = path.read_bytes()
        fmt = "terraform" if path.name.endswith(".tf") else None
        try:
            source = read_source(data, fmt=fmt)
        except SourceError:
            continue
        machines = source.machines if len(getattr(source, "machines", ()) or ()) > 1 else [source.machine]
        for machine in machines:
            try:
                one: Source = read_source(data, fmt=fmt, machine=machine) if machine != source.machine else source
            except SourceError:
                continue
            values = {**one.suggested(), **(substitutions or {}).get(path.name, {})}
            label = path.name if len(machines) == 1 else f"{path.name} ({machine})"
            out.append((label, one.filled(values)))
    return out


def measure(items: list[tuple[str, Any]], unmocked: str) -> list[Entry]:
    entries = []
    for name, definition in items:
        started = time.perf_counter()
        try:
            machine = parse(definition)
        except DefinitionError as e:
            entries.append(Entry(name, False, "invalid", None, e.diagnostics[0].message, 0.0))
            continue
        proposal = propose_input(definition, unmocked=unmocked, machine=machine)
        entries.append(Entry(name, proposal.reached, proposal.ending, proposal.end_state, proposal.why,
                             time.perf_counter() - started))
    return entries


def report(entries: list[Entry], as_json: bool = False) -> str:
    reached = sum(1 for e in entries if e.reached)
    rate = reached / len(entries) if entries else 0.0
    if as_json:
        return json.dumps({"reached": reached, "total": len(entries), "rate": round(rate, 4),
                           "entries": [e.as_json() for e in entries]}, ensure_ascii=False)
    lines = [f"{reached}/{len(entries)} reach an end ({rate:.1%})"]
    kinds: dict[str, int] = {}
    for e in entries:
        kinds[e.ending] = kinds.get(e.ending, 0) + 1
    lines.append("  " + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())))
    for e in entries:
        if not e.reached:
            lines.append(f"  not reached: {e.name} at '{e.end_state}': {e.why}")
    return "\n".join(lines)
