"""Root causes that explain many other problems, reported once, naming the cause.

- A field of the state machine (or of a branch or Map processor) written inside ``States``:
  ``"States": {"QueryLanguage": "JSONata", ...}``. It is not a state that "must be an object"
  and "cannot be reached"; it is one misplaced field. The scope is then checked as its author
  meant it: a misplaced QueryLanguage sets the language, a misplaced StartAt the start.
- JSONata written in a machine whose QueryLanguage is JSONPath by default: every state using
  Output, Arguments, Condition or ``{% %}`` values would each get their own "only works with
  JSONata" error, when the one fix is ``"QueryLanguage": "JSONata"`` at the top.

Other follow-ons are prevented where they would arise: ``transitions.py`` does not call states
unreachable behind a state whose transitions are unknown, and a JSONata Choice rule in a JSONPath
state is not also told it has "no comparison".
"""
from __future__ import annotations

from ..diagnostic import Diagnostic
from .fields import JSONATA, QUERY_LANGUAGES
from .report import Report

# fields of each kind of scope, which a state name may shadow only as an object with a Type
MACHINE_SCOPE = ("StartAt", "QueryLanguage", "Comment", "TimeoutSeconds", "Version")
BRANCH_SCOPE = ("StartAt", "Comment")
PROCESSOR_SCOPE = ("StartAt", "Comment", "ProcessorConfig")


def misplaced_fields(states: dict, where: tuple, report: Report, fields: tuple) -> dict:
    """Report fields of the scope written among its states; return them, by name."""
    found = {key: states[key] for key in fields
             if key in states and (type(states[key]) is not dict or "Type" not in states[key])}
    for key in found:
        owner = "the state machine" if not where else "the branch" if "Branches" in where[-2:] else "the Map processor"
        report.error("MISPLACED_FIELD", (*where, "States", key),
                     f"'{key}' is a field of {owner}, not a state: move it out of States, up to the level "
                     f"of \"States\" itself.", None)
    return found


def _state(definition: dict, path: tuple | None) -> dict:
    node = definition
    for key in path or ():
        node = node[key]
    return node if type(node) is dict and path else {}


def intended_language(definition: dict) -> str | None:
    """The QueryLanguage the author meant, when it was written inside States by mistake."""
    states = definition.get("States")
    if "QueryLanguage" in definition or type(states) is not dict:
        return None
    language = states.get("QueryLanguage")
    return language if language in QUERY_LANGUAGES else None


def collapse_language_slips(definition: dict, report: Report, places: dict) -> None:
    """JSONata used in several states of a machine that is JSONPath by default: one error.

    ``places``: each state's path in the definition (a state that chose JSONPath itself keeps
    its own errors).
    """
    if not report.slips or "QueryLanguage" in definition or JSONATA == intended_language(definition):
        return
    slips = [slip for slip in report.slips if "QueryLanguage" not in _state(definition, places.get(slip[1]))]
    states = list(dict.fromkeys(state for _, state, _ in slips))
    if len(states) < 2:
        return
    fields = list(dict.fromkeys(field for _, _, field in slips))
    first = slips[0][0]
    drop = {index for index, _, _ in slips}
    shown = ", ".join(f"'{s}'" for s in states[:5]) + (f" and {len(states) - 5} more" if len(states) > 5 else "")
    summary = Diagnostic(
        "WRONG_QUERY_LANGUAGE", report.problems[first].pointer,
        f"{len(states)} states ({shown}) are written in JSONata ({', '.join(fields[:6])}), but the state "
        f"machine uses JSONPath, the default: add \"QueryLanguage\": \"JSONata\" next to StartAt.", "error",
        states[0])
    report.problems[:] = [summary if i == first else p for i, p in enumerate(report.problems)
                          if i == first or i not in drop]
