"""The drawings of a comparison: the newer version with the removed steps put back, ghosted,
where they were (one graph), and each version on its own (side by side), each step and arrow
marked added, changed or removed."""
from __future__ import annotations

import copy
from typing import Any

from interpreter.compare import Diff

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
MARK_COLOURS = {ADDED: ("#dcfce7", "#15803d"), CHANGED: ("#fef3c7", "#d97706"), REMOVED: ("#fee2e2", "#dc2626")}


def marks_css(scope: str, marks: dict[str, str]) -> str:
    """The marks as CSS on the drawing's ids, for pages before (and without) any script and for
    print. State ids are [a-z0-9-] only, so nothing here needs escaping."""
    from .. import graph

    rules = []
    for name, mark in marks.items():
        fill, line = MARK_COLOURS[mark]
        rules.append(f"#{scope} #{graph.state_dom_id(name)} > :is(polygon, path) {{ fill: {fill}; stroke: {line}; "
                     f"stroke-width: 2.5;{' stroke-dasharray: 5 3; opacity: 0.65;' if mark == REMOVED else ''} }}")
    return "\n".join(rules)


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _at(doc: Any, pointer: str) -> Any:
    for part in [_unescape(p) for p in pointer.split("/")[1:]] if pointer else []:
        try:
            doc = doc[int(part)] if isinstance(doc, list) else doc[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return doc


def _follow_renames(state: Any, renames: dict[str, str]) -> Any:
    """A removed step's transitions, pointing at the new names of steps renamed since."""
    if not isinstance(state, dict) or not renames:
        return state
    state = copy.deepcopy(state)
    for key in ("Next", "Default"):
        if isinstance(state.get(key), str):
            state[key] = renames.get(state[key], state[key])
    for key in ("Choices", "Catch"):
        for item in state.get(key) or [] if isinstance(state.get(key), list) else []:
            if isinstance(item, dict) and isinstance(item.get("Next"), str):
                item["Next"] = renames.get(item["Next"], item["Next"])
    return state


def union_definition(old: Any, new: Any, d: Diff) -> Any:
    """The new definition with every removed step back in its program (or, when its whole branch
    went, with the branch back in its Parallel), pointing where it pointed."""
    if not isinstance(new, dict):
        return new
    union = copy.deepcopy(new)
    for change in d.states:
        if change.kind != REMOVED:
            continue
        if change.inside is None:
            program = _at(union, change.program)
            states = program.get("States") if isinstance(program, dict) else None
            if isinstance(states, dict) and change.name not in states:
                states[change.name] = _follow_renames(change.value, d.renames)
        elif change.inside.rsplit("/", 2)[-2:-1] == ["Branches"]:
            # A whole branch removed from a Parallel that is still there: draw it back, last.
            parallel = _at(union, change.inside.rsplit("/", 2)[0])
            old_branch = _at(old, change.old_pointer.rsplit("/States/", 1)[0])
            if isinstance(parallel, dict) and isinstance(parallel.get("Branches"), list) and isinstance(old_branch, dict):
                if not any(b is old_branch or b == old_branch for b in parallel["Branches"]):
                    parallel["Branches"].append(copy.deepcopy(old_branch))
    return union


def state_marks(d: Diff, side: str) -> dict[str, str]:
    """State name -> "added" / "changed" / "removed", for one drawing: ``"union"`` (the new
    version with removed steps put back), ``"new"`` or ``"old"`` (names as each version has them)."""
    marks: dict[str, str] = {}
    for change in d.states:
        if change.kind == REMOVED and side in ("union", "old"):
            marks[change.name] = REMOVED
        elif change.kind == ADDED and side in ("union", "new"):
            marks[change.name] = ADDED
        elif change.kind in ("changed", "renamed"):
            marks[change.old_name if side == "old" else change.name] = CHANGED
    return marks


def edge_marks(d: Diff, side: str) -> list[dict]:
    """The transitions added (new, union) and removed (old, union): source, target and kind."""
    back = {new: old for old, new in d.renames.items()}
    out = []
    for edge in d.edges:
        if edge.kind == "added" and side in ("union", "new"):
            out.append({"mark": ADDED, "source": edge.source, "target": edge.target, "how": edge.how})
        elif edge.kind == "removed" and side in ("union", "old"):
            names = (lambda n: back.get(n, n)) if side == "old" else (lambda n: n)
            out.append({"mark": REMOVED, "source": None if edge.source is None else names(edge.source),
                        "target": names(edge.target), "how": edge.how})
    return out

