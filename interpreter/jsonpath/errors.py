"""What compiling or evaluating a path can raise."""
from __future__ import annotations


class JsonPathSyntaxError(ValueError):
    """The text is not a path of AWS's dialect. ``reason`` is a short phrase for a person."""

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason
        super().__init__(f"Invalid JSONPath '{text}': {reason}")


class PathNotFound(LookupError):
    """A definite path (one that names a single value) matched nothing."""

    def __init__(self, path):
        self.path = path
        super().__init__(path.text)


class ResultPathMatchFailure(Exception):
    """A reference path cannot be written into the value (e.g. a key under a string)."""
