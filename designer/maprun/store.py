"""Writing and reading back a run's stored Distributed Map children (see the package docstring)."""
from __future__ import annotations

import json

from interpreter import map_run

from .models import StoredChildren

CHUNK_CHILDREN = 2000  # per row: a few hundred KB for small outputs, well under a write's bound


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


def fill_stored(execution_id: int, run) -> None:
    """Put the stored children back into a run restored from its snapshot."""
    query = StoredChildren.objects.filter(execution_id=execution_id).values_list("map_run_arn", "children_json")
    for arn, text in query.iterator(chunk_size=20):
        if arn in run.map_runs:
            map_run.fill_stored(run, arn, json.loads(text))
