"""Errors the interpreter raises: definition errors before a run, ASL errors during one."""
from __future__ import annotations

from .diagnostic import Diagnostic


class DefinitionError(Exception):
    """The definition cannot be run; carries every diagnostic that says why."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(str(d) for d in self.diagnostics))


class StatesError(Exception):
    """An ASL runtime error with AWS's name (``States.TaskFailed``, a service's own error...)."""

    def __init__(self, name: str, cause: str | None = None):
        self.name = name
        self.cause = cause
        super().__init__(f"{name}: {cause}" if cause else name)


class StateRuntimeError(StatesError):
    """An error AWS reports with the state's name and entry event in front of the cause.

    Raised while evaluating a state's fields, where the state is not known; the execution adds
    ``An error occurred while executing the state 'S' (entered at the event id #N). ``.
    """
