"""Timestamps as AWS reads them in Wait and Choice: RFC 3339 with an uppercase T and a zone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})\Z")

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_timestamp(text: object) -> int | None:
    """Microseconds since the epoch, or None when ``text`` is not a timestamp AWS accepts.

    Nanosecond fractions are accepted and truncated, as AWS compares at microsecond precision.
    """
    if type(text) is not str:
        return None
    m = _RFC3339.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, zone = m.group(7), m.group(8)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        moment -= sign * timedelta(hours=hours, minutes=minutes)
    delta = moment - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + micros


def format_millis(ms: int) -> str:
    """AWS's context-object form: ``2024-05-01T12:00:00.123Z``."""
    text = _formatted.get(ms)
    if text is None:
        moment = EPOCH + timedelta(milliseconds=ms)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        if len(_formatted) >= 4096:  # a virtual clock repeats its instants: most calls find theirs
            _formatted.clear()
        _formatted[ms] = text
    return text


_formatted: dict[int, str] = {}


def format_history(ms: int) -> str:
    """The form the AWS CLI prints history timestamps in."""
    moment = EPOCH + timedelta(milliseconds=ms)
    return moment.isoformat(timespec="microseconds")


def now_millis() -> int:
    return int((datetime.now(timezone.utc) - EPOCH).total_seconds() * 1000)
