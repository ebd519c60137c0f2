"""Map in DISTRIBUTED mode: the items run as child executions of a Map Run.

AWS's parent history, as recorded: ``MapStateEntered``, ``MapStateStarted``, ``MapRunStarted``,
then ``MapRunSucceeded``, ``MapStateSucceeded``, ``MapStateExited`` (or ``MapRunFailed``,
``MapStateFailed``). In order:

1. InputPath, ItemsPath (when there is no ItemReader), MaxConcurrency, then ``MapStateStarted``;
2. ToleratedFailureCount / Percentage (a bad ...Path value fails the execution with
   ``States.Runtime``, no Map Run started);
3. ``MapRunStarted``; the ItemReader reads the items, ItemSelector shapes each, ItemBatcher
   groups them; a failure here is the Map Run's (``MapRunFailed``, e.g. ``States.ItemReaderFailed``);
4. the children run (``interpreter/map_run.py``) inside the parent's scheduler; the state
   waits until they have ended;
5. the ResultWriter writes the results, ``MapRunSucceeded`` (or ``MapRunFailed`` with
   ``States.ExceedToleratedFailureThreshold``), then ResultSelector, ResultPath, OutputPath.

Without a ResultWriter the result is the children's outputs in item order (``null`` for a
tolerated failure); with batching, one output per batch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from .. import map_run
from ..jsonata_query import Expression, ExpressionPath
from ..errors import StateRuntimeError, StatesError
from ..jsontext import dumps
from .base import finish, select
from .map import MapState, _failure

_VARIABLE = re.compile(r"\$[A-Za-z_]")


@dataclass(frozen=True, slots=True, kw_only=True)
class DistributedMapState(MapState):
    type: ClassVar[str] = "Map"
    execution_type: str = "STANDARD"
    child_machine: Any = None
    item_reader: Any = None
    item_batcher: Any = None
    result_writer: Any = None
    tolerated_count: int | None = None
    tolerated_count_path: Any = None
    tolerated_percentage: float | None = None
    tolerated_percentage_path: Any = None

    def run(self, ex, th) -> None:
        phase = th.phase
        if phase == "map_run_done":
            self.finish(ex, th)
        elif phase != "map_run":
            self.start_run(ex, th)

    def start_run(self, ex, th) -> None:
        scope = ex.scope(th)
        data = th.input if self.jsonata else select(self.input_path, th.input, scope)
        items = None if self.item_reader is not None else self.read_items(data, scope)
        limit = self.concurrency(data, scope)
        ex.emit(th, "MapStateStarted", {"length": 0 if items is None else len(items)})
        tolerance = map_run.Tolerance(*self.tolerance(data, scope))
        label = self.label or self.name
        record = map_run.MapRun(arn=map_run.map_run_arn(ex, label), state_name=self.name, label=label,
                                execution_type=self.execution_type, max_concurrency=limit, tolerance=tolerance,
                                start=ex.clock, length=0 if items is None else len(items),
                                machine=self.child_machine)
        ex.map_runs[record.arn] = record
        th.data = {"arn": record.arn}
        ex.emit(th, "MapRunStarted", {"mapRunArn": record.arn})
        try:
            if items is None:
                items = self.item_reader.read(data, scope, ex.mocks.s3, ex.clock, self.fields_read)
            inputs = [self.select_item(ex, th, data, i, item) for i, item in enumerate(items)]
            if self.item_batcher is not None:
                batches = self.item_batcher.batches(inputs, data, scope)
                inputs, counts = [b for b, _ in batches], [n for _, n in batches]
            else:
                counts = [1] * len(inputs)
        except StatesError as e:
            cause = e.cause
            if isinstance(e, StateRuntimeError):
                cause = ex.runtime_prefix(th) + (cause or "")
            record.status, record.end = "FAILED", ex.clock
            self.fail_run(ex, th, e.name, cause)
        map_run.begin(ex, th, record, inputs, counts)

    def fields_read(self) -> tuple:
        """The item fields the item processor reads (for items made up where S3 holds none)."""
        from ..wording.glossary import read_paths

        processor = self.child_machine.definition
        paths = read_paths(processor)
        names = [p[2:].split(".")[0].split("[")[0] for p in paths if p.startswith("$.")]
        return tuple(dict.fromkeys(n for n in names if n))

    def redrive_run(self, ex, th, record: map_run.MapRun) -> None:
        """Re-entered by a redrive of the parent: the Map Run is redriven, not started again."""
        th.data = {"arn": record.arn}
        ex.emit(th, "MapStateStarted", {"length": record.length})
        record.redrive_count += 1
        ex.emit(th, "MapRunRedriven", {"mapRunArn": record.arn, "redriveCount": record.redrive_count})
        map_run.redrive(ex, th, record)

    def finish(self, ex, th) -> None:
        outcome = th.results
        if "error" in outcome:
            self.fail_run(ex, th, outcome["error"], outcome["cause"])
        scope = ex.scope(th)
        run = ex.map_runs[outcome["arn"]]
        if self.result_writer is not None:
            data = th.input if self.jsonata else select(self.input_path, th.input, scope)
            result = self.result_writer.write(data, scope, ex.mocks.s3, outcome["arn"], run.children,
                                              map_run.entry)
        else:
            result = run.outputs()
        ex.emit(th, "MapRunSucceeded", None)
        ex.emit(th, "MapStateSucceeded", None)
        finish(ex, th, self, result)

    def fail_run(self, ex, th, error: str | None, cause: str | None) -> None:
        details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
        ex.emit(th, "MapRunFailed", details)
        raise _failure([error, cause], "MapStateFailed")

    def select_item(self, ex, th, data: Any, index: int, value: Any) -> Any:
        if self.item_selector is None:
            return value
        return self.item_selector(data, ex.scope(th, map_item=(index, value)))

    def tolerance(self, data: Any, scope: Any) -> tuple[int | None, float | None]:
        count, percentage = self.tolerated_count, self.tolerated_percentage
        if self.tolerated_count_path is not None:
            count = _path_number(self.tolerated_count_path, data, scope, "ToleratedFailureCountPath", int)
            if count < 0:
                raise StateRuntimeError("States.Runtime", "ToleratedFailureCount cannot be negative.")
        if self.tolerated_percentage_path is not None:
            percentage = _path_number(self.tolerated_percentage_path, data, scope,
                                      "ToleratedFailurePercentagePath", float)
            if not 0 <= percentage <= 100:
                raise StateRuntimeError("States.Runtime", "ToleratedFailurePercentage must be between 0 and 100.")
        return count, percentage


def _path_number(path: Any, data: Any, scope: Any, field: str, kind: type) -> Any:
    """A ToleratedFailure...Path value, with AWS's causes for what is not a number."""
    value = select(path, data, scope)
    if _VARIABLE.match(path.text) and isinstance(value, str):
        # a variable's value is read as text, so "1" counts (AWS's behaviour for $variables)
        try:
            value = kind(value)
        except ValueError:
            pass
    if kind is float and type(value) is int:
        value = float(value)
    if type(value) is not kind:
        text = value if isinstance(value, str) else dumps(value)
        noun = "integer" if kind is int else "float"
        raise StateRuntimeError("States.Runtime", f"The {field} field refers to value \"{text}\" which is not a "
                                f"valid {noun}: {path.text}")
    return value


