"""Reading ASL from JSON, YAML or Terraform (plain ASL or a SAM, CloudFormation, Serverless or
Terraform file) and writing it back.

Reading is :mod:`interpreter.sources`' job, shared with the command line; here its errors become
the API's (:class:`InvalidDefinition`, :class:`TooLarge`), so no input turns into a server error.
"""
from __future__ import annotations

import json
from typing import Any

from interpreter.limits import DEFINITION_DEPTH, DEFINITION_TEXT_BYTES
from interpreter.sources import Source, SourceError, read_source

from . import workpool
from .errors import InvalidDefinition, TooLarge

MAX_TEXT_BYTES = DEFINITION_TEXT_BYTES
MAX_DEPTH = DEFINITION_DEPTH
MAX_STATES = 5000


# --- reading -------------------------------------------------------------------------------

def read_import(text: str | bytes, *, fmt: str | None = None, machine: str | None = None) -> Source:
    """The state machine in an imported file, its placeholders kept and listed."""
    try:
        source = read_source(text, fmt=fmt, machine=machine or None)
    except SourceError as exc:
        extra = {k: v for k, v in (("line", exc.line), ("column", exc.column)) if v is not None}
        if exc.too_large:
            raise TooLarge(exc.message, field="definition") from None
        raise InvalidDefinition(exc.message, pointer=exc.pointer, field=None if exc.pointer is not None
                                else "definition", **extra) from None
    check_shape(source.definition)
    return source


def read_definition(text: str | bytes, *, fmt: str | None = None) -> dict:
    """Parse text and return the ASL definition it holds, checked to be a manageable object."""
    return read_import(text, fmt=fmt).definition


def count_states(definition: Any) -> int:
    """Its steps, nested ones included (cheap: only States objects are walked)."""
    total, stack = 0, [definition]
    while stack:
        machine = stack.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            continue
        total += len(states)
        for state in states.values():
            if isinstance(state, dict):
                if isinstance(state.get("Branches"), list):
                    stack.extend(state["Branches"])
                stack.append(state.get("ItemProcessor", state.get("Iterator")))
    return total


def check_shape(definition: Any) -> None:
    """Refuse what cannot be stored or drawn at all; everything else is the validator's job. A
    large definition is walked in a child process (``designer/workpool.py``)."""
    if workpool.large(count_states(definition)):
        return workpool.run(_check_shape, definition, what="Reading this definition")
    _check_shape(definition)


def _check_shape(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise InvalidDefinition("A definition must be a JSON object with StartAt and States.", pointer="")
    count = 0
    stack: list[tuple[Any, tuple]] = [(definition, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise InvalidDefinition(f"The definition is nested too deeply (more than {MAX_DEPTH} levels).",
                                    pointer=_pointer(path[:MAX_DEPTH]))
        if isinstance(value, dict):
            states = value.get("States")
            if isinstance(states, dict):
                count += len(states)
            for key, item in value.items():
                _check_text(key, path)
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, path)
    if count > MAX_STATES:
        raise TooLarge(f"The definition has {count} states; at most {MAX_STATES} are supported.", pointer="/States")


def _check_text(text: str, path: tuple) -> None:
    # JSON escapes can smuggle in lone UTF-16 surrogates, which are not text: no database stores them.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidDefinition("This text holds an invalid Unicode character (a lone surrogate).",
                                pointer=_pointer(path)) from None


def _pointer(path: tuple) -> str:
    return "".join("/" + _escape(str(p)) for p in path)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


# --- writing -------------------------------------------------------------------------------

MACHINE_ORDER = ["Comment", "QueryLanguage", "StartAt", "TimeoutSeconds", "Version", "States"]
STATE_ORDER = [
    "Type", "Comment", "QueryLanguage", "Resource", "Credentials", "InputPath", "Items", "ItemsPath",
    "ItemSelector", "Parameters", "Arguments", "ItemReader", "ItemBatcher", "MaxConcurrency",
    "MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
    "ToleratedFailureCount", "ToleratedFailureCountPath", "ItemProcessor", "Iterator", "ResultWriter",
    "Label", "Branches", "Choices", "Default", "Seconds", "SecondsPath", "Timestamp", "TimestampPath",
    "Result", "ResultSelector", "ResultPath", "OutputPath", "Output", "Assign", "TimeoutSeconds",
    "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch", "Error",
    "ErrorPath", "Cause", "CausePath", "Next", "End",
]
PROCESSOR_ORDER = ["Comment", "ProcessorConfig", "StartAt", "States"]
RETRY_ORDER = ["ErrorEquals", "Comment", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
               "JitterStrategy"]
CATCH_ORDER = ["ErrorEquals", "Comment", "ResultPath", "Output", "Assign", "Next"]
RULE_HEAD = ["Variable", "Condition", "And", "Or", "Not"]
RULE_TAIL = ["Comment", "Assign", "Output", "Next"]


def _ordered(obj: dict, order: list[str]) -> dict:
    out = {k: obj[k] for k in order if k in obj}
    out.update((k, v) for k, v in obj.items() if k not in out)
    return out


def _rule(rule: Any) -> Any:
    if not isinstance(rule, dict):
        return rule
    head = {k: rule[k] for k in RULE_HEAD if k in rule}
    for key in ("And", "Or"):
        if isinstance(head.get(key), list):
            head[key] = [_rule(r) for r in head[key]]
    if "Not" in head:
        head["Not"] = _rule(head["Not"])
    middle = {k: v for k, v in rule.items() if k not in RULE_HEAD and k not in RULE_TAIL}
    tail = {k: rule[k] for k in RULE_TAIL if k in rule}
    return {**head, **middle, **tail}


def _state(state: Any) -> Any:
    if not isinstance(state, dict):
        return state
    out = _ordered(state, STATE_ORDER)
    if isinstance(out.get("Branches"), list):
        out["Branches"] = [_machine(b, MACHINE_ORDER) for b in out["Branches"]]
    for key in ("ItemProcessor", "Iterator"):
        if isinstance(out.get(key), dict):
            out[key] = _machine(out[key], PROCESSOR_ORDER)
    if isinstance(out.get("Choices"), list):
        out["Choices"] = [_rule(r) for r in out["Choices"]]
    if isinstance(out.get("Retry"), list):
        out["Retry"] = [_ordered(r, RETRY_ORDER) if isinstance(r, dict) else r for r in out["Retry"]]
    if isinstance(out.get("Catch"), list):
        out["Catch"] = [_ordered(c, CATCH_ORDER) if isinstance(c, dict) else c for c in out["Catch"]]
    return out


def _machine(machine: Any, order: list[str]) -> Any:
    if not isinstance(machine, dict):
        return machine
    out = _ordered(machine, order)
    if isinstance(out.get("States"), dict):
        out["States"] = {name: _state(s) for name, s in out["States"].items()}
    return out


def aws_ordered(definition: Any) -> Any:
    """The definition with keys in the order AWS's console writes them; states keep their order."""
    return _machine(definition, MACHINE_ORDER)


def export_json(definition: Any) -> str:
    """ASL JSON ready to paste into CloudFormation or the AWS console."""
    return json.dumps(aws_ordered(definition), indent=2, ensure_ascii=False) + "\n"


def to_text(definition: Any) -> str:
    """Compact JSON for storage, keeping the author's key order."""
    return json.dumps(definition, ensure_ascii=False, separators=(",", ":"))
