"""The workflow in plain words: numbered steps in reading order, nested parts indented.

    from interpreter.explain import explain
    narrative = explain(definition)
    print(narrative.text())          # what the CLI prints
    narrative.as_dict()              # what the API returns

Deterministic (the same definition always reads the same), no network, and it never fails: a
definition that does not validate is described as far as it can be, and a step that cannot be
put in words gets a neutral sentence naming its type. The phrases come from
:mod:`interpreter.wording`, the vocabulary the editor and the graph use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..diagnostic import escape
from ..shape import start_of, states_of
from .order import reading_order
from .sentences import GLOSSARY, Context, describe_state, duration_phrase, neutral_sentence, sentence

INDENT = "   "


@dataclass
class Group:
    """The steps of a Parallel branch or of a Map's item processor."""
    label: str
    steps: list["Step"]

    def as_dict(self) -> dict:
        return {"label": self.label, "steps": [s.as_dict() for s in self.steps]}


@dataclass
class Step:
    number: str
    state: str
    pointer: str
    type: str | None
    text: str                          # what it does (before any nested steps)
    groups: list[Group] = field(default_factory=list)
    after: str = ""                    # what happens once the nested steps are done
    reachable: bool = True

    def as_dict(self) -> dict:
        return {"number": self.number, "state": self.state, "pointer": self.pointer, "type": self.type,
                "text": self.text, "groups": [g.as_dict() for g in self.groups], "after": self.after,
                "reachable": self.reachable}

    def lines(self, depth: int) -> list[str]:
        pad = INDENT * depth
        out = [f"{pad}{self.number}. {self.state}: {self.text}"]
        for group in self.groups:
            inner = depth + 1
            if group.label:
                out.append(f"{INDENT * inner}{group.label}:")
                inner += 1
            for step in group.steps:
                out.extend(step.lines(inner))
        if self.after:
            out.append(f"{INDENT * (depth + 1)}{self.after}")
        return out


@dataclass
class Narrative:
    intro: list[str]
    steps: list[Step]

    def text(self) -> str:
        lines = [" ".join(self.intro), ""] if self.intro else []
        for step in self.steps:
            lines.extend(step.lines(0))
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict:
        return {"intro": self.intro, "steps": [s.as_dict() for s in self.steps], "text": self.text()}

    def all_steps(self) -> list[Step]:
        """Every step at every level, outer steps before the steps nested in them."""
        out: list[Step] = []
        todo = list(self.steps)
        while todo:
            step = todo.pop(0)
            out.append(step)
            for group in step.groups:
                todo.extend(group.steps)
        return out

    def by_state(self) -> dict[str, Step]:
        """Every step by state name (the outermost, should a name repeat)."""
        out: dict[str, Step] = {}
        for step in self.all_steps():
            out.setdefault(step.state, step)
        return out

    def by_pointer(self) -> dict[str, Step]:
        return {step.pointer: step for step in self.all_steps()}


def explain(definition: Any, glossary: Mapping[str, str] | None = None) -> Narrative:
    """The narrative of a definition (a dict as parsed from JSON or YAML); ``glossary`` names
    pieces of data in plain words (``{"$.checks[0].flagged": "the identity check's flag"}``)."""
    token = GLOSSARY.set(glossary)
    try:
        return _explain(definition)
    finally:
        GLOSSARY.reset(token)


def _explain(definition: Any) -> Narrative:
    intro = []
    if isinstance(definition, dict):
        if isinstance(definition.get("Comment"), str) and definition["Comment"].strip():
            intro.append(sentence(definition["Comment"]))
        timeout = definition.get("TimeoutSeconds")
        if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0:
            intro.append(f"The whole workflow must finish within {duration_phrase(timeout)}, or it times out.")
    else:
        intro.append("This is not a workflow definition (it is not a JSON object), so there are no steps to tell.")
        return Narrative(intro, [])
    if not states_of(definition):
        intro.append("The workflow has no steps yet.")
    elif start_of(definition) not in states_of(definition):
        intro.append("It names no first step that exists, so a run cannot start.")
    return Narrative(intro, _program(definition, "", "", "workflow"))


def _program(program: Any, pointer: str, prefix: str, scope: str, first: int = 1) -> list[Step]:
    """Steps of one program (the machine, a branch, an item processor) numbered from ``first``."""
    states = states_of(program)
    order, reachable = reading_order(states, start_of(program))
    numbers = {name: f"{prefix}{first + i}" for i, name in enumerate(order)}
    position = {name: i for i, name in enumerate(order)}
    steps = []
    for i, name in enumerate(order):
        state = states[name]
        here = f"{pointer}/States/{escape(name)}"
        following = order[i + 1] if i + 1 < len(order) else None
        ctx = Context(numbers=numbers, scope=scope, following=following, position=position, current=name)
        try:
            text, nested, after = describe_state(name, state, ctx)
        except Exception:  # noqa: BLE001 - the narrative never fails; this step gets a neutral sentence
            text, nested, after = neutral_sentence(state), [], ""
        groups = []
        for label, sub_pointer, sub_program, sub_scope in nested:
            start = 1 if not groups else _next_number(groups, numbers[name])
            groups.append(Group(label, _program(sub_program, here + sub_pointer, numbers[name] + ".",
                                                sub_scope, start)))
        if name not in reachable and reachable:
            text += " No step leads here, so a run never gets to it."
        kind = state.get("Type") if isinstance(state, dict) else None
        steps.append(Step(numbers[name], name, here, kind if isinstance(kind, str) else None, text, groups,
                          after, name in reachable))
    return steps


def _next_number(groups: list[Group], number: str) -> int:
    """Numbers go on across a Parallel's branches (1.1, 1.2 in the first; 1.3 in the second), so
    that each step of the workflow has its own number."""
    return 1 + sum(len(g.steps) for g in groups)
