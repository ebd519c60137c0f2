"""ItemReader: where a Distributed Map's items come from, read through the mocked S3 service.

``arn:aws:states:::s3:getObject`` reads one object, parsed by ``ReaderConfig.InputType``:

* ``JSON``: the object is a JSON array (``ItemsPointer``, a JSON Pointer, may pick one inside);
  anything else fails with ``States.ItemReaderFailed`` "Attempting to map over non-iterable node."
* ``JSONL``: one JSON value per non-empty line.
* ``CSV``: one object per row, keyed by the header (``CSVHeaderLocation`` ``FIRST_ROW``, or
  ``GIVEN`` with ``CSVHeaders``). As AWS records it: every value is a string; a row with more
  fields than headers drops the extra ones, one with fewer gets ``""`` for the missing ones;
  the newline ending the last row makes no extra row; duplicate headers fail with "CSV headers
  cannot contain duplicates."; ``CSVDelimiter`` is COMMA (default), PIPE, SEMICOLON, SPACE or TAB.
* ``MANIFEST``: an S3 Inventory ``manifest.json``; its ``files`` are CSV data files whose
  columns ``fileSchema`` names (stored as text in the mock).

``arn:aws:states:::s3:listObjectsV2`` lists the bucket (``Prefix`` optional); each item
describes one object: ``Etag``, ``Key``, ``LastModified``, ``Size``, ``StorageClass``.

``MaxItems`` (or ``MaxItemsPath``) keeps the first N items; 0 means all, and at most
100,000,000 are read.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Callable

from .diagnostic import Diagnostic
from .errors import DefinitionError, StatesError
from .jsontext import dumps
from .s3 import S3Error, S3Objects
from .timestamps import format_millis

READER_FAILED = "States.ItemReaderFailed"
MAX_ITEMS_LIMIT = 100_000_000
STAND_INS = 3
DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}


class ItemReaderFailed(StatesError):
    def __init__(self, cause: str):
        super().__init__(READER_FAILED, cause)


@dataclass(frozen=True, slots=True)
class ItemReader:
    action: str                       # "getObject" | "listObjectsV2"
    parameters: Callable | None       # compiled Parameters template
    input_type: str = "JSON"
    header_location: str = "FIRST_ROW"
    headers: tuple[str, ...] | None = None
    delimiter: str = ","
    items_pointer: str | None = None
    max_items: int = 0
    max_items_path: Any = None        # compiled path, or None

    def read(self, data: Any, scope: Any, s3: S3Objects, now_millis: int, fields: Callable[[], tuple] = tuple) -> list:
        """The items; raises :class:`ItemReaderFailed` (or a path error) as AWS does. With
        ``s3.stand_ins``, an object that is not mocked (or a listing that finds nothing) gives
        :data:`STAND_INS` made-up items instead, with ``fields()`` (what the item processor reads)."""
        params = self.parameters(data, scope) if self.parameters is not None else {}
        if not isinstance(params, dict):
            params = {}
        limit = self.limit(data, scope)
        bucket, key = str(params.get("Bucket", "")), str(params.get("Key", ""))
        try:
            if self.action == "listObjectsV2":
                items = s3.list(bucket, str(params.get("Prefix", "")))
                stamp = format_millis(now_millis)
                for item in items:
                    item["LastModified"] = stamp
            else:
                items = self.parse(s3.get(bucket, key), s3, bucket)
            if not items and self.action == "listObjectsV2" and s3.stand_ins:
                raise S3Error("NoSuchKey", "nothing listed")
        except S3Error as e:
            if s3.stand_ins:
                items = self.stand_ins(params, fields(), now_millis)
                where = f"s3://{bucket}/{params.get('Prefix', '') if self.action == 'listObjectsV2' else key}"
                s3.notes.append(f"No S3 object is mocked at {where}: the Map read {len(items)} made-up "
                                f"{'objects' if self.action == 'listObjectsV2' else 'items'} instead.")
                return items[:limit] if limit and len(items) > limit else items
            raise ItemReaderFailed(f"{e.message} (Service: S3, Status Code: 404, Error Code: {e.code}, "
                                   f"Bucket: {bucket}, Key: {key})") from None
        return items[:limit] if limit and len(items) > limit else items

    def stand_ins(self, params: dict, fields: tuple, now_millis: int) -> list:
        """Items as this reader would give them, made up: S3 object descriptions for a listing,
        rows of text for CSV and inventory files (under the given headers, else the fields the
        processor reads), objects for JSON and JSON Lines."""
        if self.action == "listObjectsV2":
            prefix = str(params.get("Prefix", ""))
            return [{"Etag": f"\"{n:032x}\"", "Key": f"{prefix}object-{n}.json", "Size": 100 * n,
                     "StorageClass": "STANDARD", "LastModified": format_millis(now_millis)}
                    for n in range(1, STAND_INS + 1)]
        text = self.input_type in ("CSV", "MANIFEST")
        names = self.headers if self.input_type == "CSV" and self.header_location == "GIVEN" and self.headers \
            else fields or ("id",)
        return [{name: (f"{name}-{n}" if text else _stand_in_value(name, n)) for name in names}
                for n in range(1, STAND_INS + 1)]

    def limit(self, data: Any, scope: Any) -> int:
        if self.max_items_path is None:
            value = self.max_items
        else:
            from .states.base import select

            value = select(self.max_items_path, data, scope)
            if type(value) is str and value.isdigit():  # as MaxConcurrencyPath takes "2" from a variable
                value = int(value)
            if type(value) is not int:
                text = value if isinstance(value, str) else dumps(value)
                raise ItemReaderFailed(f"The MaxItemsPath field refers to value '{text}' which is not a valid "
                                       f"integer: {self.max_items_path.text}")
            if value < 0:
                raise ItemReaderFailed("field MaxItems must be positive")
        return min(value, MAX_ITEMS_LIMIT) if value else MAX_ITEMS_LIMIT

    def parse(self, text: str, s3: S3Objects, bucket: str) -> list:
        kind = self.input_type
        if kind == "CSV":
            return parse_csv(text, self.delimiter, self.headers if self.header_location == "GIVEN" else None)
        if kind == "JSONL":
            return parse_jsonl(text)
        if kind == "MANIFEST":
            return parse_manifest(text, s3, bucket)
        return parse_json(text, self.items_pointer)


def _stand_in_value(name: str, n: int) -> Any:
    low = name.lower()
    if any(w in low for w in ("count", "amount", "total", "price", "quantity", "size", "number", "age")):
        return 10 * n
    return f"{name}-{n}"


def parse_reader(raw: Any, pointer: str, jsonata: bool = False) -> ItemReader:
    """Compile an ItemReader object (the validator has already checked its shape)."""
    from .jsonata_query import Expression, ExpressionPath, compile_either, is_expression

    if not isinstance(raw, dict):
        raise DefinitionError(Diagnostic("ITEM_READER", pointer, "ItemReader must be an object."))
    resource = str(raw.get("Resource", ""))
    action = resource.rsplit(":", 1)[-1]
    config = raw.get("ReaderConfig")
    if config is None:
        config = {}
    elif not isinstance(config, dict):
        raise DefinitionError(Diagnostic("ITEM_READER", pointer + "/ReaderConfig", "ReaderConfig must be an object."))
    key = "Arguments" if jsonata else "Parameters"
    template = raw.get(key)
    out: dict[str, Any] = {"action": "listObjectsV2" if action == "listObjectsV2" else "getObject",
                           "parameters": compile_either(template, key, f"{pointer}/{key}", jsonata)
                           if template is not None else None}
    if "InputType" in config:
        out["input_type"] = str(config["InputType"])
    if "CSVHeaderLocation" in config:
        out["header_location"] = str(config["CSVHeaderLocation"])
    if isinstance(config.get("CSVHeaders"), list):
        out["headers"] = tuple(str(h) for h in config["CSVHeaders"])
    if isinstance(config.get("CSVDelimiter"), str):
        out["delimiter"] = DELIMITERS.get(config["CSVDelimiter"], ",")
    if isinstance(config.get("ItemsPointer"), str):
        out["items_pointer"] = config["ItemsPointer"]
    if jsonata and is_expression(config.get("MaxItems")):
        out["max_items_path"] = ExpressionPath(Expression(config["MaxItems"], "MaxItems",
                                                          pointer + "/ReaderConfig/MaxItems"))
    elif "MaxItemsPath" in config:
        out["max_items_path"] = _compile_path(config["MaxItemsPath"], pointer + "/ReaderConfig/MaxItemsPath")
    elif isinstance(config.get("MaxItems"), int) and not isinstance(config["MaxItems"], bool):
        out["max_items"] = config["MaxItems"]
    return ItemReader(**out)


def _compile_path(text: Any, pointer: str) -> Any:
    """A ...Path setting of a Distributed Map: a reference path, as the validator checks."""
    from .jsonpath import JsonPathSyntaxError, compile_reference_path

    try:
        return compile_reference_path(text)
    except (JsonPathSyntaxError, TypeError) as e:
        raise DefinitionError(Diagnostic("INVALID_PATH", pointer, str(e))) from None


# --- formats ---------------------------------------------------------------------------

def parse_json(text: str, items_pointer: str | None = None) -> list:
    try:
        value = json.loads(text)
    except ValueError:
        raise ItemReaderFailed("Attempting to map over non-iterable node.") from None
    if items_pointer:
        value = _follow_pointer(value, items_pointer)
    if type(value) is not list:
        raise ItemReaderFailed("Attempting to map over non-iterable node.")
    return value


def _follow_pointer(value: Any, pointer: str) -> Any:
    for token in pointer.lstrip("/").split("/") if pointer not in ("", "/") else ():
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise ItemReaderFailed(f"The ItemsPointer '{pointer}' does not point to a value in the object.")
    return value


def parse_jsonl(text: str) -> list:
    items = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError:
            raise ItemReaderFailed(f"Line {number} of the JSONL object is not valid JSON.") from None
    return items


def parse_csv(text: str, delimiter: str = ",", headers: tuple[str, ...] | None = None) -> list:
    """Rows as objects keyed by ``headers`` (GIVEN), or by the first row when ``headers`` is None."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    if headers is None:
        first = next((row for row in rows if row), None)
        if first is None:
            return []
        headers = tuple(first)
    if len(set(headers)) < len(headers):
        raise ItemReaderFailed("CSV headers cannot contain duplicates.")
    width = len(headers)
    items = []
    for row in rows:
        if not row:
            continue  # an empty line holds no row
        if len(row) < width:
            row = row + [""] * (width - len(row))
        items.append(dict(zip(headers, row)))
    return items


def parse_manifest(text: str, s3: S3Objects, bucket: str) -> list:
    """An S3 Inventory manifest: the rows of its CSV data files, keyed by ``fileSchema``."""
    try:
        manifest = json.loads(text)
        schema = [name.strip() for name in manifest["fileSchema"].split(",")]
        files = [entry["key"] for entry in manifest["files"]]
        source = manifest.get("destinationBucket", "")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ItemReaderFailed("The manifest is not an S3 Inventory manifest with fileSchema and files.") from None
    if str(manifest.get("fileFormat", "CSV")).upper() != "CSV":
        raise ItemReaderFailed("Only CSV S3 Inventory files can be read.")
    source = source.rsplit(":", 1)[-1] if source else bucket
    items: list = []
    for key in files:
        items.extend(parse_csv(s3.get(source, key), ",", tuple(schema)))
    return items
