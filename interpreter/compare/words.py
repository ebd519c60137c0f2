"""A structural diff in plain words: "Retry: now tries 5 times instead of 3", "Choice rule 2:
compares amount with 1000 instead of 500", and the summary "2 steps added, 1 removed, 3 changed".

Built on :mod:`interpreter.wording` (the editor's and the narrative's vocabulary), so a change
reads the way the step itself reads everywhere else.
"""
from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from .. import wording
from ..diagnostic import resolve, unescape
from ..explain import explain
from ..wording.expressions import expression_words, is_expression
from ..wording.resources import task_sentence
from ..wording.retries import failure_clause, retry_sentence
from .structural import MISSING, Diff, EdgeChange, FieldChange, StateChange


def _resolve(doc: Any, pointer: str | None) -> Any:
    return None if pointer is None else resolve(doc, pointer)


def value_words(value: Any, limit: int = 60) -> str:
    if value is MISSING:
        return "nothing"
    if isinstance(value, str):
        text = expression_words(value) if is_expression(value) else value
        text = text if len(text) <= limit else text[: limit - 1] + "…"
        return f"“{text}”"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _field_words(parts: list[str]) -> str:
    """``["Parameters", "Payload", "name.$"]`` -> ``Parameters → Payload → name``."""
    return " → ".join(p[:-2] if p.endswith(".$") else p for p in parts) or "The step"


def _instead(old: Any, new: Any, say=value_words) -> str:
    if old is MISSING:
        return f"now {say(new)}"
    if new is MISSING:
        return f"no longer set (was {say(old)})"
    return f"now {say(new)} instead of {say(old)}"


def _seconds(value: Any) -> str:
    if is_expression(value):
        return f"{expression_words(value)} seconds"
    return wording.duration_words(value) if isinstance(value, (int, float)) else value_words(value)


def _rule_words(rule: Any) -> str:
    words, code = wording.rule_phrase(rule)
    return expression_words(rule.get("Condition")) if code and isinstance(rule, dict) else words


# --- one group of field changes (same top field of one state) --------------------------------

def _retry(changes: list[FieldChange], rel: list[list[str]], old: dict, new: dict) -> list[str]:
    old_retry, new_retry = old.get("Retry"), new.get("Retry")
    if len(rel[0]) == 1:
        if changes[0].old is MISSING:
            return ["Now retries: " + " ".join(retry_sentence(r) for r in new_retry)] \
                if isinstance(new_retry, list) and new_retry else ["Now has an empty retry list."]
        if changes[0].new is MISSING:
            return ["No longer retries when it fails."]
        return ["Retry rules changed: " + " ".join(retry_sentence(r) for r in new_retry)] \
            if isinstance(new_retry, list) else [f"Retry: {_instead(changes[0].old, changes[0].new)}."]
    out = []
    by_rule = groupby(zip(changes, rel), key=lambda pair: pair[1][1])
    for index, group in by_rule:
        group = list(group)
        i = int(index) if index.isdigit() else 0
        retriers = new_retry if isinstance(new_retry, list) else []
        olds = old_retry if isinstance(old_retry, list) else []
        if len(group[0][1]) == 2:  # the whole retrier
            change = group[0][0]
            if change.old is MISSING:
                out.append(f"New retry rule: {retry_sentence(change.new)}")
            elif change.new is MISSING:
                errors = change.old.get("ErrorEquals") if isinstance(change.old, dict) else None
                out.append(f"Retry rule removed: if {failure_clause(errors)}, it no longer tries again.")
            else:
                out.append(f"Retry rule {i + 1}: {retry_sentence(change.new)}")
            continue
        label = "Retry" if len(retriers) == 1 and len(olds) == 1 else (
            f"Retry rule {i + 1} ({failure_clause((retriers[i] if i < len(retriers) else {}).get('ErrorEquals'))})")
        parts = [_retry_field(change, r[2]) for change, r in group]
        out.append(f"{label}: {', and '.join(parts)}.")
    return out


_RETRY_DEFAULTS = {"MaxAttempts": 3, "IntervalSeconds": 1, "BackoffRate": 2.0}


