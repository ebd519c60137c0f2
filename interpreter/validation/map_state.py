"""Map-only rules: the processor, the Label, and the Distributed Map's ItemReader, ItemBatcher and
ResultWriter with their combinations.

From AWS's developer guide: a Label is at most 40 characters and holds none of white space,
brackets ``< > { } [ ]``, wildcards ``? *``, ``" # % \\ ^ | ~ ` $ & , ; :  /`` or control
characters (it becomes part of child execution names). ItemReader reads from S3 with
``s3:getObject`` (one file, which needs a ReaderConfig InputType) or ``s3:listObjectsV2``;
ResultWriter writes with ``s3:putObject``. ItemBatcher needs at least one batch limit.
"""
from __future__ import annotations

import re

from .expressions import check_template
from .fields import (ITEM_BATCHER_FIELDS, ITEM_READER_FIELDS, JSONATA, PROCESSOR_CONFIG_FIELDS,
                     READER_CONFIG_FIELDS, RESULT_WRITER_FIELDS, WRITER_CONFIG_FIELDS)
from ..jsonpath import reference_path_error
from .report import Report
from .structure import check_fields, require

MAX_LABEL = 40
_LABEL_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_READER_RESOURCES = ("arn:aws:states:::s3:getObject", "arn:aws:states:::s3:listObjectsV2")
_WRITER_RESOURCES = ("arn:aws:states:::s3:putObject",)


def label_error(label: str) -> str | None:
    if not label:
        return "it is empty"
    if len(label) > MAX_LABEL:
        return f"it is {len(label)} characters long; the most is {MAX_LABEL}"
    bad = _LABEL_FORBIDDEN.search(label)
    if bad:
        c = bad.group()
        shown = repr(c) if not c.isprintable() or c.isspace() else f"'{c}'"
        return f"it contains {shown}; white space, brackets, wildcards, control characters and \" # % \\ ^ | ~ ` $ & , ; : / are not allowed"
    return None


def check_map(state: dict, name: str, where: tuple, report: Report, language: str) -> None:
    what = f"State '{name}'"
    if "ItemProcessor" not in state and "Iterator" not in state:
        report.error("MISSING_FIELD", (*where, "ItemProcessor"),
                     f"{what} is a Map without an ItemProcessor: add one with the StartAt and States "
                     f"to run for each item.", name)
    processor = state.get("ItemProcessor")
    if type(processor) is dict and type(processor.get("ProcessorConfig")) is dict:
        config = processor["ProcessorConfig"]
        at = (*where, "ItemProcessor", "ProcessorConfig")
        check_fields(config, PROCESSOR_CONFIG_FIELDS, language, at, report,
                     what=f"{what} ProcessorConfig", state=name)
    label = state.get("Label")
    if type(label) is str:
        problem = label_error(label)
        if problem:
            report.error("INVALID_MAP_LABEL", (*where, "Label"),
                         f"{what}: Label '{label}' cannot be used: {problem}. Use letters, digits, '-' and '_'.",
                         name)
    if language != JSONATA and type(state.get("ItemsPath")) is str:
        problem = reference_path_error(state["ItemsPath"])
        if problem:
            report.error("INVALID_REFERENCE_PATH", (*where, "ItemsPath"),
                         f"{what}: ItemsPath '{state['ItemsPath']}' is not a reference path such as $.items: "
                         f"{problem}.", name)
    if type(state.get("ItemReader")) is dict:
        _check_reader(state["ItemReader"], (*where, "ItemReader"), report, name, language)
    if type(state.get("ItemBatcher")) is dict:
        _check_batcher(state["ItemBatcher"], (*where, "ItemBatcher"), report, name, language)
    if type(state.get("ResultWriter")) is dict:
        _check_writer(state["ResultWriter"], (*where, "ResultWriter"), report, name, language)


