"""What is worked out from immutable versions, kept per process (a small LRU).

Versions never change, so a drawing, a diff or a list of step names made from one stays right;
the key names the version by id *and* text, because ids come back when a database is restored or
a test database is flushed under a running process.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable


class Kept:
    """At most ``size`` values by key, the least recently used dropped first; thread-safe."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()  # outside the lock: two threads may make it at once, never wait on each other
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


def version_key(version) -> tuple:
    """A version by id and text (the text's hash: a pass over it, no copy)."""
    return (version.pk, hash(version.definition_json))
