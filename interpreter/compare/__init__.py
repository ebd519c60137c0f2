"""Comparing two versions of a workflow: the structural diff, the same in plain words, and (in
:mod:`interpreter.compare.behaviour`) what the saved test cases do on each."""
from .patch import apply_patch
from .structural import MISSING, Diff, EdgeChange, FieldChange, StateChange, diff

__all__ = ["MISSING", "Diff", "EdgeChange", "FieldChange", "StateChange", "apply_patch", "diff"]
