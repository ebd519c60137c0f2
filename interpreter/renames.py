"""Which states of a definition were renamed in the next one.

A saved version only holds the new definition, so renames are read from the two definitions: a
state that is gone and a state that is new are the same state renamed when they are of the same
type and either

1. their bodies are the same apart from where they go next (a plain rename, the usual case), or
2. the same transitions lead to them (the same steps' Next, Default, Choice rules and catchers, or
   the container's StartAt), after the renames already found are applied to those steps: a step
   renamed and edited in the same save.

A pair is taken only when it is the one candidate on both sides; anything ambiguous is left as a
deletion and an addition, because attaching someone's comments or mocks to the wrong step is worse
than showing them as "on a removed step". Pure Python over plain JSON data.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

_NESTED = ("Branches", "ItemProcessor", "Iterator")


@dataclass
class _State:
    type: Any
    state: dict
    refs: set[tuple[str, str]] = field(default_factory=set)  # (referring step or "", how it refers)
    _body: str | None = None

    @property
    def body(self) -> str:
        """The state without its transitions or nested machines, as JSON text. Made on first use:
        only the states gone and the states new are ever compared (most of a big workflow is
        neither)."""
        if self._body is None:
            self._body = _without_transitions(self.state)
        return self._body


def _without_transitions(state: dict) -> str:
    body = {k: v for k, v in state.items() if k not in ("Next", "Default", "End") and k not in _NESTED}
    for key in ("Choices", "Catch"):
        if isinstance(body.get(key), list):
            body[key] = [{k: v for k, v in item.items() if k != "Next"} if isinstance(item, dict) else item
                         for item in body[key]]
    return json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)


def _collect(definition: Any) -> dict[str, _State]:
    states: dict[str, _State] = {}
    machines = [(definition, "")]
    while machines:
        machine, where = machines.pop()
        table = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(table, dict):
            continue
        for name, state in table.items():
            if not isinstance(state, dict):
                continue  # not a state at all: the validator says so; nothing to follow
            states.setdefault(name, _State(state.get("Type"), state))
            for i, branch in enumerate(state.get("Branches") or [] if isinstance(state.get("Branches"), list) else []):
                machines.append((branch, f"{name}/branch {i}"))
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), dict):
                    machines.append((state[key], f"{name}/items"))
        start = machine.get("StartAt")
        if isinstance(start, str) and start in states:
            states[start].refs.add(("", f"start of {where}"))
        for name, state in table.items():
            if not isinstance(state, dict):
                continue
            for how, target in _transitions(state):
                if isinstance(target, str) and target in states:
                    states[target].refs.add((name, how))
    return states


def _transitions(state: dict):
    if "Next" in state:
        yield "Next", state["Next"]
    if "Default" in state:
        yield "Default", state["Default"]
    for key in ("Choices", "Catch"):
        items = state.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and "Next" in item:
                    yield f"{key}/{i}", item["Next"]


def state_renames(old: Any, new: Any) -> dict[str, str]:
    """``{old name: new name}`` for every state of ``old`` that ``new`` has under another name."""
    before, after = _collect(old), _collect(new)
    gone = [n for n in before if n not in after]
    added = [n for n in after if n not in before]
    renames: dict[str, str] = {}

    def take(match) -> bool:
        found = False
        for name in [n for n in gone if n not in renames]:
            taken = set(renames.values())
            candidates = [a for a in added if a not in taken and after[a].type == before[name].type and match(name, a)]
            if len(candidates) != 1:
                continue
            rivals = [g for g in gone if g not in renames and before[g].type == after[candidates[0]].type
                      and match(g, candidates[0])]
            if rivals == [name]:
                renames[name] = candidates[0]
                found = True
        return found

    take(lambda g, a: before[g].body == after[a].body)

    def same_refs(g: str, a: str) -> bool:
        refs = {(renames.get(step, step), how) for step, how in before[g].refs}
        return bool(refs) and refs == after[a].refs

    while take(same_refs):
        pass
    return renames
