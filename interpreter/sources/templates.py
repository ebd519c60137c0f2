"""Finding the state machines in what people import, and reading their definitions.

The forms, each as its tool reads it:

- plain ASL (an object with ``StartAt`` and ``States``);
- SAM: an ``AWS::Serverless::StateMachine`` with ``Definition`` (and ``DefinitionSubstitutions``);
- CloudFormation (and what the CDK synthesises): an ``AWS::StepFunctions::StateMachine`` with
  ``Definition`` or ``DefinitionString`` (text, ``Fn::Sub`` text, or ``Fn::Join`` of pieces);
- the Serverless Framework: ``stepFunctions.stateMachines.NAME.definition`` (and CloudFormation
  resources under ``resources.Resources``);
- the AWS CLI's ``describe-state-machine`` answer or ``create-state-machine`` input
  (``definition`` as JSON text).

CloudFormation resolves intrinsic functions anywhere in a template, so one inside a definition
(``Resource: !GetAtt ProcessFunction.Arn``) becomes the placeholder its ``Fn::Sub`` form would be
(``${ProcessFunction.Arn}``), and the function itself is kept to suggest a value.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SAM = "AWS::Serverless::StateMachine"
CFN = "AWS::StepFunctions::StateMachine"


class TemplateError(ValueError):
    def __init__(self, message: str, pointer: str | None = None):
        super().__init__(message)
        self.message = message
        self.pointer = pointer


@dataclass
class Machine:
    """One state machine found in a document."""
    name: str | None
    kind: str                       # asl, sam, cloudformation, serverless, aws-cli, terraform
    definition: Any = None          # the definition as an object, when written as one
    text: str | None = None         # or as JSON text (DefinitionString, the CLI's definition)
    path: tuple = ()                # where the object is in the document
    substitutions: dict = field(default_factory=dict)
    workflow_type: str | None = None
    problem: str | None = None      # why its definition cannot be read from this file
    bare: set = field(default_factory=set)  # placeholders that stood where a number may go


def machines_in(document: Any) -> list[Machine]:
    """Every state machine in a parsed document, in the order written."""
    if not isinstance(document, dict):
        raise TemplateError("A definition must be an object with StartAt and States.", pointer="")
    if "States" in document or "StartAt" in document:
        return [Machine(None, "asl", document)]
    found: list[Machine] = []
    _resources(document.get("Resources"), ("Resources",), found)
    step_functions = document.get("stepFunctions")
    machines = step_functions.get("stateMachines") if isinstance(step_functions, dict) else None
    if isinstance(machines, dict):
        for name, machine in machines.items():
            if isinstance(machine, dict):
                found.append(_serverless(name, machine))
    resources = document.get("resources")
    if isinstance(resources, dict):
        _resources(resources.get("Resources"), ("resources", "Resources"), found)
    if not found and isinstance(document.get("definition"), (str, dict)):
        found.append(_cli(document))
    return found


def _resources(resources: Any, path: tuple, found: list[Machine]) -> None:
    if not isinstance(resources, dict):
        return
    for name, resource in resources.items():
        if isinstance(resource, dict) and resource.get("Type") in (SAM, CFN):
            props = resource.get("Properties")
            found.append(_cloudformation(name, resource["Type"], props if isinstance(props, dict) else {},
                                         (*path, name, "Properties")))


def _cloudformation(name: str, kind: str, props: dict, path: tuple) -> Machine:
    label = "sam" if kind == SAM else "cloudformation"
    subs = props.get("DefinitionSubstitutions")
    machine = Machine(name, label, substitutions=dict(subs) if isinstance(subs, dict) else {},
                      workflow_type=_type(props.get("Type" if kind == SAM else "StateMachineType")))
    if isinstance(props.get("Definition"), dict):
        machine.definition = props["Definition"]
        machine.path = (*path, "Definition")
    elif "DefinitionString" in props:
        machine.text = _definition_string(props["DefinitionString"], machine)
        if machine.text is None:
            machine.problem = (f"State machine {name}'s DefinitionString is built in a way Statewise cannot "
                               f"read; write it as text, !Sub text or !Join of text.")
    elif "DefinitionUri" in props or "DefinitionS3Location" in props:
        where = props.get("DefinitionUri") or props.get("DefinitionS3Location")
        shown = where if isinstance(where, str) else json.dumps(where)
        machine.problem = (f"State machine {name} reads its definition from another file ({shown}): import that "
                           f"file instead (its placeholders are filled from DefinitionSubstitutions here).")
    else:
        machine.problem = f"State machine {name} has no Definition."
    return machine


def _definition_string(value: Any, machine: Machine) -> str | None:
    if isinstance(value, str):
        return value
    if not (isinstance(value, dict) and len(value) == 1):
        return None
    (fn, arg), = value.items()
    if fn == "Fn::Sub":
        if isinstance(arg, str):
            return arg
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            machine.substitutions.update(arg[1])
            return arg[0]
        return None
    if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
        pieces = [p if isinstance(p, str) else intrinsic_token(p, machine.substitutions) if is_intrinsic(p) else None
                  for p in arg[1]]
        return None if any(p is None for p in pieces) else str(arg[0]).join(pieces)
    return None


def _serverless(name: str, machine: dict) -> Machine:
    found = Machine(name, "serverless", workflow_type=_type(machine.get("type")))
    definition = machine.get("definition")
    if isinstance(definition, dict):
        found.definition = definition
        found.path = ("stepFunctions", "stateMachines", name, "definition")
    elif isinstance(definition, str) and definition.lstrip().startswith("{"):
        found.text = definition
    elif isinstance(definition, str):
        found.problem = (f"State machine {name} reads its definition from elsewhere ({definition}): import "
                         f"that file instead.")
    else:
        found.problem = f"State machine {name} has no definition."
    return found


def _cli(document: dict) -> Machine:
    definition = document["definition"]
    name = document.get("name") if isinstance(document.get("name"), str) else None
    machine = Machine(name, "aws-cli", workflow_type=_type(document.get("type")))
    if isinstance(definition, dict):
        machine.definition, machine.path = definition, ("definition",)
    else:
        machine.text = definition
    return machine


def _type(value: Any) -> str | None:
    return value.upper() if isinstance(value, str) and value.upper() in ("STANDARD", "EXPRESS") else None


# --- intrinsic functions inside a definition ------------------------------------------------

def is_intrinsic(value: Any) -> bool:
    if type(value) is not dict or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key.startswith("Fn::")


def intrinsic_token(value: dict, substitutions: dict) -> str | None:
    """The text a CloudFormation function stands for, as a placeholder (``!Ref X`` → ``${X}``);
    functions other than Ref/GetAtt/Sub/Join are kept in ``substitutions`` under their token's
    name, so a value can still be suggested for them."""
    (fn, arg), = value.items()
    if fn == "Ref" and isinstance(arg, str):
        return "${" + arg + "}"
    if fn == "Fn::GetAtt":
        parts = arg.split(".", 1) if isinstance(arg, str) else arg
        if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
            return "${" + ".".join(parts) + "}"
    if fn == "Fn::Sub":
        if isinstance(arg, str):
            return arg
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            substitutions.update(arg[1])
            return arg[0]
    if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
        pieces = [p if isinstance(p, str) else intrinsic_token(p, substitutions) if is_intrinsic(p) else None
                  for p in arg[1]]
        if all(isinstance(p, str) for p in pieces):
            return str(arg[0]).join(pieces)
    name = _describe(value)
    substitutions.setdefault(name, value)
    return "${" + name + "}"


def _describe(value: Any) -> str:
    """A function as one line without braces (a placeholder's name cannot hold them)."""
    if isinstance(value, dict) and len(value) == 1:
        (fn, arg), = value.items()
        return f"{fn}({_describe(arg) if not isinstance(arg, list) else ', '.join(_describe(a) for a in arg)})"
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}: {_describe(v)}" for k, v in value.items()) + ")"
    return str(value).replace("{", "(").replace("}", ")")


def tokenize(value: Any, substitutions: dict) -> Any:
    """``value`` with every CloudFormation function replaced by its placeholder text."""
    if type(value) is dict:
        if is_intrinsic(value):
            token = intrinsic_token(value, substitutions)
            if token is not None:
                return token
        return {k: tokenize(v, substitutions) for k, v in value.items()}
    if type(value) is list:
        return [tokenize(v, substitutions) for v in value]
    return value


def has_intrinsics(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            if is_intrinsic(item):
                return True
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return False
