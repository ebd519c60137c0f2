"""Which fields each part of a definition may have, in which query language, holding what.

This table is the one source of the definition's structure: the fast checker in
``structure.py`` walks it, and ``schema.py`` turns it into our JSON Schema for ASL, so the two
cannot drift apart (a test checks that they agree on the whole corpus).

A field belongs to both query languages unless marked ``JSONPATH`` or ``JSONATA``. In a JSONata
state, a field whose kind allows it may hold a ``{% expression %}`` string instead of its value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

JSONPATH, JSONATA = "JSONPath", "JSONata"
QUERY_LANGUAGES = (JSONPATH, JSONATA)
MAX_INT = 99_999_999

RFC3339 = (r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
           r"(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$")
_RFC3339 = re.compile(RFC3339)
JSONATA_EXPRESSION = r"^\{%[\s\S]*%\}$"


def is_expression(value: Any) -> bool:
    """A JSONata ``{% ... %}`` string (syntax is checked elsewhere)."""
    return type(value) is str and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


@dataclass(frozen=True, slots=True)
class Kind:
    """What a field holds: a Python test, the same test as JSON Schema, and words for a message."""
    describe: str
    test: Callable[[Any], bool]
    schema: dict
    expression_ok: bool = False  # may be a {% %} string in a JSONata state

    def ok(self, value: Any, jsonata: bool) -> bool:
        if self.expression_ok and jsonata and is_expression(value):
            return True
        return self.test(value)

    def schema_for(self, jsonata: bool) -> dict:
        if self.expression_ok and jsonata:
            return {"anyOf": [self.schema, {"type": "string", "pattern": JSONATA_EXPRESSION}]}
        return self.schema


def _int(lo: int, hi: int) -> Callable[[Any], bool]:
    return lambda v: type(v) is int and lo <= v <= hi


def _number(lo: float, hi: float) -> Callable[[Any], bool]:
    return lambda v: type(v) in (int, float) and lo <= v <= hi


def _enum(values: tuple) -> Kind:
    return Kind("one of " + ", ".join(values), lambda v: type(v) is str and v in values, {"enum": list(values)})


TEXT = Kind("text", lambda v: type(v) is str, {"type": "string"})
TEXT_EXPR = Kind("text", lambda v: type(v) is str, {"type": "string"}, True)
BOOLEAN = Kind("true or false", lambda v: type(v) is bool, {"type": "boolean"})
OBJECT = Kind("an object", lambda v: type(v) is dict, {"type": "object"})
ANY = Kind("any JSON value", lambda v: True, {})
PATH = Kind("a path (text starting with $)", lambda v: type(v) is str, {"type": "string"})
PATH_OR_NULL = Kind("a path (text starting with $) or null", lambda v: v is None or type(v) is str,
                    {"type": ["string", "null"]})
POSITIVE = Kind(f"a whole number from 1 to {MAX_INT}", _int(1, MAX_INT),
                {"type": "integer", "minimum": 1, "maximum": MAX_INT}, True)
NATURAL = Kind(f"a whole number from 0 to {MAX_INT}", _int(0, MAX_INT),
               {"type": "integer", "minimum": 0, "maximum": MAX_INT}, True)
# AWS reads at most 100,000,000 items (a recorded execution uses exactly that)
MAX_ITEMS = Kind("a whole number from 0 to 100000000", _int(0, 100_000_000),
                 {"type": "integer", "minimum": 0, "maximum": 100_000_000}, True)
PERCENT = Kind("a number from 0 to 100", _number(0, 100),
               {"type": "number", "minimum": 0, "maximum": 100}, True)
BACKOFF = Kind("a number of at least 1.0", _number(1, float("inf")), {"type": "number", "minimum": 1})
BATCH_BYTES = Kind("a whole number of bytes from 1 to 262144", _int(1, 262_144),
                   {"type": "integer", "minimum": 1, "maximum": 262_144}, True)
TIMESTAMP = Kind("an RFC 3339 timestamp such as 2024-03-14T01:59:00Z",
                 lambda v: type(v) is str and _RFC3339.match(v) is not None,
                 {"type": "string", "pattern": RFC3339}, True)
ERROR_NAMES = Kind("a non-empty list of error names",
                   lambda v: type(v) is list and len(v) > 0 and all(type(e) is str for e in v),
                   {"type": "array", "minItems": 1, "items": {"type": "string"}})
PLACEHOLDER = r"^__[A-Za-z0-9_]+__$"
_PLACEHOLDER = re.compile(PLACEHOLDER)
# LocalStack's AWS-validated templates hold '__TBD__'-style placeholders filled in before deploying
CSV_HEADERS = Kind("a list of column names",
                   lambda v: (type(v) is list and all(type(e) is str for e in v))
                   or (type(v) is str and _PLACEHOLDER.match(v) is not None),
                   {"anyOf": [{"type": "array", "items": {"type": "string"}},
                              {"type": "string", "pattern": PLACEHOLDER}]}, True)
CLOUDFORMATION = r"^(Ref|Fn::[A-Za-z]+)$"
_CLOUDFORMATION = re.compile(CLOUDFORMATION)


def is_cloudformation(value: Any) -> bool:
    """A CloudFormation intrinsic such as {"Ref": ...} or {"Fn::GetAtt": [...]}, resolved on deploy."""
    return type(value) is dict and len(value) == 1 and _CLOUDFORMATION.match(next(iter(value))) is not None


RESOURCE = Kind("an ARN given as text", lambda v: type(v) is str or is_cloudformation(v),
                {"anyOf": [{"type": "string"},
                           {"type": "object", "minProperties": 1, "maxProperties": 1,
                            "propertyNames": {"pattern": CLOUDFORMATION}}]})


def _objects(v: Any) -> bool:
    # a loop, not all() over a generator: Choices, And and Or are tested for every Choice state
    if type(v) is not list:
        return False
    for e in v:
        if type(e) is not dict:
            return False
    return True


LIST_OF_OBJECTS = Kind("a list of objects", _objects, {"type": "array", "items": {"type": "object"}})
NON_EMPTY_LIST_OF_OBJECTS = Kind(
    "a non-empty list of objects", lambda v: _objects(v) and len(v) > 0,
    {"type": "array", "minItems": 1, "items": {"type": "object"}})
LANGUAGE = _enum(QUERY_LANGUAGES)
STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")


@dataclass(frozen=True, slots=True)
class Field:
    kind: Kind
    language: str | None = None  # None: both query languages


F = Field
_common = {"Type": F(_enum(STATE_TYPES)), "Comment": F(TEXT), "QueryLanguage": F(LANGUAGE)}
_io = {"InputPath": F(PATH_OR_NULL, JSONPATH), "OutputPath": F(PATH_OR_NULL, JSONPATH)}
_flow = {"Next": F(TEXT), "End": F(BOOLEAN)}
_result = {"ResultPath": F(PATH_OR_NULL, JSONPATH), "ResultSelector": F(ANY, JSONPATH)}
_output = {"Output": F(ANY, JSONATA), "Assign": F(OBJECT)}
_errors = {"Retry": F(LIST_OF_OBJECTS), "Catch": F(LIST_OF_OBJECTS)}

STATE_FIELDS: dict[str, dict[str, Field]] = {
    "Pass": {**_common, **_io, **_flow, **_output, "Parameters": F(ANY, JSONPATH),
             "ResultPath": F(PATH_OR_NULL, JSONPATH), "Result": F(ANY, JSONPATH)},
    "Task": {**_common, **_io, **_flow, **_result, **_output, **_errors,
             "Parameters": F(ANY, JSONPATH), "Arguments": F(ANY, JSONATA), "Resource": F(RESOURCE),
             "TimeoutSeconds": F(POSITIVE), "TimeoutSecondsPath": F(PATH, JSONPATH),
             "HeartbeatSeconds": F(POSITIVE), "HeartbeatSecondsPath": F(PATH, JSONPATH),
             "Credentials": F(OBJECT)},
    "Choice": {**_common, **_io, **_output, "Choices": F(NON_EMPTY_LIST_OF_OBJECTS), "Default": F(TEXT)},
    "Wait": {**_common, **_io, **_flow, **_output,
             "Seconds": F(NATURAL), "SecondsPath": F(PATH, JSONPATH),
             "Timestamp": F(TIMESTAMP), "TimestampPath": F(PATH, JSONPATH)},
    "Succeed": {**_common, **_io, "Output": F(ANY, JSONATA)},
    "Fail": {**_common, "Error": F(TEXT_EXPR), "ErrorPath": F(PATH, JSONPATH),
             "Cause": F(TEXT_EXPR), "CausePath": F(PATH, JSONPATH)},
    "Parallel": {**_common, **_io, **_flow, **_result, **_output, **_errors,
                 "Parameters": F(ANY, JSONPATH), "Arguments": F(ANY, JSONATA),
                 "Branches": F(NON_EMPTY_LIST_OF_OBJECTS)},
    "Map": {**_common, **_io, **_flow, **_result, **_output, **_errors,
            "Parameters": F(ANY, JSONPATH), "ItemSelector": F(ANY),
            "Iterator": F(OBJECT), "ItemProcessor": F(OBJECT),
            "ItemsPath": F(PATH, JSONPATH), "Items": F(ANY, JSONATA),
            "ItemReader": F(OBJECT), "ItemBatcher": F(OBJECT), "ResultWriter": F(OBJECT),
            "MaxConcurrency": F(NATURAL), "MaxConcurrencyPath": F(PATH, JSONPATH),
            "ToleratedFailurePercentage": F(PERCENT), "ToleratedFailurePercentagePath": F(PATH, JSONPATH),
            "ToleratedFailureCount": F(NATURAL), "ToleratedFailureCountPath": F(PATH, JSONPATH),
            "Label": F(TEXT)},
}

# Fields a state of the type must have (beyond Type); Next/End and the Wait/Fail "one of" rules
# are checked as rules of their own.
REQUIRED: dict[str, tuple[str, ...]] = {
    "Task": ("Resource",), "Choice": ("Choices",), "Parallel": ("Branches",),
}

# States that end the machine or branch; they take neither Next nor End.
TERMINAL_TYPES = frozenset({"Succeed", "Fail"})
NO_TRANSITION_TYPES = frozenset({"Succeed", "Fail", "Choice"})

MACHINE_FIELDS = {"Comment": F(TEXT), "StartAt": F(TEXT), "States": F(OBJECT),
                  "TimeoutSeconds": F(Kind(f"a whole number from 1 to {MAX_INT}", _int(1, MAX_INT),
                                           {"type": "integer", "minimum": 1, "maximum": MAX_INT})),
                  "Version": F(TEXT), "QueryLanguage": F(LANGUAGE)}
BRANCH_FIELDS = {"Comment": F(TEXT), "StartAt": F(TEXT), "States": F(OBJECT)}
PROCESSOR_FIELDS = {**BRANCH_FIELDS, "ProcessorConfig": F(OBJECT)}
PROCESSOR_CONFIG_FIELDS = {"Mode": F(_enum(("INLINE", "DISTRIBUTED"))),
                           "ExecutionType": F(_enum(("STANDARD", "EXPRESS")))}

RETRIER_FIELDS = {"ErrorEquals": F(ERROR_NAMES), "IntervalSeconds": F(POSITIVE),
                  "MaxAttempts": F(NATURAL), "BackoffRate": F(BACKOFF),
                  "MaxDelaySeconds": F(POSITIVE), "JitterStrategy": F(_enum(("FULL", "NONE"))),
                  "Comment": F(TEXT)}
CATCHER_FIELDS = {"ErrorEquals": F(ERROR_NAMES), "Next": F(TEXT), "ResultPath": F(PATH_OR_NULL, JSONPATH),
                  "Output": F(ANY, JSONATA), "Assign": F(OBJECT), "Comment": F(TEXT)}

ITEM_READER_FIELDS = {"Resource": F(TEXT), "Parameters": F(ANY, JSONPATH), "Arguments": F(ANY, JSONATA),
                      "ReaderConfig": F(OBJECT)}
READER_CONFIG_FIELDS = {
    "InputType": F(_enum(("CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"))),
    "CSVHeaderLocation": F(_enum(("FIRST_ROW", "GIVEN"))),
    "CSVHeaders": F(CSV_HEADERS),
    "CSVDelimiter": F(_enum(("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"))),
    "ManifestType": F(_enum(("ATHENA_DATA", "S3_INVENTORY"))),
    "MaxItems": F(MAX_ITEMS), "MaxItemsPath": F(PATH, JSONPATH),
    "ItemsPointer": F(TEXT),
}
ITEM_BATCHER_FIELDS = {"MaxItemsPerBatch": F(POSITIVE), "MaxItemsPerBatchPath": F(PATH, JSONPATH),
                       "MaxInputBytesPerBatch": F(BATCH_BYTES), "MaxInputBytesPerBatchPath": F(PATH, JSONPATH),
                       "BatchInput": F(ANY)}
RESULT_WRITER_FIELDS = {"Resource": F(TEXT), "Parameters": F(ANY, JSONPATH), "Arguments": F(ANY, JSONATA),
                        "WriterConfig": F(OBJECT)}
WRITER_CONFIG_FIELDS = {"Transformation": F(_enum(("NONE", "COMPACT", "FLATTEN"))),
                        "OutputType": F(_enum(("JSON", "JSONL")))}

# Choice rules (JSONPath): comparison operator -> what its value must be.
_TS = Kind(TIMESTAMP.describe, TIMESTAMP.test, TIMESTAMP.schema)
_NUM = Kind("a number", lambda v: type(v) in (int, float), {"type": "number"})
_STR = Kind("text", lambda v: type(v) is str, {"type": "string"})
COMPARISONS: dict[str, Kind] = {}
for _prefix, _kind in (("String", _STR), ("Numeric", _NUM), ("Timestamp", _TS)):
    for _op in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"):
        COMPARISONS[_prefix + _op] = _kind
        COMPARISONS[_prefix + _op + "Path"] = PATH
COMPARISONS["StringMatches"] = _STR
COMPARISONS["BooleanEquals"] = BOOLEAN
COMPARISONS["BooleanEqualsPath"] = PATH
for _op in ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"):
    COMPARISONS[_op] = BOOLEAN
BOOLEAN_OPERATORS = ("And", "Or", "Not")
RULE_FIELDS = {"Variable": F(TEXT, JSONPATH), "Comment": F(TEXT), "Condition": F(ANY, JSONATA),
               **{op: F(c, JSONPATH) for op, c in COMPARISONS.items()},
               "And": F(NON_EMPTY_LIST_OF_OBJECTS, JSONPATH), "Or": F(NON_EMPTY_LIST_OF_OBJECTS, JSONPATH),
               "Not": F(OBJECT, JSONPATH)}
TOP_RULE_FIELDS = {**RULE_FIELDS, "Next": F(TEXT), "Assign": F(OBJECT), "Output": F(ANY, JSONATA)}
