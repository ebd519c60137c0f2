"""Map: runs the item processor once per item, at most MaxConcurrency at a time.

This module is the inline Map (``ProcessorConfig.Mode`` INLINE, the default); a DISTRIBUTED one
parses into ``distributed_map.DistributedMapState``, which runs its items as child executions.

Iterations start in index order as concurrency allows; each runs until it finishes or blocks
(a Wait, a retry delay, a callback) before the next one starts, which gives AWS's history order
for iterations that never block and deterministic interleaving for those that do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import StateRuntimeError, StatesError
from ..jsonata_query import QUERY_ERROR, Env, Expression, compile_template, is_dynamic
from ..jsontext import dumps
from .base import IDENTITY, Fields, State, finish, quick_init, read_count, select


@quick_init
@dataclass(frozen=True, slots=True, kw_only=True)
class MapState(State):
    type: ClassVar[str] = "Map"
    processor: Any = None
    items_path: Any = IDENTITY
    item_selector: Any = None
    max_concurrency: int = 0
    max_concurrency_path: Any = None
    mode: str = "INLINE"
    label: str | None = None
    items: Any = None                 # JSONata Items: an expression or a literal array
    max_concurrency_expression: Any = None

    @classmethod
    def parse(cls, f: Fields) -> "MapState":
        from ..definition import parse_program

        key = "ItemProcessor" if "ItemProcessor" in f.raw else "Iterator"
        raw = f.raw.get(key)
        if not isinstance(raw, dict):
            raise f.fail("MISSING_ITEM_PROCESSOR", "ItemProcessor",
                         f"Map state '{f.name}' needs an ItemProcessor saying what to do for each item.")
        config = raw.get("ProcessorConfig")
        if config is None:
            config = {}
        elif not isinstance(config, dict):
            raise f.fail("INVALID_FIELD", (key, "ProcessorConfig"),
                         f"ProcessorConfig of Map state '{f.name}' must be an object.")
        # parse_distributed reads these too, and takes them as checked here.
        for name in ("Mode", "ExecutionType"):
            if not isinstance(config.get(name, ""), str):
                raise f.fail("INVALID_FIELD", (key, "ProcessorConfig", name),
                             f"{name} of Map state '{f.name}' must be a string.")
        selector_key = "ItemSelector" if "ItemSelector" in f.raw else "Parameters"
        fields: dict[str, Any] = {}
        if "MaxConcurrencyPath" in f.raw:
            fields["max_concurrency_path"] = f.path("MaxConcurrencyPath", nullable=False, single=True)
        elif isinstance(f.value("MaxConcurrency"), Expression):
            fields["max_concurrency_expression"] = f.value("MaxConcurrency")
        else:
            fields["max_concurrency"] = f.number("MaxConcurrency", integer=True, minimum=0) or 0
        if f.jsonata:
            items = f.value("Items")
            if isinstance(items, list) and is_dynamic(items):
                # `{% %}` elements of a literal array are evaluated, as anywhere in a JSONata template
                items = ItemsTemplate(compile_template(items, "Items", f.at("Items")))
            fields["items"] = items
        else:
            fields["items_path"] = f.path("ItemsPath", nullable=False, single=True)
        fields.update(f.common(), parameters=None, arguments=None, **f.transition(), **f.error_handling(),
                      processor=parse_program(raw, f.at(key), f.machine_language),
                      item_selector=f.template(selector_key), mode=config.get("Mode", "INLINE"),
                      label=f.raw.get("Label"))
        if fields["mode"] == "DISTRIBUTED":
            from .distributed_map import parse_distributed

            return parse_distributed(fields, f, raw)
        return cls(**fields)

    def children(self) -> tuple:
        return (self.processor,)

    def run(self, ex, th) -> None:
        phase = th.phase
        if phase == "child_failed":
            raise _failure(th.pending, "MapStateFailed")
        if phase != "iterate":
            self.start(ex, th)
        redo = ex.redriving.redo
        if redo and th.id in redo:  # redriven: only the iterations that did not succeed run again
            redo = redo[th.id]
            while th.next_index < len(th.items) and th.next_index not in redo:
                th.next_index += 1
        limit = th.limit or INLINE_CONCURRENCY
        if th.next_index < len(th.items) and ex.active_children(th) < limit:
            # Iterations start together up to the limit (recorded: an inline Map without
            # MaxConcurrency writes MapIterationStarted for each of its four items before any of
            # their first states), then one more as each ends.
            starting = []
            while True:
                starting.append(self.begin_iteration(ex, th, th.next_index))
                th.next_index += 1
                if th.next_index >= len(th.items) or ex.active_children(th) + len(starting) >= limit or (
                        redo and th.next_index not in redo):
                    break
            for index, value in reversed(starting):  # the scheduler runs the last one pushed first
                ex.spawn(th, self.processor, value, index)
        elif ex.active_children(th) == 0:
            if ex.redriving.redo:
                ex.redriving.redo.pop(th.id, None)
            ex.emit(th, "MapStateSucceeded", None)
            finish(ex, th, self, th.results)
        else:
            ex.block(th, "iterate")

    def start(self, ex, th) -> None:
        scope = ex.scope(th)
        data = th.input if self.jsonata else select(self.input_path, th.input, scope)
        items = self.read_items(data, scope)
        th.limit = self.concurrency(data, scope)
        th.data, th.items, th.next_index = data, items, 0
        th.results = [None] * len(items)
        ex.emit(th, "MapStateStarted", {"length": len(items)})
        th.phase = "iterate"

    def read_items(self, data: Any, scope: Any) -> list:
        if not self.jsonata:
            items = select(self.items_path, data, scope)
        elif isinstance(self.items, Expression):
            items = self.items.evaluate(Env(data, scope))
            if type(items) is not list:
                raise self.items.type_error("array", items)
        elif isinstance(self.items, ItemsTemplate):
            items = self.items.template(Env(data, scope))
        else:
            items = data if self.items is None else self.items
        if type(items) is not list:
            error = StateRuntimeError(QUERY_ERROR if self.jsonata else "States.Runtime",
                                      f"Map state input must be an array but was: {dumps(items)}")
            error.location = "Items"
            raise error
        return items

    def concurrency(self, data: Any, scope: Any) -> int:
        if self.max_concurrency_expression is not None:
            expression = self.max_concurrency_expression
            value = expression.evaluate(Env(data, scope))
            if type(value) is not int or value < 0:
                raise expression.type_error("non-negative integer", value)
            return value
        if self.max_concurrency_path is None:
            return self.max_concurrency
        return read_count(self.max_concurrency_path, data, scope, "MaxConcurrencyPath", 0)

    def begin_iteration(self, ex, th, index: int) -> tuple[int, Any]:
        """The iteration's input, and its MapIterationStarted; the caller spawns it."""
        value = th.items[index]
        if self.item_selector is not None:
            scope = ex.scope(th, map_item=(index, value))
            value = self.item_selector(Env(th.input, scope)) if self.jsonata else self.item_selector(th.data, scope)
        ex.emit(th, "MapIterationStarted", {"name": self.name, "index": index})
        return index, value

    def child_succeeded(self, ex, th, child, output) -> None:
        th.results[child.index] = output
        ex.emit(th, "MapIterationSucceeded", {"name": self.name, "index": child.index}, after=child)
        ex.resume(th, "iterate")

    def child_failed(self, ex, th, child, error, cause) -> None:
        # Recorded (an inline Map whose iterations all time out): MapIterationFailed, TaskStateAborted
        # for the Task that failed it, then MapIterationAborted and the aborted state's event for each
        # iteration still running.
        ex.emit(th, "MapIterationFailed", {"name": self.name, "index": child.index}, after=child)
        if child.program.states[child.state].type == "Task":
            ex.emit(th, "TaskStateAborted", None, after=child)
        for other in sorted(ex.abort_children(th), key=lambda other: other.index):
            ex.emit(th, "MapIterationAborted", {"name": self.name, "index": other.index})
            ex.emit_state_aborted(th, other)
        th.pending = [error, cause]
        ex.resume(th, "child_failed")


# AWS's guide: "Inline mode supports up to 40 concurrent iterations", which is what a MaxConcurrency
# of 0 (no limit) gets.
INLINE_CONCURRENCY = 40


class ItemsTemplate:
    """A JSONata Map's literal Items array holding ``{% %}`` elements."""
    __slots__ = ("template",)

    def __init__(self, template):
        self.template = template


def _failure(pending: list, event: str | None) -> StatesError:
    error = StatesError(*pending)
    error.failed_event = event
    return error
