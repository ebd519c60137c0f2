"""Reading ASL from JSON or YAML (including SAM and Serverless templates) and writing it back.

Everything here works on plain data and raises :class:`InvalidDefinition` with a pointer or
field for anything a client could send, so no input turns into a server error.
"""
from __future__ import annotations

import json
from typing import Any

import yaml

from interpreter.limits import DEFINITION_DEPTH, DEFINITION_TEXT_BYTES

from .errors import InvalidDefinition, TooLarge

MAX_TEXT_BYTES = DEFINITION_TEXT_BYTES
MAX_DEPTH = DEFINITION_DEPTH
MAX_STATES = 5000


# --- reading -------------------------------------------------------------------------------

class _TemplateLoader(yaml.SafeLoader):
    """Safe YAML that understands CloudFormation's short tags and refuses aliases.

    Aliases are refused because a few lines of nested aliases expand to gigabytes
    ("billion laughs"); SAM and Serverless templates do not need them.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise InvalidDefinition(
                f"YAML aliases (*{event.anchor}) are not supported: write the value out in full "
                f"(line {event.start_mark.line + 1}).", field="definition")
        return super().compose_node(parent, index)


def _cfn_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{tag_suffix}": value}


_TemplateLoader.add_multi_constructor("!", _cfn_tag)


def parse_text(text: str | bytes, *, fmt: str | None = None) -> Any:
    """Parse JSON or YAML text (``fmt`` "json"/"yaml"; None tries JSON, then YAML)."""
    if isinstance(text, bytes):
        if len(text) > MAX_TEXT_BYTES:
            raise TooLarge(f"The definition is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB.", field="definition")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidDefinition(f"The file is not UTF-8 text (byte {exc.start}).", field="definition") from None
    if not isinstance(text, str):
        raise InvalidDefinition("Expected the definition as JSON or YAML text.", field="definition")
    if len(text) > MAX_TEXT_BYTES:
        raise TooLarge(f"The definition is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB.", field="definition")
    if not text.strip():
        raise InvalidDefinition("The definition is empty.", field="definition")
    if fmt in (None, "json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if fmt == "json":
                raise InvalidDefinition(f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                                        field="definition", line=exc.lineno, column=exc.colno) from None
        except RecursionError:
            raise InvalidDefinition(f"The JSON is nested too deeply (more than {MAX_DEPTH} levels).",
                                    field="definition") from None
    try:
        return yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = "JSON or YAML" if fmt is None else "YAML"
        raise InvalidDefinition(f"Not valid {what}: {exc.problem or exc}{where}.", field="definition") from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        raise InvalidDefinition(f"Not valid YAML: {exc}.", field="definition") from None


def extract_definition(document: Any) -> Any:
    """The ASL definition inside a document: plain ASL, a SAM/CloudFormation template, or a
    Serverless Framework file (the first state machine found)."""
    if not isinstance(document, dict):
        raise InvalidDefinition("A definition must be an object with StartAt and States.", pointer="")
    if "States" in document or "StartAt" in document:
        return document
    resources = document.get("Resources")
    if isinstance(resources, dict):
        for name, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            if resource.get("Type") in ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"):
                props = resource.get("Properties") or {}
                if isinstance(props, dict):
                    if isinstance(props.get("Definition"), dict):
                        return props["Definition"]
                    if isinstance(props.get("DefinitionString"), str):
                        return parse_text(props["DefinitionString"], fmt="json")
                raise InvalidDefinition(f"State machine resource '{name}' has no inline Definition.",
                                        pointer=f"/Resources/{_escape(name)}/Properties")
    machines = (document.get("stepFunctions") or {}).get("stateMachines") if isinstance(
        document.get("stepFunctions"), dict) else None
    if isinstance(machines, dict):
        for name, machine in machines.items():
            if isinstance(machine, dict) and isinstance(machine.get("definition"), dict):
                return machine["definition"]
    raise InvalidDefinition("No state machine found: expected StartAt and States, a SAM/CloudFormation "
                            "state machine resource, or a Serverless stepFunctions section.", pointer="")


def read_definition(text: str | bytes, *, fmt: str | None = None) -> dict:
    """Parse text and return the ASL definition it holds, checked to be a manageable object."""
    definition = extract_definition(parse_text(text, fmt=fmt))
    check_shape(definition)
    return definition


def check_shape(definition: Any) -> None:
    """Refuse what cannot be stored or drawn at all; everything else is the validator's job."""
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