def _retry_field(change: FieldChange, key: str) -> str:
    old = change.old if change.old is not MISSING else _RETRY_DEFAULTS.get(key, MISSING)
    new = change.new if change.new is not MISSING else _RETRY_DEFAULTS.get(key, MISSING)
    if key == "MaxAttempts" and isinstance(old, int) and isinstance(new, int):
        if new == 0:
            return f"no longer tries again (it tried {old} times)"
        return f"now tries {new} time{'s' if new != 1 else ''} instead of {old}"
    if key == "IntervalSeconds" and old is not MISSING and new is not MISSING:
        return f"now waits {_seconds(new)} before trying again instead of {_seconds(old)}"
    if key == "BackoffRate" and old is not MISSING and new is not MISSING:
        return f"each wait now grows {new:g}× instead of {old:g}×" if all(
            isinstance(v, (int, float)) for v in (old, new)) else f"backoff rate {_instead(old, new)}"
    if key == "MaxDelaySeconds":
        if new is MISSING:
            return "waits are no longer capped"
        return f"never waits more than {_seconds(new)}" + (f" instead of {_seconds(old)}" if old is not MISSING else "")
    if key == "JitterStrategy":
        return "each wait is now shortened at random" if new == "FULL" else "waits are no longer shortened at random"
    if key == "ErrorEquals":
        return f"now retries when {failure_clause(new)} instead of when {failure_clause(old)}"
    return f"{key} {_instead(change.old, change.new)}"


def _choices(changes: list[FieldChange], rel: list[list[str]], old: dict, new: dict) -> list[str]:
    if len(rel[0]) == 1:
        return [f"Choice rules {_instead(changes[0].old, changes[0].new)}."]
    out = []
    for index, group in groupby(zip(changes, rel), key=lambda pair: pair[1][1]):
        group = list(group)
        i = int(index) if index.isdigit() else 0
        label = f"Choice rule {i + 1}"
        old_rule = _resolve(old, f"/Choices/{i}")
        new_rule = _resolve(new, f"/Choices/{i}")
        if len(group[0][1]) == 2:
            change = group[0][0]
            if change.old is MISSING:
                out.append(f"New choice rule {i + 1}: if {_rule_words(new_rule)}, go to {_name(_get(new_rule, 'Next'))}.")
            elif change.new is MISSING:
                out.append(f"{label} removed (it was: if {_rule_words(change.old)}, go to {_name(_get(change.old, 'Next'))}).")
            else:
                out.append(f"{label}: now if {_rule_words(new_rule)} instead of if {_rule_words(change.old)}.")
            continue
        keys = [r[2] for _, r in group]
        parts = []
        conditions = [(c, r) for c, r in group if r[2] != "Next"]
        if conditions:
            values_only = all(len(r) == 3 and c.old is not MISSING and c.new is not MISSING and r[2] in wording.COMPARATORS
                              and not isinstance(c.old, (dict, list)) for c, r in conditions)
            if values_only and len(conditions) == 1:
                c = conditions[0][0]
                parts.append(f"compares {wording.path_words(_get(new_rule, 'Variable'))} with "
                             f"{wording.value_words(c.new)} instead of {wording.value_words(c.old)}")
            else:
                parts.append(f"now checks whether {_rule_words(new_rule)} instead of whether {_rule_words(old_rule)}")
        if "Next" in keys:
            c = next(c for c, r in group if r[2] == "Next")
            parts.append(f"now goes to {_name(c.new)} instead of {_name(c.old)}")
        out.append(f"{label}: {', and '.join(parts)}.")
    return out


def _catch(changes: list[FieldChange], rel: list[list[str]], old: dict, new: dict) -> list[str]:
    if len(rel[0]) == 1:
        if changes[0].old is MISSING:
            return ["Now handles errors: " + " ".join(_catcher(c) for c in changes[0].new or [])]
        if changes[0].new is MISSING:
            return ["No longer handles errors: a failure here now fails the step."]
        return [f"Error handling {_instead(changes[0].old, changes[0].new)}."]
    out = []
    for index, group in groupby(zip(changes, rel), key=lambda pair: pair[1][1]):
        group = list(group)
        i = int(index) if index.isdigit() else 0
        if len(group[0][1]) == 2:
            change = group[0][0]
            if change.old is MISSING:
                out.append(f"Now: {_catcher(change.new)}")
            elif change.new is MISSING:
                out.append(f"No longer: {_catcher(change.old)}")
            else:
                out.append(f"Catch rule {i + 1} is now: {_catcher(change.new)}")
            continue
        catcher = _resolve(new, f"/Catch/{i}") or {}
        when = failure_clause(catcher.get("ErrorEquals") if isinstance(catcher, dict) else None)
        parts = []
        for change, r in group:
            if r[2] == "Next":
                parts.append(f"now goes to {_name(change.new)} instead of {_name(change.old)}")
            elif r[2] == "ErrorEquals":
                when_old = failure_clause(_resolve(old, f"/Catch/{i}/ErrorEquals"))
                parts.append(f"now handles the case where {when} instead of where {when_old}")
            else:
                parts.append(f"{_field_words(r[2:])} {_instead(change.old, change.new)}")
        out.append(f"If {when}: {', and '.join(parts)}." if "ErrorEquals" not in [r[2] for _, r in group]
                   else f"Catch rule {i + 1}: {', and '.join(parts)}.")
    return out


