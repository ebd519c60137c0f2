"""States.UUID."""
from __future__ import annotations

import uuid

from .nodes import Call, Evaluator


def build_uuid(call: Call) -> Evaluator:
    # Drawn from the execution's seeded generator, so a replayed run yields the same UUIDs;
    # uuid.UUID sets the version-4 and RFC 4122 variant bits on the random 128 bits.
    def evaluate(data, scope):
        return str(uuid.UUID(int=scope.rng.getrandbits(128), version=4))
    return evaluate
