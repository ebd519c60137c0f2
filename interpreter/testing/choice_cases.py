"""Suggested test cases for Choice rules and Defaults (split out of ``suggest.py``, a pure move):
the run of an existing case that enters the Choice gives the data its rules read; the values
``conditions.solve`` proposes are put where they come from, found by trying places (the input,
the mocked answers of the Tasks run before, the answers to callbacks) until a run shows them at
the Choice."""
from __future__ import annotations

import copy
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..definition import StateMachine
from ..inspection import EventSteps
from ..states.base import select
from . import conditions as cond
from .checks import code
from .coverage import CHOICE, Edge, ReplayScope, plain_event, variables_before
from .drafts import Draft, draft_of, get, leaves, path_words, set_at
from .runner import Case, CaseResult

if TYPE_CHECKING:
    from .suggest import Suggestion, _Search

MAX_CANDIDATES = 40          # places tried for one value


def _raw_state(machine: StateMachine, pointer: str) -> Any:
    node: Any = machine.definition
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def choice_case(search: _Search, target: Edge, case: Case, result: CaseResult, entered) -> tuple[Suggestion | None, str]:
    state = search.states[target.source]
    raw = _raw_state(search.machine, state.pointer)
    rules = raw.get("Choices") or []
    upto = target.index if target.kind == CHOICE else len(rules)
    label = f"rule {target.index + 1} of '{state.name}'" if target.kind == CHOICE else f"the Default of '{state.name}'"
    try:
        parts = [cond.Negation(cond.condition_of(rules[i], state.jsonata)) for i in range(upto)]
        if target.kind == CHOICE:
            parts.append(cond.condition_of(rules[target.index], state.jsonata))
        goal = cond.Junction("and", tuple(parts)) if parts else True
    except cond.Unsolvable as e:
        return None, f"{label}: {e.args[0]}"
    view = _ChoiceView(search, state, result.execution.events, entered)
    try:
        alternatives = cond.solve(goal, True, view.read)
    except cond.Unsolvable as e:
        return None, f"{label}: {e.args[0]}"
    reason = f"{label}: no values make it the one taken"
    for changes in alternatives:
        if search.out_of_time():
            break
        draft = draft_of(case)
        failed = None
        for ref, value in changes.items():
            draft, why = _place(search, draft, state, ref, value, view)
            if draft is None:
                failed = why
                break
        if failed:
            reason = f"{label}: {failed}"
            continue
        suggestion = search.offer(target, draft, case.name)
        if suggestion is not None:
            return suggestion, ""
        reason = f"{label}: a case with {'; '.join(draft.changes) or 'those values'} did not take it"
    return None, reason


class _ChoiceView:
    """What a Choice's rules read in one run: its input (after InputPath) and the variables."""

    def __init__(self, search: _Search, state: Any, events: list, entered: Any):
        self.state = state
        by_id = {e.id: plain_event(e) for e in events}
        here = by_id[entered.id]
        self.input = here.details.get("input")
        scope = ReplayScope(variables_before(by_id, here) or None, state.name)
        self.variables = scope.variables or {}
        try:
            self.data = self.input if state.jsonata else select(state.input_path, self.input, scope)
        except Exception:  # noqa: BLE001 - an InputPath that needs what the log lacks
            self.data = self.input
        # Tasks run before the Choice, in order, for where values come from.
        steps = EventSteps(search.machine)
        self.tasks_before: list[str] = []
        for e in events:
            if e.id >= entered.id:
                break
            step = steps.step(e.id, e.previous_event_id, e.type, e.details)
            if e.type.endswith("StateEntered") and search.states.get(step) is not None \
                    and search.states[step].type == "Task" and step not in self.tasks_before:
                self.tasks_before.append(step)

    def read(self, ref: cond.Ref) -> Any:
        if ref[0] == "var":
            if ref[1] not in self.variables:
                return cond.MISSING
            return get(self.variables[ref[1]], ref[2])
        return get(self.data, ref[1])


def _place(search: _Search, draft: Draft, state: Any, ref: cond.Ref, value: Any,
           view: _ChoiceView) -> tuple[Draft | None, str]:
    """``draft`` changed so that the Choice reads ``value`` at ``ref``, or None and why not."""
    current = view.read(ref)
    want = "removed" if value is cond.DELETE else code(value)
    candidates = list(_candidates(draft, ref, current, view))[:MAX_CANDIDATES]
    for describe, apply in candidates:
        if search.out_of_time():
            break
        trial = draft.fork()
        apply(trial, value)
        result = search.run(trial.case("trial"))
        seen = _value_at_choice(search, state, ref, result)
        if (value is cond.DELETE and seen is cond.MISSING) or \
                (value is not cond.DELETE and seen is not cond.MISSING and _same(seen, value)):
            trial.changes.append(f"{describe} {'removed' if value is cond.DELETE else 'set to ' + code(value)}")
            return trial, ""
    where = cond.ref_words(ref, state.jsonata)
    unmocked = [t for t in view.tasks_before if t not in draft.entries]
    if unmocked:
        return None, (f"the condition depends on {where}, which comes from the output of Task '{unmocked[-1]}'; "
                      f"add a mock for it that returns {want} there")
    if ref[0] == "var":
        return None, (f"the condition reads the variable {where}, and no input field or mocked answer "
                      f"sets it so that it becomes {want}")
    return None, (f"the condition reads {where}, and neither the input nor a mocked answer holds it as it "
                  f"is (it is computed on the way); no change found that makes it {want}")


