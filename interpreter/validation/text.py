"""Reading a definition from text: JSON, or YAML as Serverless and SAM users write it.

Python's ``json`` and PyYAML both keep the last of two equal keys without a word; AWS rejects
the definition. So both readers here build objects that remember their duplicate keys, and a
walk afterwards (only when some were found) reports them with their JSON Pointers.

YAML is read with a safe loader that keeps timestamps as text (ASL timestamps are strings) and
reads CloudFormation short tags (``!Ref``, ``!GetAtt``, ``!Sub``...) as the ``{"Ref": ...}``
objects they stand for, so a template fragment loads and gets a useful message instead of a
YAML error.
"""
from __future__ import annotations

import json
from typing import Any

import yaml

from ..limits import DEFINITION_BYTES, DEFINITION_TEXT_BYTES
from .report import Report

MAX_DEFINITION_BYTES = DEFINITION_BYTES


class _Duplicates(dict):
    """A JSON object that had repeated keys; ``repeated`` lists them in order."""
    __slots__ = ("repeated",)


def _pairs(pairs: list, found: list | None = None) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        if found is not None:
            found.append(True)
        seen: set = set()
        repeated = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        dup = _Duplicates(obj)
        dup.repeated = repeated
        return dup
    return obj


class _Loader(yaml.SafeLoader):
    pass


# ASL timestamps are text: don't let YAML turn them into datetimes.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    pairs = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = json.dumps(key) if isinstance(key, (int, float, bool)) or key is None else str(key)
        pairs.append((key, loader.construct_object(value_node, deep=True)))
    return _pairs(pairs)


def _cloudformation(loader: _Loader, suffix: str, node: yaml.Node) -> dict:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = _mapping(loader, node)
    return {name: value}


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_multi_constructor("!", _cloudformation)


def read_definition(text: str, report: Report) -> tuple[bool, Any]:
    """Parse ``text``; return (ok, value). Problems with the text itself go into ``report``."""
    # The 1 MB quota is checked on the definition read (validate()), the same measure for JSON,
    # YAML and the editor; a text this large is not even read.
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > DEFINITION_TEXT_BYTES:
        report.error("DEFINITION_TOO_LARGE", (),
                     f"The definition text is {size:,} bytes; Statewise reads at most {DEFINITION_TEXT_BYTES:,} "
                     f"and Step Functions accepts at most {MAX_DEFINITION_BYTES:,} (1 MB) of compact JSON. "
                     f"Split it, e.g. into nested state machines.")
        return False, None
    stripped = text.strip()
    if not stripped:
        report.error("NOT_AN_OBJECT", (), "The definition is empty: it must be a JSON object with StartAt and States.")
        return False, None
    found: list = []
    try:
        value = json.loads(text, object_pairs_hook=lambda pairs: _pairs(pairs, found))
    except (ValueError, RecursionError) as json_error:
        found.append(True)  # YAML may hold values JSON cannot: always clean up after it
        try:
            loader = _Loader(text)
            try:
                value = loader.get_single_data()
            finally:
                loader.dispose()
        except RecursionError:
            report.error("UNREADABLE", (), "The definition is nested too deeply to read.")
            return False, None
        except yaml.YAMLError as yaml_error:
            if stripped[0] in "{[":
                report.error("UNREADABLE", (), f"The definition is not valid JSON: {_json_reason(json_error)}.")
            else:
                report.error("UNREADABLE", (), f"The definition is neither JSON nor YAML: {_yaml_reason(yaml_error)}.")
            return False, None
        except Exception as other:  # PyYAML raises a few non-YAMLError types on odd input
            report.error("UNREADABLE", (), f"The definition could not be read as YAML: {other}.")
            return False, None
    if not found:
        return True, value
    try:
        value = _report_duplicates(value, (), report)
    except RecursionError:
        report.error("UNREADABLE", (), "The definition is nested too deeply to read.")
        return False, None
    return True, value


def _json_reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at line {error.lineno}, column {error.colno}"
    return "it is nested too deeply" if isinstance(error, RecursionError) else str(error)


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return problem


def _report_duplicates(value: Any, where: tuple, report: Report) -> Any:
    """Replace duplicate-remembering objects by plain dicts, reporting each repeated key."""
    if isinstance(value, dict):
        if isinstance(value, _Duplicates):
            for key in value.repeated:
                at = (*where, key)
                if where and where[-1] == "States":
                    report.error("DUPLICATE_STATE_NAME", at,
                                 f"State name '{key}' is defined twice in the same States: rename one of them "
                                 f"(only the last one would be kept).", key)
                else:
                    report.error("DUPLICATE_KEY", at,
                                 f"Field '{key}' appears twice in the same object: keep one "
                                 f"(only the last one would be kept).", _state_of(where))
            value = dict(value)
        for key, item in value.items():
            value[key] = _report_duplicates(item, (*where, key), report)
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _report_duplicates(item, (*where, i), report)
        return value
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return [_report_duplicates(v, where, report) for v in value]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _state_of(where: tuple) -> str | None:
    """The innermost state name on the path, if any."""
    for i in range(len(where) - 2, -1, -1):
        if where[i] == "States" and isinstance(where[i + 1], str):
            return where[i + 1]
    return None
