"""The list a validation run writes its diagnostics into, and the codes it may use.

Paths are kept as tuples while walking and turned into JSON Pointers only when something is
reported, which keeps a clean run (the common case, on every parse) cheap.
"""
from __future__ import annotations

from ..diagnostic import Diagnostic, pointer

# Codes for what the JSON Schema (schema.py) also decides. A test checks, case by case, that the
# schema rejects a definition exactly when the validator reports one of these.
SCHEMA_CODES = frozenset({
    "NOT_AN_OBJECT", "MISSING_FIELD", "UNKNOWN_FIELD", "WRONG_QUERY_LANGUAGE", "INVALID_VALUE",
    "MISSING_STATES", "NEXT_AND_END", "MISSING_NEXT", "TRANSITION_NOT_ALLOWED", "WAIT_DURATION",
    "CONFLICTING_FIELDS", "QUERY_LANGUAGE_DOWNGRADE", "CHOICE_RULE", "MISSING_ROLE_ARN", "INVALID_STATE_NAME",
    "MISPLACED_FIELD",
})


class Report:
    __slots__ = ("problems", "slips")

    def __init__(self) -> None:
        self.problems: list[Diagnostic] = []
        # (index of the problem, state, field) for JSONata used in a JSONPath state
        self.slips: list[tuple[int, str | None, str]] = []

    def slip(self, state: str | None, field: str) -> None:
        """The problem just reported comes of JSONata written in a JSONPath state."""
        self.slips.append((len(self.problems) - 1, state, field))

    def error(self, code: str, where: tuple, message: str, state: str | None = None) -> None:
        self.problems.append(Diagnostic(code, pointer(*where), message, "error", state))

    def warning(self, code: str, where: tuple, message: str, state: str | None = None) -> None:
        self.problems.append(Diagnostic(code, pointer(*where), message, "warning", state))