def _same(a: Any, b: Any) -> bool:
    from .checks import same
    return same(a, b)


def _value_at_choice(search: _Search, state: Any, ref: cond.Ref, result: CaseResult) -> Any:
    if result.execution is None:
        return cond.MISSING
    entered = next((e for e in result.execution.events if e.type.endswith("StateEntered")
                    and e.details.get("name") == state.name), None)
    if entered is None:
        return cond.MISSING
    return _ChoiceView(search, state, result.execution.events, entered).read(ref)


def _candidates(draft: Draft, ref: cond.Ref, current: Any, view: _ChoiceView):
    """Places a value could come from, most likely first: (words, apply(draft, value))."""
    last = ref[-1][-1] if ref[-1] else None
    seen: set = set()

    def input_at(keys: tuple):
        def apply(d: Draft, value: Any) -> None:
            d.input = set_at(d.input, keys, value)
        return f"input {path_words(keys)}", apply

    def mock_at(state: str, name: str, call_key: str, keys: tuple):
        def apply(d: Draft, value: Any) -> None:
            response = copy.deepcopy(d.responses[name])
            response[call_key]["Return"] = set_at(response[call_key]["Return"], keys, value)
            d.new_response(state, name, response)
        return f"the mocked answer of '{state}' at {path_words(keys)}", apply

    def answer_at(index: int, keys: tuple):
        def apply(d: Draft, value: Any) -> None:
            answers = list(d.callbacks)
            answers[index] = replace(answers[index], output=set_at(answers[index].output, keys, value))
            d.callbacks = tuple(answers)
        return f"the answer at '{draft.callbacks[index].state}' at {path_words(keys)}", apply

    if ref[0] == "input" and not view.state.jsonata and view.data is view.input:
        seen.add(("input", ref[1]))
        yield input_at(ref[1])
    elif ref[0] == "input" and view.state.jsonata:
        seen.add(("input", ref[1]))
        yield input_at(ref[1])
    if current is cond.MISSING:
        # Not there at all: a value the path needs may come back from a Task or a person, under
        # the part of the path after where the state puts its result (its ResultPath).
        keys = ref[-1]
        for start in range(len(keys) - 1, -1, -1):
            suffix = keys[start:]
            if not suffix or isinstance(suffix[0], int):
                continue
            for i, callback in enumerate(draft.callbacks):
                if callback.answer == "success" and isinstance(callback.output, (dict, type(None))):
                    yield answer_at(i, suffix)
            for state in reversed(view.tasks_before):
                name = draft.entries.get(state)
                response = draft.responses.get(name) if isinstance(name, str) else None
                for call_key, call in (response or {}).items():
                    if isinstance(call, dict) and isinstance(call.get("Return"), dict):
                        yield mock_at(state, name, call_key, suffix)
        return
    places: list[tuple[int, tuple, Any]] = []
    for keys, leaf in leaves(draft.input):
        if ("input", keys) not in seen and _same(leaf, current):
            places.append((0 if keys and keys[-1] == last else 2, ("input", keys), input_at(keys)))
    for state in reversed(view.tasks_before):
        name = draft.entries.get(state)
        response = draft.responses.get(name) if isinstance(name, str) else None
        if not isinstance(response, dict):
            continue
        for call_key, call in response.items():
            if not isinstance(call, dict) or "Return" not in call:
                continue
            for keys, leaf in leaves(call["Return"]):
                if _same(leaf, current):
                    rank = 1 if keys and keys[-1] == last else 3
                    places.append((rank, ("mock", state, call_key, keys), mock_at(state, name, call_key, keys)))
    for i, callback in enumerate(draft.callbacks):
        if callback.answer != "success":
            continue
        for keys, leaf in leaves(callback.output):
            if _same(leaf, current):
                rank = 1 if keys and keys[-1] == last else 3
                places.append((rank, ("callback", i, keys), answer_at(i, keys)))
    places.sort(key=lambda p: p[0])
    for _, key, candidate in places:
        if key not in seen:
            seen.add(key)
            yield candidate
