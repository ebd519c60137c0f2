"""Transitions of one scope (the machine, a branch, a Map processor): targets exist, every state
can be reached from StartAt, and some reachable state ends the scope.

A state whose own transitions are unknown (it is not an object, has no valid Type, lacks Next,
has malformed Choices or Catch, or names a target that does not exist) is *open*: it is taken to
lead anywhere and possibly to end. Its own problem is reported where it is; the states "cannot be
reached" and "never ends" that would follow from it are not, since they may be fine once it is
mended. A state is still reported unreachable when no path from StartAt reaches it even so.
"""
from __future__ import annotations

from .report import Report


def scope_name(where: tuple) -> str:
    if not where:
        return "The state machine"
    if "Branches" in where[-2:]:
        return f"Branch #{where[-1] + 1} of state '{where[-3]}'"
    return f"The {where[-1]} of state '{where[-2]}'"


def check_transitions(start: object, states: dict, where: tuple, edges: list, terminal: set, open_states: set,
                      report: Report) -> None:
    """``edges``: (target, pointer to the field naming it, what names it); ``terminal``: states that
    end the scope; ``open_states``: states whose transitions are unknown (see above)."""
    start_ok = type(start) is str and start in states
    if type(start) is str and not start_ok:
        report.error("MISSING_START", (*where, "StartAt"),
                     f"StartAt names '{start}', which is not a state in {scope_name(where).lower()}: "
                     f"pick one of its states.")
    adjacency: dict[str, list[str]] = {}
    source = len(where) + 1  # where the state's name sits in an edge's path
    for target, at, said in edges:
        name = at[source]
        if target not in states:
            report.error("MISSING_TRANSITION_TARGET", at,
                         f"{said} goes to '{target}', which does not exist: pick an existing state.", name)
            open_states.add(name)  # perhaps a misspelt name: where it was meant to go is unknown
        else:
            targets = adjacency.get(name)
            if targets is None:
                adjacency[name] = [target]  # not setdefault(name, []): that builds a list per edge
            else:
                targets.append(target)
    if not start_ok:
        return
    seen = {start}
    todo = [start]
    while todo:
        name = todo.pop()
        if name in open_states:
            seen.update(states)
            break
        for target in adjacency.get(name, ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    if len(seen) < len(states):
        for name in states:
            if name not in seen:
                report.error("UNREACHABLE_STATE", (*where, "States", name),
                             f"State '{name}' cannot be reached from StartAt '{start}': connect it with a Next, "
                             f"Default or Catch, or remove it.", name)
    if not (seen & terminal) and not (seen & open_states):
        report.error("NO_TERMINAL_STATE", (*where, "States"),
                     f"{scope_name(where)} never ends: no state it can reach is an end state. Mark a state "
                     f"with \"End\": true, or add a Succeed or Fail state.")
