"""Where a Distributed Map's children's histories go once each child ended, when the caller keeps
none in memory: a JSON Lines file, a line per child (the CLI's ``--child-histories``).

Each line is an object: ``mapRunArn``, ``index`` (the child's place in the Map Run), ``name``,
``executionArn``, ``status`` and ``events``, the child's history as ``GetExecutionHistory``
lists it. A child written again later (a redrive of its Map Run ran it on) has a second line with
the events since. Lines are written as children end, so memory stays flat however many there are.
"""
from __future__ import annotations

from typing import Any, TextIO

from .events import HistoryEncoder
from .jsontext import dumps


class ChildHistoryWriter:
    """A ``MapRuns.sink``: writes each ended child's history as a line of ``out``."""

    def __init__(self, out: TextIO):
        self.out = out
        self.encoder = HistoryEncoder()
        self.written = 0

    def __call__(self, run: Any, index: int, child: Any) -> None:
        events = child.take_events()
        head = dumps({"mapRunArn": run.arn, "index": index, "name": child.name, "executionArn": child.execution_arn,
                      "status": child.status})
        self.out.write(head[:-1] + ',"events":[' + self.encoder.items(events) + "]}\n")
        self.written += 1
