"""Writing and reading back a run's stored Distributed Map children (see the package docstring)."""
from __future__ import annotations

import json

from interpreter import map_run

from .models import ChildHistory, StoredChildren, StoredInputs

CHUNK_CHILDREN = 2000  # per row: a few hundred KB for small outputs, well under a write's bound
# Child histories: at most this much JSON a row (a longer history takes several rows), and rows
# are inserted in statements of at most WRITE_BYTES, so no single write passes a few MB.
ROW_BYTES = 1 << 20
WRITE_BYTES = 4 << 20


class HistorySink:
    """A Map Run sink (``MapRuns.sink``): each child's history, as it ends, waits here as JSON
    text until the run's next write stores it (``store_histories``). What waits is one batch's
    worth: the run's writes come a batch of transitions apart."""

    def __init__(self):
        # (Map Run ARN, index, name, status, the events' JSON list: one text, or a text per
        # event when it is longer than a row holds)
        self.pending: list[tuple[str, int, str, str, str | list[str]]] = []

    def __call__(self, run, index: int, child) -> None:
        events = [e.to_json() for e in child.events]
        child.events.clear()
        if events:
            text = _dumps(events)
            self.pending.append((run.arn, index, child.name, child.status,
                                 text if len(text) <= ROW_BYTES else [_dumps(e) for e in events]))


# json.dumps's compact ASCII-only text (PostgreSQL refuses lone surrogates), its C encoder made
# once instead of at every call: a child's history is one call.
def _dumps(value) -> str:
    return "".join(_encoder(value, 0))


_encoder = json.encoder.c_make_encoder(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii,
                                       None, ":", ",", False, False, True) if json.encoder.c_make_encoder else None
if _encoder is None:  # no C accelerator
    _dumps = json.JSONEncoder(separators=(",", ":")).encode  # noqa: F811


def keep_histories(run) -> None:
    """From now on the run's children's histories go to this process's next write."""
    map_run.set_sink(run, HistorySink())


def store_histories(execution_id: int, run) -> int:
    """The histories of the children that ended since the last write, in bounded rows and
    statements (inside the caller's transaction). Returns the rows written."""
    sink = run.map_runs.sink
    if not isinstance(sink, HistorySink) or not sink.pending:
        return 0
    pending, sink.pending = sink.pending, []
    batch: list[ChildHistory] = []
    held = written = 0
    for arn, index, name, status, events in pending:
        for part in _parts(events):
            if batch and held + len(part) > WRITE_BYTES:
                ChildHistory.objects.bulk_create(batch, batch_size=len(batch))
                written += len(batch)
                batch, held = [], 0
            batch.append(ChildHistory(execution_id=execution_id, map_run_arn=arn, child_index=index, name=name,
                                      status=status, events_json=part))
            held += len(part) + 600  # the other columns
    if batch:
        ChildHistory.objects.bulk_create(batch, batch_size=len(batch))
        written += len(batch)
    return written


def _parts(events: str | list[str]):
    """JSON lists of the events, each at most ROW_BYTES (unless one event alone is larger)."""
    if type(events) is str:
        yield events
        return
    part: list[str] = []
    size = 2
    for text in events:
        if part and size + len(text) + 1 > ROW_BYTES:
            yield "[" + ",".join(part) + "]"
            part, size = [], 2
        part.append(text)
        size += len(text) + 1
    if part:
        yield "[" + ",".join(part) + "]"


def child_history(execution_id: int, map_run_id: str, index: int) -> dict | None:
    """A stored child's history: its Map Run, name, status (as it last ended) and events; None
    when nothing is stored for it (it has not ended, or never started)."""
    rows = list(ChildHistory.objects.filter(execution_id=execution_id, child_index=index,
                                            map_run_arn__endswith=":" + map_run_id)
                .values_list("map_run_arn", "name", "status", "events_json"))
    if not rows:
        return None
    events: list = []
    for _, _, _, text in rows:
        events.extend(json.loads(text))
    arn, name, status, _ = rows[-1]
    return {"mapRunArn": arn, "index": index, "name": name, "status": status, "events": events}


def store_finished(execution_id: int, run) -> None:
    """The children that succeeded since the last write, one row per chunk (inside the caller's
    transaction: if the write rolls back, so do these rows, and the process forgets the run)."""
    rows = []
    for arn, pairs in map_run.take_finished(run):
        for start in range(0, len(pairs), CHUNK_CHILDREN):
            rows.append(StoredChildren(execution_id=execution_id, map_run_arn=arn,
                                       children_json=json.dumps(pairs[start:start + CHUNK_CHILDREN],
                                                                separators=(",", ":"))))
    if rows:
        StoredChildren.objects.bulk_create(rows, batch_size=1)


def store_inputs(execution_id: int, run) -> None:
    """The items' inputs of the Map Runs that began since the last write, in rows of at most
    ROW_BYTES and statements of at most WRITE_BYTES (the snapshots then leave them out)."""
    for arn, inputs in map_run.take_inputs(run):
        batch: list[StoredInputs] = []
        held = 0
        for start, text in _input_chunks(inputs):
            if batch and held + len(text) > WRITE_BYTES:
                StoredInputs.objects.bulk_create(batch, batch_size=len(batch))
                batch, held = [], 0
            batch.append(StoredInputs(execution_id=execution_id, map_run_arn=arn, start=start, inputs_json=text))
            held += len(text)
        if batch:
            StoredInputs.objects.bulk_create(batch, batch_size=len(batch))


def _input_chunks(inputs: list):
    """(first index, JSON list) pieces of at most ROW_BYTES (unless one input alone is larger)."""
    part: list[str] = []
    start = size = 0
    for index, value in enumerate(inputs):
        text = _dumps(value)
        if part and size + len(text) + 1 > ROW_BYTES:
            yield start, "[" + ",".join(part) + "]"
            part, start, size = [], index, 0
        part.append(text)
        size += len(text) + 1
    if part:
        yield start, "[" + ",".join(part) + "]"


def fill_inputs(execution_id: int, snapshot: dict) -> None:
    """Put the stored inputs back into a snapshot (before ``Execution.restore``)."""
    missing = {data["arn"]: data for data in snapshot.get("mapRuns", ()) if data.get("inputs") is None}
    if not missing:
        return
    for data in missing.values():
        data["inputs"] = []
    query = (StoredInputs.objects.filter(execution_id=execution_id, map_run_arn__in=list(missing))
             .order_by("map_run_arn", "start").values_list("map_run_arn", "inputs_json"))
    for arn, text in query.iterator(chunk_size=20):
        missing[arn]["inputs"].extend(json.loads(text))


def fill_stored(execution_id: int, run) -> None:
    """Put the stored children back into a run restored from its snapshot."""
    query = StoredChildren.objects.filter(execution_id=execution_id).values_list("map_run_arn", "children_json")
    for arn, text in query.iterator(chunk_size=20):
        if arn in run.map_runs:
            map_run.fill_stored(run, arn, json.loads(text))
