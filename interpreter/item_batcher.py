"""ItemBatcher: a Distributed Map's child executions each take a batch of items.

A batch is ``{"BatchInput": ..., "Items": [...]}`` (``BatchInput`` only when the batcher has
one, evaluated once against the state's input). Items go into the current batch in order until
it holds ``MaxItemsPerBatch`` items or one more would make its JSON text longer than
``MaxInputBytesPerBatch`` bytes (AWS's limit: 256 KiB); either may be given as a ``...Path``.
An item larger than the byte limit on its own travels alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .jsontext import size
from .states.base import read_count

MAX_BATCH_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class ItemBatcher:
    max_items: int = 0
    max_items_path: Any = None
    max_bytes: int = 0
    max_bytes_path: Any = None
    batch_input: Callable | None = None

    def batches(self, items: list, data: Any, scope: Any) -> list[tuple[dict, int]]:
        """``(batch, number of items in it)`` for each child execution."""
        max_items = self.max_items if self.max_items_path is None else \
            read_count(self.max_items_path, data, scope, "MaxItemsPerBatchPath", 0)
        max_bytes = self.max_bytes if self.max_bytes_path is None else \
            read_count(self.max_bytes_path, data, scope, "MaxInputBytesPerBatchPath", 0)
        max_bytes = min(max_bytes or MAX_BATCH_BYTES, MAX_BATCH_BYTES)
        head: dict = {}
        if self.batch_input is not None:
            head["BatchInput"] = self.batch_input(data, scope)
        base = size({**head, "Items": []})
        out: list[tuple[dict, int]] = []
        batch: list = []
        used = base
        for item in items:
            cost = size(item) + (1 if batch else 0)  # the comma before it
            if batch and ((max_items and len(batch) >= max_items) or used + cost > max_bytes):
                out.append(({**head, "Items": batch}, len(batch)))
                batch, used, cost = [], base, cost - 1
            batch.append(item)
            used += cost
        if batch:
            out.append(({**head, "Items": batch}, len(batch)))
        return out


def parse_batcher(raw: Any, pointer: str, jsonata: bool = False) -> ItemBatcher:
    from .item_reader import _compile_path
    from .jsonata_query import Expression, ExpressionPath, compile_either, is_expression

    raw = raw if isinstance(raw, dict) else {}
    out: dict[str, Any] = {}
    for key, attr in (("MaxItemsPerBatch", "max_items"), ("MaxInputBytesPerBatch", "max_bytes")):
        if jsonata and is_expression(raw.get(key)):
            out[attr + "_path"] = ExpressionPath(Expression(raw[key], key, f"{pointer}/{key}"))
        elif key + "Path" in raw:
            out[attr + "_path"] = _compile_path(raw[key + "Path"], f"{pointer}/{key}Path")
        elif isinstance(raw.get(key), int) and not isinstance(raw[key], bool):
            out[attr] = raw[key]
    if "BatchInput" in raw:
        out["batch_input"] = compile_either(raw["BatchInput"], "BatchInput", pointer + "/BatchInput", jsonata)
    return ItemBatcher(**out)
