"""Our JSON Schema (draft-07) for the Amazon States Language, built from ``fields.py``.

It covers both query languages (a JSONata machine, a JSONPath machine with JSONata states),
every state type and field, Distributed Map, Assign and Choice rules. It decides the structural
part of validity: field names, value kinds and ranges, required fields, fields that exclude
each other, Next xor End. What it cannot say (transitions, reachability, unique names across
branches, path and expression syntax, ARNs) is left to the Python rules.

``validate()`` does not run it: checking with ``jsonschema`` costs far more than the table-driven
checker, which the test suite proves agrees with this schema case by case. Use ``asl_schema()``
to publish the schema, and ``schema_errors()`` to check a definition with it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .fields import (BOOLEAN_OPERATORS, BRANCH_FIELDS, CATCHER_FIELDS, COMPARISONS, ITEM_BATCHER_FIELDS,
                     ITEM_READER_FIELDS, JSONATA, JSONATA_EXPRESSION, JSONPATH, MACHINE_FIELDS,
                     NO_TRANSITION_TYPES, PROCESSOR_CONFIG_FIELDS, PROCESSOR_FIELDS, QUERY_LANGUAGES,
                     READER_CONFIG_FIELDS, REQUIRED, RESULT_WRITER_FIELDS, RETRIER_FIELDS, RULE_FIELDS,
                     STATE_FIELDS, TOP_RULE_FIELDS, WRITER_CONFIG_FIELDS, Field)

_EXCLUSIVE = {
    "Task": (("TimeoutSeconds", "TimeoutSecondsPath"), ("HeartbeatSeconds", "HeartbeatSecondsPath")),
    "Fail": (("Error", "ErrorPath"), ("Cause", "CausePath")),
    "Map": (("MaxConcurrency", "MaxConcurrencyPath"),
            ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
            ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            ("ItemProcessor", "Iterator"), ("Parameters", "ItemSelector")),
}
_WAIT_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
_REF = "#/definitions/"


def _props(spec: dict[str, Field], language: str, refs: dict[str, dict] | None = None) -> dict:
    jsonata = language == JSONATA
    props = {}
    for key, field in spec.items():
        if field.language is not None and field.language != language:
            continue
        props[key] = (refs or {}).get(key) or field.kind.schema_for(jsonata)
    return props


def _object(spec: dict[str, Field], language: str, refs: dict | None = None, required: tuple = (),
            **extra: Any) -> dict:
    schema = {"type": "object", "properties": _props(spec, language, refs), "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    schema.update(extra)
    return schema


def _not_both(pairs) -> list[dict]:
    return [{"not": {"required": [a, b]}} for a, b in pairs]


def _state(kind: str, language: str, machine: str) -> dict:
    refs: dict[str, dict] = {
        "Retry": {"type": "array", "items": {"$ref": _REF + "retrier"}},
        "Catch": {"type": "array", "items": {"$ref": _REF + f"catcher.{language}"}},
    }
    rules: list[dict] = list(_not_both(_EXCLUSIVE.get(kind, ())))
    if kind == "Task":
        refs["Credentials"] = {"type": "object", "anyOf": [{"required": ["RoleArn"]}, {"required": ["RoleArn.$"]}]}
    elif kind == "Choice":
        refs["Choices"] = {"type": "array", "minItems": 1, "items": {"$ref": _REF + f"rule.{language}"}}
    elif kind == "Parallel":
        refs["Branches"] = {"type": "array", "minItems": 1, "items": {"$ref": _REF + f"branch.{machine}"}}
    elif kind == "Map":
        refs["ItemProcessor"] = {"$ref": _REF + f"processor.{machine}"}
        refs["Iterator"] = {"$ref": _REF + f"processor.{machine}"}
        refs["ItemReader"] = {"$ref": _REF + f"itemReader.{language}"}
        refs["ItemBatcher"] = {"$ref": _REF + f"itemBatcher.{language}"}
        refs["ResultWriter"] = {"$ref": _REF + f"resultWriter.{language}"}
        rules.append({"anyOf": [{"required": ["ItemProcessor"]}, {"required": ["Iterator"]}]})
    elif kind == "Wait":
        rules.append({"anyOf": [{"required": [k]} for k in _WAIT_FIELDS]})
        rules += _not_both((a, b) for i, a in enumerate(_WAIT_FIELDS) for b in _WAIT_FIELDS[i + 1:])
    spec = STATE_FIELDS[kind]
    if kind in NO_TRANSITION_TYPES:
        spec = {k: f for k, f in spec.items() if k not in ("Next", "End")}
    else:
        end = {"required": ["End"], "properties": {"End": {"const": True}}}
        rules.append({"anyOf": [{"required": ["Next"], "not": end},
                                {**end, "not": {"required": ["Next"]}}]})
    schema = _object(spec, language, refs, ("Type", *REQUIRED.get(kind, ())))
    schema["properties"]["Type"] = {"const": kind}
    if language == JSONATA:
        schema["properties"]["QueryLanguage"] = {"const": JSONATA}
    else:
        schema["properties"]["QueryLanguage"] = {"const": JSONPATH}
    if rules:
        schema["allOf"] = rules
    return schema


def _rule(language: str) -> dict:
    if language == JSONATA:
        refs = {"Condition": {"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": JSONATA_EXPRESSION}]}}
        return _object(TOP_RULE_FIELDS, JSONATA, refs, ("Next", "Condition"))
    return {**_object(TOP_RULE_FIELDS, JSONPATH, _rule_refs(), ("Next",)), "allOf": _rule_shape()}


def _rule_refs() -> dict:
    return {"And": {"type": "array", "minItems": 1, "items": {"$ref": _REF + "innerRule"}},
            "Or": {"type": "array", "minItems": 1, "items": {"$ref": _REF + "innerRule"}},
            "Not": {"$ref": _REF + "innerRule"}}


def _rule_shape() -> list[dict]:
    operators = [*COMPARISONS, *BOOLEAN_OPERATORS]
    shape: list[dict] = [{"oneOf": [{"required": [op]} for op in operators]}]
    for op in COMPARISONS:
        shape.append({"if": {"required": [op]}, "then": {"required": ["Variable"]}})
    for op in BOOLEAN_OPERATORS:
        shape.append({"if": {"required": [op]}, "then": {"not": {"required": ["Variable"]}}})
    return shape


def _scope(fields: dict[str, Field], machine: str, extra_refs: dict | None = None) -> dict:
    refs = {"States": {"type": "object", "minProperties": 1,
                       "propertyNames": {"minLength": 1, "maxLength": 80},
                       "additionalProperties": {"$ref": _REF + f"state.{machine}"}},
            **(extra_refs or {})}
    return _object(fields, JSONPATH, refs, ("StartAt", "States"))


@lru_cache(maxsize=1)
def asl_schema() -> dict:
    """The JSON Schema, built once."""
    definitions: dict[str, dict] = {
        "retrier": _object(RETRIER_FIELDS, JSONPATH, required=("ErrorEquals",)),
        "innerRule": {**_object(RULE_FIELDS, JSONPATH, _rule_refs()), "allOf": _rule_shape()},
    }
    for language in QUERY_LANGUAGES:
        definitions[f"catcher.{language}"] = _object(CATCHER_FIELDS, language, required=("ErrorEquals", "Next"))
        definitions[f"rule.{language}"] = _rule(language)
        definitions[f"itemReader.{language}"] = _object(
            ITEM_READER_FIELDS, language,
            {"ReaderConfig": _object(READER_CONFIG_FIELDS, language, allOf=_not_both([("MaxItems", "MaxItemsPath")]))},
            ("Resource",))
        definitions[f"itemBatcher.{language}"] = _object(
            ITEM_BATCHER_FIELDS, language,
            allOf=_not_both([("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
                             ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")]))
        definitions[f"resultWriter.{language}"] = _object(
            RESULT_WRITER_FIELDS, language, {"WriterConfig": _object(WRITER_CONFIG_FIELDS, language)})
    for machine in QUERY_LANGUAGES:
        for language in QUERY_LANGUAGES:
            for kind in STATE_FIELDS:
                definitions[f"{kind}.{language}.{machine}"] = _state(kind, language, machine)
            definitions[f"state.{language}.{machine}"] = {
                "type": "object", "required": ["Type"],
                "properties": {"Type": {"enum": list(STATE_FIELDS)}},
                "allOf": [{"if": {"properties": {"Type": {"const": kind}}, "required": ["Type"]},
                           "then": {"$ref": _REF + f"{kind}.{language}.{machine}"}} for kind in STATE_FIELDS],
            }
        own_jsonata = {"properties": {"QueryLanguage": {"const": JSONATA}}, "required": ["QueryLanguage"]}
        if machine == JSONATA:
            definitions[f"state.{machine}"] = {"$ref": _REF + f"state.{JSONATA}.{machine}"}
        else:
            definitions[f"state.{machine}"] = {"if": own_jsonata,
                                               "then": {"$ref": _REF + f"state.{JSONATA}.{machine}"},
                                               "else": {"$ref": _REF + f"state.{JSONPATH}.{machine}"}}
        definitions[f"branch.{machine}"] = _scope(BRANCH_FIELDS, machine)
        definitions[f"processor.{machine}"] = _scope(
            PROCESSOR_FIELDS, machine, {"ProcessorConfig": _object(PROCESSOR_CONFIG_FIELDS, JSONPATH)})
        definitions[f"machine.{machine}"] = _scope(MACHINE_FIELDS, machine)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://statewise.example/schemas/asl.json",
        "title": "Amazon States Language state machine (Statewise)",
        "type": "object",
        "if": {"properties": {"QueryLanguage": {"const": JSONATA}}, "required": ["QueryLanguage"]},
        "then": {"$ref": _REF + f"machine.{JSONATA}"},
        "else": {"$ref": _REF + f"machine.{JSONPATH}"},
        "definitions": definitions,
    }


@lru_cache(maxsize=1)
def _validator():
    import jsonschema
    schema = asl_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def schema_errors(definition: Any) -> list[str]:
    """What the JSON Schema finds wrong, as 'pointer: message' lines (slow; for tests and tools)."""
    found = []
    for error in _validator().iter_errors(definition):
        where = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)
        found.append(f"{where or '/'}: {error.message}")
    return found
