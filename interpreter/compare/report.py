"""The structural diff as data for people and programs: what the API returns and the CLI prints."""
from __future__ import annotations

from typing import Any

from .structural import Diff, diff
from .words import Narratives, edge_words, state_change_words, summary, top_change_words


def diff_report(old: Any, new: Any, d: Diff | None = None) -> dict:
    """``{"summary", "empty", "states": [...], "edges": [...], "top": [...], "renames"}``; each state
    change with its sentences (``changes``) and its raw field changes (``fields``: JSON Pointers
    with old and new values)."""
    d = d if d is not None else diff(old, new)
    narratives = Narratives(old, new)
    states = []
    for change in d.states:
        entry = {"kind": change.kind, "name": change.name, "oldName": change.old_name, "type": change.type,
                 "oldType": change.old_type, "pointer": change.pointer, "oldPointer": change.old_pointer,
                 "program": change.program, "inside": change.inside,
                 "changes": state_change_words(change, old, new, narratives),
                 "fields": [f.as_dict() for f in change.fields]}
        if change.kind in ("added", "removed"):
            entry["value"] = change.value
        states.append(entry)
    return {
        "summary": summary(d),
        "empty": d.empty,
        "states": states,
        "edges": [{**e.as_dict(), "words": edge_words(e)} for e in d.edges],
        "top": [{**t.as_dict(), "words": top_change_words(t)} for t in d.top],
        "renames": d.renames,
    }


def report_text(report: dict) -> str:
    """The report as lines of text: the summary, then each change."""
    lines = [report["summary"] + "."]
    for top in report["top"]:
        lines.append(f"- {top['words']}")
    for state in report["states"]:
        if state["inside"]:
            continue
        lines.append(f"- {state['name']} ({state['kind']}):")
        lines.extend(f"    {sentence}" for sentence in state["changes"])
    return "\n".join(lines) + "\n"
