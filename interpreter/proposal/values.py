"""A plain value for a field, from the type its reading implies and, for text, from its name."""
from __future__ import annotations

import re
from typing import Any

TIMESTAMP_VALUE = "2026-01-01T09:00:00Z"

# (words in the field's name, the value proposed): first match wins
_BY_NAME = [
    (("email", "mail"), "person@example.com"),
    (("phone", "mobile", "sms"), "+15555550123"),
    (("url", "uri", "endpoint", "webhook", "callback"), "https://example.com/hook"),
    (("bucket",), "example-bucket"),
    (("prefix", "folder"), "incoming/"),
    (("key", "path", "file", "object", "manifest", "location", "s3"), "incoming/example.json"),
    (("date", "day"), "2026-01-01"),
    (("time", "timestamp", "at", "deadline", "expires", "expiry"), TIMESTAMP_VALUE),
    (("arn",), "arn:aws:states:us-east-1:123456789012:stateMachine:Example"),
    (("region",), "us-east-1"),
    (("currency",), "EUR"),
    (("country",), "FR"),
    (("language", "lang", "locale"), "en"),
    (("status", "state"), "NEW"),
    (("name", "title"), "Example"),
    (("message", "text", "body", "description", "comment", "reason", "note", "subject", "content"), "Hello"),
]
_NUMERIC = ("amount", "total", "count", "price", "quantity", "qty", "size", "number", "num", "age", "score",
            "limit", "seconds", "minutes", "hours", "days", "retries", "attempts", "percent", "version",
            "duration", "timeout", "delay", "index", "weight", "rate", "level", "margin", "discount", "tax", "ratio",
            "factor", "threshold", "cost", "balance", "fee", "max", "min", "port", "year", "month", "priority")
_BOOLEAN_START = ("is", "has", "should", "can", "enable", "enabled", "dry", "approved", "force", "skip")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def words(name: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(name)]


def value_for(keys: tuple, type_: str) -> Any:
    """A value of ``type_`` for the field at ``keys``: the last string key's words choose text
    values (``customerEmail`` -> an e-mail address, ``orderId`` -> ``"order-1"``)."""
    name = next((k for k in reversed(keys) if isinstance(k, str) and k != "*"), "value")
    said = words(name)
    if type_ in ("number", "integer"):
        return 1
    if type_ == "boolean":
        return True
    if type_ == "timestamp":
        return TIMESTAMP_VALUE
    if type_ == "array":
        return [f"{name}-1", f"{name}-2"]
    if type_ == "object":
        return {}
    if type_ == "any" and said:
        if said[-1] in _NUMERIC or said[0] in _NUMERIC:
            return 1
        if said[0] in _BOOLEAN_START and len(said) > 1:
            return True
        if said[-1] in ("list", "items", "ids", "records", "entries") or (said[-1].endswith("s") and len(said[-1]) > 3
                                                                          and said[-1] not in _SINGULAR_S):
            return [f"{_singular(name)}-1", f"{_singular(name)}-2"]
    strings = [k for k in keys if isinstance(k, str) and k != "*"]
    if said and said[-1] in ("name", "id", "value") and len(said) == 1 and len(strings) > 1:
        owner = words(strings[-2])  # bucket.name -> a bucket's name
        for names, value in _BY_NAME:
            if owner and owner[-1] in names and names[0] in ("bucket", "email", "url", "arn", "region"):
                return value
    for names, value in _BY_NAME:
        if said and said[-1] in names:
            return value
    if said == ["id"] and len(strings) > 1 and words(strings[-2]):
        return f"{'-'.join(words(_singular(strings[-2])))}-1"   # order.id -> "order-1"
    if said and said[-1] == "id" and len(said) > 1:
        return f"{'-'.join(said[:-1])}-1"
    return f"{'-'.join(said) or 'value'}-1"


_SINGULAR_S = {"address", "status", "class", "process", "access", "success", "alias", "business", "bus",
               "canvas", "analysis", "basis", "progress", "series", "news", "details", "settings", "params",
               "options", "metadata", "headers", "tags", "attributes", "credentials", "results", "outputs", "extras",
               "defaults", "overrides", "preferences", "properties", "props", "parameters", "vars", "variables",
               "thanks", "contents", "specs", "limits", "terms", "stats", "statistics", "totals", "flags"}


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name
