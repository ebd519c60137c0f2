"""Parsing: ASL JSON into an immutable tree of state objects, every path and template compiled."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .diagnostic import Diagnostic, escape
from .errors import DefinitionError
from .states.base import Fields, State
from .states.flow import ChoiceState, FailState, PassState, SucceedState
from .states.map import MapState
from .states.parallel import ParallelState
from .states.task import TaskState
from .states.wait import WaitState

STATE_TYPES: dict[str, type[State]] = {cls.type: cls for cls in (
    PassState, TaskState, ChoiceState, WaitState, SucceedState, FailState, ParallelState, MapState)}


@dataclass(frozen=True, slots=True)
class Program:
    """A StartAt and its States: the whole machine, a Parallel branch or a Map's item processor."""
    pointer: str
    start_at: str
    states: Mapping[str, State]


@dataclass(frozen=True)
class StateMachine:
    program: Program
    definition: dict
    comment: str | None = None
    timeout_seconds: int | None = None
    programs: Mapping[str, Program] = field(default_factory=dict)  # by pointer, for restoring runs

    @property
    def states(self) -> Mapping[str, State]:
        return self.program.states


def parse(definition: Any, *, validate: bool = True, text: str | None = None) -> StateMachine:
    """Parse a definition (a dict, or JSON text). Raises DefinitionError naming the JSON Pointer.

    With ``validate`` (the default) the validator's errors are raised too, so what validates runs
    and what AWS would reject does not. ``text``: the JSON text a dict was read from, when the
    caller has it (its verdict is kept, and a short one need not be measured against 1 MB).
    """
    if isinstance(definition, str):
        text = definition
    if isinstance(definition, (str, bytes)):
        try:
            definition = json.loads(definition)
        except ValueError as e:
            raise DefinitionError(Diagnostic("INVALID_JSON", "", f"The definition is not valid JSON: {e}")) from None
    if validate:
        errors = [d for d in _validation(text, definition) if d.severity == "error"]
        if errors:
            raise DefinitionError(errors)
    if not isinstance(definition, dict):
        raise DefinitionError(Diagnostic("NOT_AN_OBJECT", "", "A state machine definition must be a JSON object."))
    language = definition.get("QueryLanguage", "JSONPath")
    if language not in ("JSONPath", "JSONata"):
        raise DefinitionError(Diagnostic("INVALID_QUERY_LANGUAGE", "/QueryLanguage",
                                         "QueryLanguage must be JSONPath or JSONata."))
    try:
        program = parse_program(definition, "", language)
    except RecursionError:
        raise DefinitionError(Diagnostic("TOO_DEEP", "", "The definition nests states too deeply.")) from None
    timeout = definition.get("TimeoutSeconds")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1):
        raise DefinitionError(Diagnostic("INVALID_FIELD", "/TimeoutSeconds", "TimeoutSeconds must be a positive whole number."))
    programs: dict[str, Program] = {}
    _collect(program, programs)
    return StateMachine(program=program, definition=definition, comment=definition.get("Comment"),
                        timeout_seconds=timeout, programs=MappingProxyType(programs))


_VERDICTS_KEPT = 256
_verdicts: OrderedDict[str, tuple] = OrderedDict()  # text -> verdict, least recently used first
_verdicts_lock = threading.Lock()


def _validation(text: str | None, definition: Any) -> tuple:
    """The validator's verdict; a definition's text always gets the same one, so it is kept.

    ``definition`` is ``text`` already read: the verdict is computed from it rather than from a
    second json.loads, which costs a fifth as much as validating.
    """
    from .validation import validate as run_validator

    if text is None:
        return tuple(run_validator(definition))
    with _verdicts_lock:
        verdict = _verdicts.get(text)
        if verdict is not None:
            _verdicts.move_to_end(text)
            return verdict
    verdict = tuple(run_validator(definition, text=text))
    with _verdicts_lock:
        _verdicts[text] = verdict
        if len(_verdicts) > _VERDICTS_KEPT:
            _verdicts.popitem(last=False)
    return verdict


def clear_validation_cache() -> None:
    with _verdicts_lock:
        _verdicts.clear()


def _collect(program: Program, out: dict) -> None:
    out[program.pointer] = program
    for state in program.states.values():
        for child in state.children():
            _collect(child, out)


def parse_program(raw: Any, pointer: str, language: str = "JSONPath") -> Program:
    if not isinstance(raw, dict):
        raise DefinitionError(Diagnostic("NOT_AN_OBJECT", pointer, "Expected an object with StartAt and States."))
    states_raw = raw.get("States")
    if not isinstance(states_raw, dict) or not states_raw:
        raise DefinitionError(Diagnostic("MISSING_STATES", pointer + "/States",
                                         "The definition needs a States object with at least one state."))
    start_at = raw.get("StartAt")
    if not isinstance(start_at, str) or start_at not in states_raw:
        raise DefinitionError(Diagnostic("MISSING_START", pointer + "/StartAt",
                                         f"StartAt must name one of the states; {start_at!r} is not one."))
    states: dict[str, State] = {}
    prefix = pointer + "/States/"
    for name, state_raw in states_raw.items():
        # escape() only for the rare name with '/' or '~', rather than a call per state
        plain = type(name) is str and "/" not in name and "~" not in name
        where = prefix + (name if plain else escape(name))
        if not isinstance(state_raw, dict):
            raise DefinitionError(Diagnostic("STATE_NOT_OBJECT", where, f"State '{name}' must be an object.", state=name))
        kind = state_raw.get("Type")
        cls = STATE_TYPES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise DefinitionError(Diagnostic("INVALID_STATE_TYPE", where + "/Type",
                                             f"State '{name}' has Type {kind!r}; it must be one of "
                                             f"{', '.join(STATE_TYPES)}.", state=name))
        states[name] = cls.parse(Fields(name, state_raw, where, language))
    problems = []
    for name, state in states.items():
        if _targets_exist(state, states):
            continue
        where = state.pointer
        targets = [("Next", state.next)] if state.next else []
        if isinstance(state, ChoiceState):
            targets += [(f"Choices/{i}/Next", rule.next) for i, rule in enumerate(state.choices)]
            if state.default is not None:
                targets.append(("Default", state.default))
        targets += [(f"Catch/{i}/Next", c.next) for i, c in enumerate(state.catchers)]
        for key, target in targets:
            if target not in states:
                problems.append(Diagnostic("MISSING_TRANSITION_TARGET", f"{where}/{key}",
                                           f"State '{name}' goes to '{target}', which does not exist: "
                                           f"pick an existing state.", state=name))
    if problems:
        raise DefinitionError(problems)
    return Program(pointer=pointer, start_at=start_at, states=MappingProxyType(states))


def _targets_exist(state: State, states: dict) -> bool:
    """Whether every Next, Default and Catch Next names a state: the common case, answered
    without building the pointers a problem would need."""
    if state.next and state.next not in states:
        return False
    if isinstance(state, ChoiceState):
        for rule in state.choices:
            if rule.next not in states:
                return False
        if state.default is not None and state.default not in states:
            return False
    for catcher in state.catchers:
        if catcher.next not in states:
            return False
    return True