def _catcher(catcher: Any) -> str:
    if not isinstance(catcher, dict):
        return "an error handler that cannot be read."
    return f"if {failure_clause(catcher.get('ErrorEquals'))}, it goes to {_name(catcher.get('Next'))}."


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _name(value: Any) -> str:
    return f"“{value}”" if isinstance(value, str) else "nowhere"


def _simple(changes: list[FieldChange], rel: list[list[str]], old: dict, new: dict) -> list[str]:
    """The one-field cases: transitions, timing, resources, comments; the rest field by field."""
    out = []
    for change, parts in zip(changes, rel):
        key, deep = parts[0], len(parts) > 1
        o, n = change.old, change.new
        if key == "Type" and not deep:
            out.append(f"Now a “{_label(n)}” step instead of “{_label(o)}”.")
        elif key == "Next" and not deep:
            out.append(f"Now goes on to {_name(n)} instead of {_name(o)}." if o is not MISSING and n is not MISSING
                       else f"Now goes on to {_name(n)}." if n is not MISSING else f"No longer goes on to {_name(o)}.")
        elif key == "End" and not deep:
            out.append("Now ends here." if n is True else "No longer ends here.")
        elif key == "Default" and not deep:
            out.append(f"Otherwise now goes to {_name(n)} instead of {_name(o)}." if o is not MISSING and n is not MISSING
                       else f"Otherwise now goes to {_name(n)}." if n is not MISSING
                       else "No longer has an “otherwise”: when no rule matches, the step fails.")
        elif key in ("TimeoutSeconds", "HeartbeatSeconds", "Seconds") and not deep:
            what = {"TimeoutSeconds": "gives up after", "HeartbeatSeconds": "expects a heartbeat every",
                    "Seconds": "waits"}[key]
            if o is MISSING:
                out.append(f"Now {what} {_seconds(n)}.")
            elif n is MISSING:
                out.append({"TimeoutSeconds": f"No longer gives up after {_seconds(o)}.",
                            "HeartbeatSeconds": "No longer expects heartbeats.",
                            "Seconds": f"No longer waits {_seconds(o)}."}[key])
            else:
                out.append(f"Now {what} {_seconds(n)} instead of {_seconds(o)}.")
        elif key == "Resource" and not deep:
            params_new = new.get("Arguments", new.get("Parameters"))
            params_old = old.get("Arguments", old.get("Parameters"))
            out.append(_task_change(task_sentence(o, params_old), task_sentence(n, params_new)))
        elif key == "Comment" and not deep:
            out.append(f"Comment now reads {value_words(n, 120)}." if n is not MISSING else "Comment removed.")
        elif key == "ResultPath" and not deep:
            out.append(f"Now keeps its result in {_where(n)} instead of {_where(o)}.")
        elif key in ("Error", "Cause") and not deep:
            out.append(f"{'Error' if key == 'Error' else 'Cause'}: {_instead(o, n)}.")
        else:
            out.append(f"{_field_words(parts)}: {_instead(o, n)}.")
    return out


def _task_change(old: str, new: str) -> str:
    if old == new:
        return f"Task: still “{_lower(new)}”, called differently."
    return f"Task: now “{_lower(new)}” instead of “{_lower(old)}”."


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _where(path: Any) -> str:
    if path is MISSING or path == "$":
        return "place of its input"
    if path is None:
        return "nothing (its input passes on unchanged)"
    return wording.path_words(path)


def _label(kind: Any) -> str:
    return wording.STATE_TYPES[kind][0] if kind in wording.STATE_TYPES else str(kind)


_TARGET_FIELDS = {"FunctionName", "TopicArn", "QueueUrl", "TableName", "StateMachineArn", "JobName"}


def _params(changes: list[FieldChange], rel: list[list[str]], old: dict, new: dict) -> list[str]:
    """Parameters / Arguments: a new target reads as the task's sentence, the rest field by field."""
    out = []
    rest_changes, rest_rel = [], []
    for change, parts in zip(changes, rel):
        if len(parts) == 2 and parts[1].removesuffix(".$") in _TARGET_FIELDS and new.get("Type") == "Task":
            out.append(_task_change(task_sentence(old.get("Resource"), old.get(parts[0])),
                                    task_sentence(new.get("Resource"), new.get(parts[0]))))
        else:
            rest_changes.append(change)
            rest_rel.append(parts)
    return out + _simple(rest_changes, rest_rel, old, new)


