"""Errors of intrinsic functions: syntax errors at parse time, ASL errors at run time."""
from __future__ import annotations

from ..errors import StatesError

INTRINSIC_FAILURE = "States.IntrinsicFailure"


class IntrinsicSyntaxError(ValueError):
    """The text is not a well-formed call of a known intrinsic function."""

    def __init__(self, message: str, text: str | None = None, position: int | None = None):
        self.detail = message
        self.text = text
        self.position = position  # index into the text, from 0
        # what a person reads: the problem, and where it is counted from 1
        self.reason = message if position is None else f"{message} at position {position + 1}"
        super().__init__(self.reason if text is None else f"Invalid intrinsic function call '{text}': {self.reason}")


def failure(call_text: str, detail: str) -> StatesError:
    # One place builds the cause, so the wording of every runtime failure stays uniform and the
    # failing call (not just the state) is named: nested calls would be ambiguous otherwise.
    return StatesError(INTRINSIC_FAILURE, f"The function '{call_text}' had the following error: {detail}")
