"""What ``python -m interpreter run`` writes: its result object, the history streamed as the run
goes: one JSON object with the events first, or JSON Lines."""
from __future__ import annotations

import json
import sys

from .events import HistoryEncoder


class Printer:
    """Writes ``run``'s JSON object to stdout: with ``stream``, the history's events as they come
    (``{"events": [...`` first, the rest once the run has ended); otherwise the whole object at
    the end. With ``lines`` (JSON Lines), each event is a line of its own and the object, without
    ``"events"``, is the last line. Event types for ``--event-types`` are gathered as the events
    go by."""

    def __init__(self, stream: bool, types: bool, lines: bool = False):
        self.stream = stream
        self.lines = lines
        self.encoder: HistoryEncoder | None = None  # made with the first events to print
        self.types: list[str] | None = [] if types else None
        self.started = False

    def write(self, events: list) -> None:
        if self.types is not None:
            self.types.extend(e.type for e in events)
        if self.stream and events:
            if self.encoder is None:
                self.encoder = HistoryEncoder()
            out = sys.stdout
            if self.lines:
                out.write(self.encoder.items(events, "\n"))
                out.write("\n")
                return
            out.write("," if self.started else '{"events": [')
            self.started = True
            out.write(self.encoder.items(events))

    def finish(self, result: dict) -> None:
        text = json.dumps(result, ensure_ascii=False)
        if self.stream and not self.lines:
            sys.stdout.write(("]" if self.started else '{"events": []') + ", " + text[1:] + "\n")
            sys.stdout.flush()
        else:
            print(text)
