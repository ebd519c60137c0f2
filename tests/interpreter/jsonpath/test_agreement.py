"""The validator and the parser read definitions with one grammar, so they agree.

Every definition the project ships (samples, benchmark workloads, the real-world corpus in
tests/realworld, as written and with its placeholders filled) and every definition in the
conformance and validation corpora goes through both:
- what validates parses, and a run of it starts and advances without a Python error;
- what the parser refuses the validator reports too, at the same place: the same JSON Pointer, or
  the parser names a node and the validator the field inside it that is wrong (or the reverse).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interpreter.definition import parse
from interpreter.errors import DefinitionError
from interpreter.execution import Execution
from interpreter.sources import read_source
from interpreter.validation import validate
from interpreter.validation.report import Report
from interpreter.validation.text import read_definition

ROOT = Path(__file__).resolve().parents[3]
TESTS = ROOT / "tests" / "interpreter"


def _definitions():
    for path in sorted((ROOT / "designer" / "samples").glob("*.asl.json")):
        yield f"sample:{path.stem}", json.loads(path.read_text(encoding="utf-8")), None
    for path in sorted((ROOT / "bench" / "workloads").glob("*.asl.json")):
        yield f"bench:{path.stem}", json.loads(path.read_text(encoding="utf-8")), None
    realworld = ROOT / "tests" / "realworld"
    cases = json.loads((realworld / "cases.json").read_text(encoding="utf-8"))
    for path in sorted(realworld.iterdir()):
        if path.name in cases and path.name != "_about":
            source = read_source(path.read_bytes(), fmt="terraform" if path.suffix == ".tf" else None)
            values = {**source.suggested(), **cases[path.name].get("substitutions", {})}
            yield f"realworld:{path.name}", source.definition, cases[path.name]["input"]
            yield f"realworld:{path.name}:filled", source.filled(values), cases[path.name]["input"]
    for path in sorted((TESTS / "conformance" / "cases").glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        yield f"conformance:{case['id']}", case["definition"], case.get("input")
    for path in sorted((TESTS / "validation" / "cases").glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if "definition_text" in case:
            ok, definition = read_definition(case["definition_text"], Report())
            if not ok:
                continue
        else:
            definition = case["definition"]
        yield f"validation:{case['id']}", definition, None


DEFINITIONS = list(_definitions())


def test_the_corpora_are_there():
    kinds = {name.split(":")[0] for name, _, _ in DEFINITIONS}
    assert kinds == {"sample", "bench", "realworld", "conformance", "validation"}
    assert len(DEFINITIONS) > 1200


def _disagreement(definition, input_value) -> str | None:
    errors = [d for d in validate(definition) if d.severity == "error"]
    try:
        machine = parse(definition, validate=False)
    except DefinitionError as refused:
        if not errors:
            return f"the validator passes it, the parser refuses it: {refused}"
        missing = [str(d) for d in refused.diagnostics if not any(_same_place(d.pointer, e.pointer) for e in errors)]
        if missing:
            return f"the parser refuses it at pointers the validator does not report: {missing}"
        return None
    if not errors:
        # a run starts and advances; Tasks without mocks or callbacks may leave it waiting
        execution = Execution(machine, {} if input_value is None else input_value, seed=1)
        execution.run(max_steps=300)
    return None


def _same_place(one: str, other: str) -> bool:
    return one == other or one.startswith(other + "/") or other.startswith(one + "/")


def test_validator_and_parser_agree_on_every_definition():
    problems = {}
    for name, definition, input_value in DEFINITIONS:
        problem = _disagreement(definition, input_value)
        if problem:
            problems[name] = problem
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