def parse_distributed(cls_fields: dict, f: Any, raw_processor: dict) -> DistributedMapState:
    """The Distributed Map's own fields, added to what every Map has (``cls_fields``)."""
    from ..definition import StateMachine
    from ..item_batcher import parse_batcher
    from ..item_reader import parse_reader
    from ..result_writer import parse_writer

    config = raw_processor.get("ProcessorConfig") or {}
    processor = cls_fields["processor"]
    programs: dict = {}
    _collect(processor, programs)
    out: dict[str, Any] = {"execution_type": config.get("ExecutionType", "STANDARD"),
                           "child_machine": StateMachine(program=processor, definition=raw_processor,
                                                         programs=programs)}
    if "ItemReader" in f.raw:
        out["item_reader"] = parse_reader(f.raw["ItemReader"], f.at("ItemReader"), f.jsonata)
    if "ItemBatcher" in f.raw:
        out["item_batcher"] = parse_batcher(f.raw["ItemBatcher"], f.at("ItemBatcher"), f.jsonata)
    if "ResultWriter" in f.raw:
        out["result_writer"] = parse_writer(f.raw["ResultWriter"], f.at("ResultWriter"), f.jsonata)
    count, percentage = f.value("ToleratedFailureCount"), f.value("ToleratedFailurePercentage")
    if isinstance(count, Expression):
        out["tolerated_count_path"] = ExpressionPath(count)
    elif "ToleratedFailureCountPath" in f.raw:
        out["tolerated_count_path"] = f.path("ToleratedFailureCountPath", nullable=False, single=True)
    elif count is not None:
        out["tolerated_count"] = f.number("ToleratedFailureCount", integer=True, minimum=0)
    if isinstance(percentage, Expression):
        out["tolerated_percentage_path"] = ExpressionPath(percentage)
    elif "ToleratedFailurePercentagePath" in f.raw:
        out["tolerated_percentage_path"] = f.path("ToleratedFailurePercentagePath", nullable=False, single=True)
    elif percentage is not None:
        out["tolerated_percentage"] = float(f.number("ToleratedFailurePercentage", minimum=0))
    return DistributedMapState(**cls_fields, **out)


def _collect(program: Any, out: dict) -> None:
    out[program.pointer] = program
    for state in program.states.values():
        for child in state.children():
            _collect(child, out)