GROUPS = {"Retry": _retry, "Choices": _choices, "Catch": _catch, "Parameters": _params, "Arguments": _params}


class Narratives:
    """Both versions' steps in words, told once (on first use) for all the changes of one diff."""

    def __init__(self, old_definition: Any, new_definition: Any):
        self.definitions = {"old": old_definition, "new": new_definition}
        self.steps: dict[str, dict] = {}

    def step(self, side: str, pointer: str | None):
        if side not in self.steps:
            self.steps[side] = explain(self.definitions[side]).by_pointer()
        return self.steps[side].get(pointer)


def state_change_words(change: StateChange, old_definition: Any, new_definition: Any,
                       narratives: Narratives | None = None) -> list[str]:
    """The change to one state as sentences, for the inspector."""
    narratives = narratives or Narratives(old_definition, new_definition)
    if change.kind == "added":
        step = narratives.step("new", change.pointer)
        return ["New step." + (f" {step.text}" if step else "")]
    if change.kind == "removed":
        step = narratives.step("old", change.old_pointer)
        return ["Removed." + (f" It did this: {step.text}" if step else "")]
    old = _resolve(old_definition, change.old_pointer)
    new = _resolve(new_definition, change.pointer)
    old, new = (old if isinstance(old, dict) else {}), (new if isinstance(new, dict) else {})
    out = [f"Renamed from “{change.old_name}”."] if change.kind == "renamed" else []
    base = len(change.pointer)
    rel = [[unescape(p) for p in f.pointer[base:].split("/")[1:]] for f in change.fields]
    pairs = list(zip(change.fields, rel))
    for key, group in groupby(pairs, key=lambda pair: pair[1][0] if pair[1] else ""):
        group = list(group)
        describe = GROUPS.get(key, _simple)
        out.extend(describe([c for c, _ in group], [r for _, r in group], old, new))
    if not out:
        out.append("Changed.")
    return out


def top_change_words(change: FieldChange) -> str:
    key = unescape(change.pointer.split("/")[1]) if change.pointer.count("/") >= 1 else ""
    o, n = change.old, change.new
    if key == "StartAt" and change.pointer == "/StartAt":
        return f"The workflow now starts at {_name(n)} instead of {_name(o)}."
    if key == "QueryLanguage" and change.pointer == "/QueryLanguage":
        return f"Expressions are now written in {n if n is not MISSING else 'JSONPath'} instead of " \
               f"{o if o is not MISSING else 'JSONPath'}."
    if key == "TimeoutSeconds" and change.pointer == "/TimeoutSeconds":
        if n is MISSING:
            return "The whole workflow no longer has a time limit."
        if o is MISSING:
            return f"The whole workflow must now finish within {_seconds(n)}."
        return f"The whole workflow must now finish within {_seconds(n)} instead of {_seconds(o)}."
    if key == "Comment" and change.pointer == "/Comment":
        return f"The workflow's description now reads {value_words(n, 120)}." if n is not MISSING else \
            "The workflow's description was removed."
    if not key:
        return "The whole definition changed."
    return f"Workflow setting {_field_words([unescape(p) for p in change.pointer.split('/')[1:]])}: {_instead(o, n)}."


def edge_words(edge: EdgeChange) -> str:
    source = "the start" if edge.source is None else f"“{edge.source}”"
    how = {"next": "", "choice": " (a choice rule)", "default": " (otherwise)", "catch": " (on error)",
           "start": ""}.get(edge.how, "")
    return f"{'New' if edge.kind == 'added' else 'Removed'} path from {source} to “{edge.target}”{how}."


def summary(d: Diff) -> str:
    """"2 steps added, 1 removed, 3 changed" (renames and workflow settings after), or "No changes"."""
    if d.empty:
        return "No changes"
    counts = [(d.count(kind), kind) for kind in ("added", "removed", "changed", "renamed")]
    parts = [f"{count} {kind}" for count, kind in counts if count]
    if parts:
        first = next(count for count, _ in counts if count)
        parts[0] = parts[0].replace(" ", f" step{'s' if first != 1 else ''} ", 1)
    if d.top:
        parts.append(f"{len(d.top)} workflow setting{'s' if len(d.top) != 1 else ''} changed")
    return ", ".join(parts)
