"""Frames of events on the websocket: how many events, and how many bytes, one frame may carry.

Replay, gap filling and live updates all send events in frames within these bounds (README:
"at most 2,000 events a frame"), so a viewer never has to take in one frame of a whole large
batch, and a batch of large events is not one message of hundreds of megabytes.
"""
from __future__ import annotations

# What one frame of events may carry: at most this
# many events, and about this many bytes of JSON; an event larger than that travels alone.
FRAME_EVENTS = 2000
FRAME_BYTES = 1024 * 1024


def split_frames(rows: list, sizes: list[int]) -> list[list]:
    """``rows`` (events, oldest first) in frames within FRAME_EVENTS and FRAME_BYTES; ``sizes``
    are the rows' sizes in bytes of JSON, about."""
    frames: list[list] = []
    start = total = 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= FRAME_EVENTS or total + size > FRAME_BYTES):
            frames.append(rows[start:i])
            start, total = i, 0
        total += size
    if start < len(rows):
        frames.append(rows[start:])
    return frames


def row_size(row: dict, details_json: str | None = None) -> int:
    """About how many bytes of JSON an event row is (its details, as stored, and the rest)."""
    return 120 + len(row["type"]) + len(row["step"]) + len(row["resource"]) + len(details_json or "")
