"""A structural diff applied as a patch: ``apply_patch(old, diff(old, new)) == new``.

The diff is a view for people (states, edges, fields); this proves it complete. Order: renames
first, in the old definition, deepest first so that the pointers above are still the old ones
(with every transition and StartAt of their program following them); then, in the new
definition's coordinates, the field changes, the removed states and the added states.
"""
from __future__ import annotations

import copy
from typing import Any

from ..diagnostic import parts as pointer_parts
from .structural import MISSING, Diff, FieldChange


def _at(doc: Any, parts: list[str]) -> Any:
    for part in parts:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def _rename(doc: Any, old_pointer: str, new_name: str) -> None:
    parts = pointer_parts(old_pointer)
    program = _at(doc, parts[:-2])
    states, old_name = program["States"], parts[-1]
    program["States"] = {new_name if k == old_name else k: v for k, v in states.items()}
    if program.get("StartAt") == old_name:
        program["StartAt"] = new_name
    for state in program["States"].values():
        if not isinstance(state, dict):
            continue
        for key in ("Next", "Default"):
            if state.get(key) == old_name:
                state[key] = new_name
        for key in ("Choices", "Catch"):
            for item in state.get(key) or [] if isinstance(state.get(key), list) else []:
                if isinstance(item, dict) and item.get("Next") == old_name:
                    item["Next"] = new_name


def _set(doc: Any, change: FieldChange) -> Any:
    parts = pointer_parts(change.pointer)
    if not parts:
        return copy.deepcopy(change.new)
    parent, last = _at(doc, parts[:-1]), parts[-1]
    if change.new is MISSING:
        if isinstance(parent, list):
            del parent[int(last)]
        else:
            del parent[last]
    elif isinstance(parent, list):
        index = int(last)
        if index == len(parent):
            parent.append(copy.deepcopy(change.new))
        else:
            parent[index] = copy.deepcopy(change.new)
    else:
        parent[last] = copy.deepcopy(change.new)
    return doc


def _is_list_item(doc: Any, change: FieldChange) -> bool:
    parts = pointer_parts(change.pointer)
    if not parts:
        return False
    try:
        return isinstance(_at(doc, parts[:-1]), list)
    except (KeyError, IndexError, ValueError, TypeError):
        return False


def apply_patch(old: Any, d: Diff) -> Any:
    doc = copy.deepcopy(old)
    renamed = [s for s in d.states if s.kind == "renamed" and s.inside is None]
    for change in sorted(renamed, key=lambda s: -s.old_pointer.count("/")):
        _rename(doc, change.old_pointer, change.name)
    fields = list(d.top) + [f for s in d.states if s.kind in ("renamed", "changed") for f in s.fields]
    # Array items go last, removals from the end, so that no index moves under another change.
    plain = [f for f in fields if not _is_list_item(doc, f)]
    items = [f for f in fields if f not in plain]
    for change in plain:
        doc = _set(doc, change)
    for change in sorted((f for f in items if f.new is MISSING), key=lambda f: (f.pointer.rsplit("/", 1)[0],
                                                                                  -int(f.pointer.rsplit("/", 1)[1]))):
        doc = _set(doc, change)
    for change in (f for f in items if f.new is not MISSING):
        doc = _set(doc, change)
    for change in d.states:
        if change.inside is not None:
            continue
        if change.kind == "removed":
            parts = pointer_parts(change.pointer)
            del _at(doc, parts[:-1])[parts[-1]]
        elif change.kind == "added":
            parts = pointer_parts(change.pointer)
            _at(doc, parts[:-1])[parts[-1]] = copy.deepcopy(change.value)
    return doc
