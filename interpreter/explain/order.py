"""Reading order: the order in which a person would tell a workflow's steps.

From the first step, follow the main line (Next, then the Choice rules in order, then Default)
before the error paths (Catch), and tell a step only once every step that leads to it has been
told, so that two paths that meet (approve or reject, then notify) are both told before the step
where they meet. Loops are told once: a transition back to a step on the current path does not
hold that step back. Steps no path reaches come last, in the order written.
"""
from __future__ import annotations

from ..shape import transitions


def successors(state: object, names: dict) -> list[str]:
    """Where a state can go, main line first, then its catchers; each name once."""
    main, errors = [], []
    for kind, _, target in transitions(state):
        if target in names:
            (errors if kind == "catch" else main).append(target)
    out = []
    for target in main + errors:
        if target not in out:
            out.append(target)
    return out


def reading_order(states: dict, start: object) -> tuple[list[str], set[str]]:
    """The states' names in reading order, and the set of those reachable from ``start``."""
    if not isinstance(start, str) or start not in states:
        return list(states), set()
    succ = {name: successors(state, states) for name, state in states.items()}
    # Depth-first from the start, preferring the main line: edges back onto the current path
    # are loops, and the rest form a graph without cycles.
    back: set[tuple[str, str]] = set()
    on_path, done = {start}, set()
    stack = [(start, iter(succ[start]))]
    while stack:
        name, targets = stack[-1]
        for target in targets:
            if target in on_path:
                back.add((name, target))
            elif target not in done:
                on_path.add(target)
                stack.append((target, iter(succ[target])))
                break
        else:
            stack.pop()
            on_path.discard(name)
            done.add(name)
    waiting = {name: 0 for name in done}
    for name in done:
        for target in succ[name]:
            if (name, target) not in back:
                waiting[target] += 1
    order: list[str] = []
    ready = [start]
    while ready:
        name = ready.pop()
        order.append(name)
        for target in reversed(succ[name]):
            if (name, target) in back:
                continue
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    # Pushing in reverse makes the main line come off the stack first; the catchers' targets
    # wait underneath until the main line is told.
    return order + [name for name in states if name not in done], done
