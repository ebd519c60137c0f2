"""The drawings of a comparison, as layers over the workflow graph (:mod:`designer.graph.layers`):

* ``union``: the newer version with every removed step put back where it was, ghosted in red,
  and the removed arrows (Next, Default, Choice rules, error paths) of the steps still there drawn back beside the
  new ones; added steps and arrows green, changed steps amber;
* ``old`` and ``new``: each version on its own (side by side), the old one with what was removed
  or changed marked, the new one with what was added or changed.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from interpreter.compare import Diff, EdgeChange
from interpreter.diagnostic import resolve, unescape

from ..graph import EdgeKey, Layer, Mark

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
STATE_MARKS = {
    ADDED: Mark(fill="#dcfce7", colour="#15803d", width=2.5, classes=("diff-added",)),
    CHANGED: Mark(fill="#fef3c7", colour="#d97706", width=2.5, classes=("diff-changed",)),
    REMOVED: Mark(fill="#fef2f2", colour="#dc2626", width=1.5, dashed=True, classes=("diff-removed",)),
}
EDGE_MARKS = {
    ADDED: Mark(colour="#15803d", width=2.5, classes=("diff-added",)),
    REMOVED: Mark(colour="#dc2626", width=1.5, dashed=True, classes=("diff-removed",)),
}


def _follow_renames(state: Any, renames: dict[str, str]) -> Any:
    """A removed step's transitions, pointing at the new names of steps renamed since."""
    state = copy.deepcopy(state)
    if not isinstance(state, dict) or not renames:
        return state
    for key in ("Next", "Default"):
        if isinstance(state.get(key), str):
            state[key] = renames.get(state[key], state[key])
    for key in ("Choices", "Catch"):
        for item in state.get(key) or [] if isinstance(state.get(key), list) else []:
            if isinstance(item, dict) and isinstance(item.get("Next"), str):
                item["Next"] = renames.get(item["Next"], item["Next"])
    return state


@dataclass
class Union:
    """The newer version with what was removed drawn back, and the keys of the arrows drawn back."""
    definition: Any
    ghost_edges: list[EdgeKey] = field(default_factory=list)


def union_definition(old: Any, new: Any, d: Diff) -> Union:
    if not isinstance(new, dict):
        return Union(new)
    union = Union(copy.deepcopy(new))
    for change in d.states:
        if change.kind != REMOVED:
            continue
        if change.inside is None:
            program = resolve(union.definition, change.program)
            states = program.get("States") if isinstance(program, dict) else None
            if isinstance(states, dict) and change.name not in states:
                states[change.name] = _follow_renames(change.value, d.renames)
        elif change.inside.rsplit("/", 2)[-2:-1] == ["Branches"]:
            # A whole branch removed from a Parallel that is still there: drawn back, last.
            parallel = resolve(union.definition, change.inside.rsplit("/", 2)[0])
            old_branch = resolve(old, change.old_pointer.rsplit("/States/", 1)[0])
            if isinstance(parallel, dict) and isinstance(parallel.get("Branches"), list) and isinstance(old_branch, dict):
                if not any(b == old_branch for b in parallel["Branches"]):
                    parallel["Branches"].append(copy.deepcopy(old_branch))
    _ghost_rules(union, old, d)
    return union


def _ghost_rules(union: Union, old: Any, d: Diff) -> None:
    """Removed Choice rules and catchers of steps still there, appended after the new ones (so
    the new ones keep their numbers), pointing where they pointed."""
    removed_names = {(s.program, s.name) for s in d.states if s.kind == REMOVED}
    back = {n: o for o, n in d.renames.items()}
    for edge in d.edges:
        if edge.kind != REMOVED or edge.how not in ("choice", "catch") or edge.source is None:
            continue
        if (edge.program, edge.source) in removed_names:
            continue  # drawn with its ghost step already
        state = _state(union.definition, edge.program, edge.source)
        old_state = _state(old, edge.old_program, back.get(edge.source, edge.source))
        key = "Choices" if edge.how == "choice" else "Catch"
        if not isinstance(state, dict) or not isinstance(old_state, dict) or not isinstance(old_state.get(key), list):
            continue
        for item in old_state[key]:
            if isinstance(item, dict) and d.renames.get(item.get("Next"), item.get("Next")) == edge.target:
                entries = state.setdefault(key, [])
                if not isinstance(entries, list):
                    break
                entries.append({**copy.deepcopy(item), "Next": edge.target})
                union.ghost_edges.append(EdgeKey(edge.source, edge.how, len(entries) - 1))
                break


def _state(definition: Any, program: str, name: str | None) -> Any:
    states = resolve(definition, program + "/States") if name is not None else None
    return states.get(name) if isinstance(states, dict) else None


