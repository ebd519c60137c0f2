"""Short words for the kinds of step a graph node must make recognisable at a glance: where a
Map's items come from and how they run, and what a Fail or a Succeed ends."""
from __future__ import annotations

from typing import Any

from . import STATE_TYPES, path_words
from .expressions import expression_words


def is_distributed(state: Any) -> bool:
    processor = state.get("ItemProcessor") if isinstance(state, dict) else None
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    return isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"


def map_words(state: dict) -> str:
    """A Map node's subtitle."""
    return "For each item, as separate runs" if is_distributed(state) else STATE_TYPES["Map"][0]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def map_source_words(state: dict) -> str:
    """Where a Map's items come from and how they run, in a line: "for each row of orders.csv in
    S3, as separate runs, 1,000 at a time"."""
    parts = [items_words(state)]
    batcher = state.get("ItemBatcher")
    if isinstance(batcher, dict):
        size = batcher.get("MaxItemsPerBatch")
        parts.append(f"in batches of {size:,}" if _whole(size) else "in batches")
    if is_distributed(state):
        config = state["ItemProcessor"]["ProcessorConfig"]
        parts.append("as separate express runs" if config.get("ExecutionType") == "EXPRESS" else "as separate runs")
    limit = state.get("MaxConcurrency")
    if _whole(limit) and limit > 0:
        parts.append("one at a time" if limit == 1 else f"{limit:,} at a time")
    elif isinstance(state.get("MaxConcurrencyPath"), str):
        parts.append(f"as many at a time as {path_words(state['MaxConcurrencyPath'])} says")
    return ", ".join(parts)


_READER_UNITS = {"CSV": "row", "JSON": "item", "JSONL": "line", "PARQUET": "row", "MANIFEST": "object"}


def _plain(parameters: Any, name: str) -> str | None:
    value = parameters.get(name) if isinstance(parameters, dict) else None
    return value if isinstance(value, str) and value and not value.lstrip().startswith("{%") else None


def items_words(state: dict) -> str:
    reader = state.get("ItemReader")
    if isinstance(reader, dict):
        resource = str(reader.get("Resource") or "")
        params = reader.get("Parameters", reader.get("Arguments"))
        bucket, key = _plain(params, "Bucket"), _plain(params, "Key")
        if resource.endswith("s3:listObjectsV2"):
            prefix = _plain(params, "Prefix")
            where = f"the S3 bucket {bucket}" if bucket else "an S3 bucket"
            return f"for each object in {where}" + (f" under {prefix}" if prefix else "")
        config = reader.get("ReaderConfig") if isinstance(reader.get("ReaderConfig"), dict) else {}
        input_type = str(config.get("InputType") or "JSON").upper()
        name = key.rsplit("/", 1)[-1] if key else "a file"
        if input_type == "MANIFEST":
            return f"for each object listed in {name} in S3"
        return f"for each {_READER_UNITS.get(input_type, 'item')} of {name} in S3"
    if "Items" in state:
        items = state["Items"]
        if isinstance(items, list):
            return f"for each of {len(items)} items"
        return f"for each item of {expression_words(items)}"
    if isinstance(state.get("ItemsPath"), str):
        return f"for each item in {path_words(state['ItemsPath'])}"
    return "for each item of the input"


def fail_words(state: dict, scope: str = "workflow") -> str:
    """A Fail node's subtitle: it stops; what fails with it depends on where it sits."""
    error = state.get("Error")
    named = f" ({error})" if isinstance(error, str) and error and not error.lstrip().startswith("{%") else ""
    if scope == "branch":
        return f"Stop: this branch fails, and with it the parallel step{named}"
    if scope == "item":
        return f"Stop: this item fails{named}"
    return f"Stop: the workflow fails{named}"


def succeed_words(scope: str = "workflow") -> str:
    return {"branch": "This branch is done", "item": "This item is done"}.get(scope, "The workflow succeeds")
