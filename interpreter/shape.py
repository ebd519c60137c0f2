"""The shape of a definition as plain JSON: its programs, their states and the transitions.

These read the definition as written (a dict), not the parsed machine, so they also work on
definitions that do not validate: the version diff, the narrative and the mock-fit check must say
something useful about a broken definition rather than refuse it. Nothing here raises on odd
input; what is not the expected type is skipped.
"""
from __future__ import annotations

from typing import Any, Iterator

from .diagnostic import escape


def states_of(program: Any) -> dict:
    """A program's ``States`` object (empty when missing or not an object)."""
    states = program.get("States") if isinstance(program, dict) else None
    return states if isinstance(states, dict) else {}


def start_of(program: Any) -> str | None:
    start = program.get("StartAt") if isinstance(program, dict) else None
    return start if isinstance(start, str) else None


def sub_programs(state: Any) -> list[tuple[str, dict]]:
    """The programs nested in a state, each with its pointer relative to the state: a Parallel's
    branches (``/Branches/0``...), a Map's item processor (``/ItemProcessor``, or the legacy
    ``/Iterator``)."""
    if not isinstance(state, dict):
        return []
    out = []
    if state.get("Type") == "Parallel" and isinstance(state.get("Branches"), list):
        out = [(f"/Branches/{i}", b) for i, b in enumerate(state["Branches"]) if isinstance(b, dict)]
    elif state.get("Type") == "Map":
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                out.append((f"/{key}", state[key]))
                break
    return out


def transitions(state: Any) -> list[tuple[str, str, str]]:
    """Where a state can go next, in the order it is written: ``(kind, pointer, target)`` with
    ``kind`` one of ``next``, ``choice``, ``default``, ``catch`` and the pointer relative to the
    state (``/Next``, ``/Choices/1/Next``, ``/Default``, ``/Catch/0/Next``)."""
    if not isinstance(state, dict):
        return []
    out = []
    choices = state.get("Choices")
    if isinstance(choices, list):
        for i, rule in enumerate(choices):
            if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
                out.append(("choice", f"/Choices/{i}/Next", rule["Next"]))
    if isinstance(state.get("Default"), str):
        out.append(("default", "/Default", state["Default"]))
    if isinstance(state.get("Next"), str):
        out.append(("next", "/Next", state["Next"]))
    catchers = state.get("Catch")
    if isinstance(catchers, list):
        for i, catcher in enumerate(catchers):
            if isinstance(catcher, dict) and isinstance(catcher.get("Next"), str):
                out.append(("catch", f"/Catch/{i}/Next", catcher["Next"]))
    return out


def walk(program: Any, pointer: str = "") -> Iterator[tuple[str, str, dict, str]]:
    """Every state at every nesting level, in the order written, a state before the programs it
    holds: ``(name, pointer of the state, state, pointer of its program)``."""
    for name, state in states_of(program).items():
        here = f"{pointer}/States/{escape(name)}"
        yield name, here, state, pointer
        for suffix, sub in sub_programs(state):
            yield from walk(sub, here + suffix)


def reachable(program: Any, pointer: str = "") -> Iterator[tuple[str, str, dict]]:
    """The states a run can reach, at every nesting level: from each program's StartAt along
    every transition (Catch included), into the branches and item processors of the states
    reached. Yields ``(name, pointer, state)`` once per state, in the order first reached."""
    states = states_of(program)
    start = start_of(program)
    if start not in states:
        return
    seen, todo = {start}, [start]
    while todo:
        name = todo.pop(0)
        state = states[name]
        here = f"{pointer}/States/{escape(name)}"
        yield name, here, state
        for suffix, sub in sub_programs(state):
            yield from reachable(sub, here + suffix)
        for _, _, target in transitions(state):
            if target in states and target not in seen:
                seen.add(target)
                todo.append(target)