def state_marks(d: Diff, side: str) -> dict[str, str]:
    """State name -> "added" / "changed" / "removed", for one drawing: ``"union"``, ``"new"`` or
    ``"old"`` (names as each drawing has them)."""
    marks: dict[str, str] = {}
    for change in d.states:
        if change.kind == REMOVED and side in ("union", "old"):
            marks[change.name] = REMOVED
        elif change.kind == ADDED and side in ("union", "new"):
            marks[change.name] = ADDED
        elif change.kind in ("changed", "renamed"):
            marks[change.old_name if side == "old" else change.name] = CHANGED
    return marks


def _edge_keys(definition: Any, edge: EdgeChange, program: str, source: str | None, target: str) -> list[EdgeKey]:
    """The graph's keys of one transition in one drawing (a Choice may have several rules to it)."""
    if edge.how == "start":
        if program == "":
            return [EdgeKey("", "start")]
        container, _, rest = program.rpartition("/States/")[2].partition("/")
        name = unescape(container)
        if rest.startswith("Branches/"):
            return [EdgeKey(name, "branch", int(rest.split("/")[1]))]
        return [EdgeKey(name, "items")]
    state = _state(definition, program, source)
    if not isinstance(state, dict):
        return []
    if edge.how in ("next", "default"):
        return [EdgeKey(source, edge.how)]
    items = state.get("Choices" if edge.how == "choice" else "Catch")
    if not isinstance(items, list):
        return []
    return [EdgeKey(source, edge.how, i) for i, item in enumerate(items)
            if isinstance(item, dict) and item.get("Next") == target]


def layers(d: Diff, old: Any, new: Any, union: Union) -> dict[str, Layer]:
    """One layer per drawing: ``union``, ``old``, ``new``."""
    back = {n: o for o, n in d.renames.items()}
    out = {}
    for side in ("union", "old", "new"):
        states = {name: STATE_MARKS[mark] for name, mark in state_marks(d, side).items()}
        notes = {c.name if side != "old" else c.old_name: f"renamed from {c.old_name}" if side != "old"
                 else f"renamed to {c.name}" for c in d.states if c.kind == "renamed"}
        for name, note in notes.items():
            base = states.get(name, STATE_MARKS[CHANGED])
            states[name] = Mark(fill=base.fill, colour=base.colour, width=base.width, classes=base.classes, note=note)
        edges: dict[EdgeKey, Mark] = {}
        for edge in d.edges:
            if edge.kind == "added" and side in ("union", "new"):
                keys = _edge_keys(new, edge, edge.program, edge.source, edge.target)
            elif edge.kind == REMOVED and side == "old":
                source = None if edge.source is None else back.get(edge.source, edge.source)
                keys = _edge_keys(old, edge, edge.old_program, source, back.get(edge.target, edge.target))
            elif edge.kind == REMOVED and side == "union" and _state(union.definition, edge.program, edge.source) \
                    is not None and _is_ghost(d, edge):
                keys = _edge_keys(union.definition, edge, edge.program, edge.source, edge.target)
            else:
                continue
            for key in keys:
                edges[key] = EDGE_MARKS[edge.kind]
        extra: dict[EdgeKey, str] = {}
        if side == "union":
            for key in union.ghost_edges:
                edges[key] = EDGE_MARKS[REMOVED]
            extra = _former_transitions(d, union)
            edges.update({key: EDGE_MARKS[REMOVED] for key in extra})
        out[side] = Layer("diff", states=states, edges=edges, extra_edges=extra)
    return out


def _former_transitions(d: Diff, union: Union) -> dict[EdgeKey, str]:
    """The removed Next and Default of steps still there (a step's one Next cannot be written
    twice into the definition), drawn beside the new ones, to where they went."""
    out: dict[EdgeKey, str] = {}
    for edge in d.edges:
        if edge.kind != REMOVED or edge.how not in ("next", "default") or edge.source is None or _is_ghost(d, edge):
            continue
        state = _state(union.definition, edge.program, edge.source)
        if not isinstance(state, dict) or _state(union.definition, edge.program, edge.target) is None:
            continue  # its step or the step it went to is not drawn (moved elsewhere)
        key = EdgeKey(edge.source, edge.how, 1)
        while key in out:
            key = EdgeKey(key.source, key.kind, key.index + 1)
        out[key] = edge.target
    return out


def _is_ghost(d: Diff, edge: EdgeChange) -> bool:
    """Whether a removed transition leaves a removed step (drawn back with the step)."""
    return any(s.kind == REMOVED and s.program == edge.program and s.name == edge.source for s in d.states)