def _check_reader(reader: dict, where: tuple, report: Report, name: str, language: str) -> None:
    what = f"State '{name}' ItemReader"
    check_fields(reader, ITEM_READER_FIELDS, language, where, report, what=what, state=name)
    require(reader, ("Resource",), where, report, what=what, state=name)
    resource = reader.get("Resource")
    if type(resource) is str and not _s3(resource, _READER_RESOURCES):
        report.error("ITEM_READER", (*where, "Resource"),
                     f"{what} reads from '{resource}', but an ItemReader reads from S3: use "
                     f"arn:aws:states:::s3:getObject (one file) or arn:aws:states:::s3:listObjectsV2 (objects).",
                     name)
    for key in ("Parameters", "Arguments"):
        if key in reader:
            check_template(reader[key], language, (*where, key), report, name, what)
    config = reader.get("ReaderConfig")
    if type(config) is not dict:
        if type(resource) is str and resource.endswith(":getObject"):
            report.error("ITEM_READER", (*where, "ReaderConfig"),
                         f"{what} reads one S3 file, so it needs a ReaderConfig with its InputType "
                         f"(CSV, JSON, JSONL, PARQUET or MANIFEST).", name)
        return
    at = (*where, "ReaderConfig")
    check_fields(config, READER_CONFIG_FIELDS, language, at, report, what=f"{what} ReaderConfig", state=name)
    _static_and_path(config, "MaxItems", at, report, name, f"{what} ReaderConfig")
    input_type = config.get("InputType")
    if type(resource) is str and resource.endswith(":getObject") and "InputType" not in config:
        report.error("ITEM_READER", (*at, "InputType"),
                     f"{what} reads one S3 file, so its ReaderConfig needs an InputType "
                     f"(CSV, JSON, JSONL, PARQUET or MANIFEST).", name)
    if input_type != "CSV":
        for key in ("CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"):
            if key in config and input_type is not None:
                report.error("ITEM_READER", (*at, key),
                             f"{what}: {key} only applies to CSV input, but InputType is {input_type}: "
                             f"remove it.", name)
    if config.get("CSVHeaderLocation") == "GIVEN" and "CSVHeaders" not in config:
        report.error("ITEM_READER", (*at, "CSVHeaders"),
                     f"{what}: CSVHeaderLocation is GIVEN, so list the column names in CSVHeaders.", name)


def _check_batcher(batcher: dict, where: tuple, report: Report, name: str, language: str) -> None:
    what = f"State '{name}' ItemBatcher"
    check_fields(batcher, ITEM_BATCHER_FIELDS, language, where, report, what=what, state=name)
    _static_and_path(batcher, "MaxItemsPerBatch", where, report, name, what)
    _static_and_path(batcher, "MaxInputBytesPerBatch", where, report, name, what)
    if not any(k in batcher for k in ("MaxItemsPerBatch", "MaxItemsPerBatchPath",
                                      "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")):
        report.error("ITEM_BATCHER", where,
                     f"{what} sets no batch size: add MaxItemsPerBatch or MaxInputBytesPerBatch.", name)
    if "BatchInput" in batcher:
        check_template(batcher["BatchInput"], language, (*where, "BatchInput"), report, name, what)


def _check_writer(writer: dict, where: tuple, report: Report, name: str, language: str) -> None:
    what = f"State '{name}' ResultWriter"
    check_fields(writer, RESULT_WRITER_FIELDS, language, where, report, what=what, state=name)
    resource = writer.get("Resource")
    if type(resource) is str and not _s3(resource, _WRITER_RESOURCES):
        report.error("RESULT_WRITER", (*where, "Resource"),
                     f"{what} writes to '{resource}', but a ResultWriter writes to S3: use "
                     f"arn:aws:states:::s3:putObject.", name)
    has_target = any(k in writer for k in ("Parameters", "Arguments"))
    if "Resource" in writer and not has_target:
        report.error("RESULT_WRITER", where,
                     f"{what} has a Resource but no {'Arguments' if language == JSONATA else 'Parameters'} "
                     f"naming the Bucket and Prefix to write to: add them.", name)
    if has_target and "Resource" not in writer:
        report.error("RESULT_WRITER", (*where, "Resource"),
                     f"{what} names where to write but not how: add \"Resource\": \"arn:aws:states:::s3:putObject\".",
                     name)
    if "Resource" not in writer and "WriterConfig" not in writer:
        report.error("RESULT_WRITER", where,
                     f"{what} is empty: give a Resource with its Parameters, or a WriterConfig.", name)
    for key in ("Parameters", "Arguments"):
        if key in writer:
            check_template(writer[key], language, (*where, key), report, name, what)
    config = writer.get("WriterConfig")
    if type(config) is dict:
        at = (*where, "WriterConfig")
        check_fields(config, WRITER_CONFIG_FIELDS, language, at, report, what=f"{what} WriterConfig", state=name)
        if not config:
            report.error("RESULT_WRITER", (*at, "OutputType"),
                         f"{what} WriterConfig is empty: set OutputType (JSON or JSONL) and, if you like, "
                         f"Transformation (NONE, COMPACT or FLATTEN).", name)


def _s3(resource: str, allowed: tuple[str, ...]) -> bool:
    # other partitions (aws-cn, aws-us-gov) name the same integrations
    if resource.startswith("arn:") and ":states:::" in resource:
        tail = resource.split(":states:::", 1)[1]
        return any(tail == a.split(":states:::", 1)[1] for a in allowed)
    return False


def _static_and_path(obj: dict, field: str, where: tuple, report: Report, name: str, what: str) -> None:
    if field in obj and field + "Path" in obj:
        report.error("CONFLICTING_FIELDS", (*where, field + "Path"),
                     f"{what} has both {field} and {field}Path: keep one.", name)
    path = obj.get(field + "Path")
    if type(path) is str:
        problem = reference_path_error(path)
        if problem:
            report.error("INVALID_REFERENCE_PATH", (*where, field + "Path"),
                         f"{what}: {field}Path '{path}' is not a reference path such as $.{field[0].lower()}"
                         f"{field[1:]}: {problem}.", name)
