"""The structural diff of two definitions: what was added, removed, renamed and changed.

States are matched program by program (the machine, each Parallel branch, each Map's item
processor): by name, or through a rename (:func:`interpreter.renames.state_renames`) when the old
and the new name are in the same program. A state that moved to another program is removed there
and added here. For each matched state the fields that changed are listed as JSON Pointers with
their old and new values, after following renames (a ``Next`` that names a renamed state is not a
change). Transitions are compared as edges; top-level fields (StartAt, QueryLanguage,
TimeoutSeconds, Comment...) on their own.

The diff is complete: :func:`interpreter.compare.patch.apply_patch` rebuilds the new definition
from the old one and the diff. Definitions that do not validate are compared all the same; what
is not a JSON object where a state or program should be is compared as a plain value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diagnostic import escape
from ..renames import state_renames
from ..shape import sub_programs, transitions, walk


class _Missing:
    """The value of a field that is not there (on one side of a change)."""
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self):
        return (_Missing, ())


MISSING: Any = _Missing()


@dataclass(frozen=True)
class FieldChange:
    pointer: str        # where, in the new definition
    old_pointer: str    # where, in the old definition
    old: Any            # MISSING when the field was added
    new: Any            # MISSING when the field was removed

    @property
    def op(self) -> str:
        return "add" if self.old is MISSING else "remove" if self.new is MISSING else "replace"

    def as_dict(self) -> dict:
        out = {"op": self.op, "pointer": self.pointer, "oldPointer": self.old_pointer}
        if self.old is not MISSING:
            out["old"] = self.old
        if self.new is not MISSING:
            out["new"] = self.new
        return out


@dataclass
class StateChange:
    kind: str                     # "added" | "removed" | "renamed" | "changed"
    name: str                     # the name in the new definition (the old name when removed)
    old_name: str | None          # the name in the old definition (None when added)
    type: Any                     # the state's Type (the old one when removed)
    pointer: str                  # where it is (or, removed, where it was) in the new definition
    old_pointer: str | None       # where it was in the old definition (None when added)
    program: str                  # its program's pointer in the new definition ("" for the machine)
    fields: list[FieldChange] = field(default_factory=list)
    value: Any = None             # the whole state: the new one when added, the old one when removed
    inside: str | None = None     # added or removed with this enclosing state or branch (pointer)

    @property
    def old_type(self) -> Any:
        for change in self.fields:
            if change.pointer == self.pointer + "/Type":
                return change.old
        return self.type


@dataclass(frozen=True)
class EdgeChange:
    kind: str           # "added" | "removed"
    program: str        # pointer of the program in the new definition
    source: str | None  # None: the program's start (names as the new definition has them)
    target: str
    how: str            # "start" | "next" | "choice" | "default" | "catch"
    old_program: str = ""  # pointer of the program in the old definition

    def as_dict(self) -> dict:
        return {"kind": self.kind, "program": self.program, "oldProgram": self.old_program, "source": self.source,
                "target": self.target, "how": self.how}


@dataclass
class Diff:
    states: list[StateChange]
    edges: list[EdgeChange]
    top: list[FieldChange]
    renames: dict[str, str]

    @property
    def empty(self) -> bool:
        return not (self.states or self.edges or self.top)

    def count(self, kind: str) -> int:
        return sum(1 for s in self.states if s.kind == kind)

    def changed_states(self) -> list[StateChange]:
        """Renamed (with or without edits) and changed states."""
        return [s for s in self.states if s.kind in ("changed", "renamed")]


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, and ``1`` is ``1.0`` only as numbers are."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and type(a) is type(b) and a == b
    return type(a) is type(b) and a == b


def _fields(old: Any, new: Any, pointer: str, old_pointer: str, out: list[FieldChange]) -> None:
    """Every difference between two JSON values, as deep as both sides are objects or arrays."""
    if type(old) is type(new) and old == new and repr(old) == repr(new):
        return  # the same, told at C speed (repr tells true from 1 and 1 from 1.0, which == does not)
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in old.items():
            here = "/" + escape(key)
            if key not in new:
                out.append(FieldChange(pointer + here, old_pointer + here, value, MISSING))
            else:
                _fields(value, new[key], pointer + here, old_pointer + here, out)
        for key, value in new.items():
            if key not in old:
                here = "/" + escape(key)
                out.append(FieldChange(pointer + here, old_pointer + here, MISSING, value))
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(min(len(old), len(new))):
            _fields(old[i], new[i], f"{pointer}/{i}", f"{old_pointer}/{i}", out)
        for i in range(len(new), len(old)):
            out.append(FieldChange(f"{pointer}/{i}", f"{old_pointer}/{i}", old[i], MISSING))
        for i in range(len(old), len(new)):
            out.append(FieldChange(f"{pointer}/{i}", f"{old_pointer}/{i}", MISSING, new[i]))
    elif not _same(old, new):
        out.append(FieldChange(pointer, old_pointer, old, new))


def _states(program: Any) -> dict | None:
    states = program.get("States") if isinstance(program, dict) else None
    return states if isinstance(states, dict) else None


def _shared_programs(old: Any, new: Any) -> list[tuple[str, dict, dict]]:
    """The nested programs both states have at the same place, each with a States object."""
    olds = dict(sub_programs(old))
    out = []
    for suffix, program in sub_programs(new):
        before = olds.get(suffix)
        if before is not None and _states(before) is not None and _states(program) is not None:
            out.append((suffix, before, program))
    return out


def _program_body(program: dict, local: dict[str, str]) -> dict:
    """A program without its states (they are compared one by one), its StartAt renamed."""
    body = dict(program)
    body["States"] = {}
    if local and isinstance(body.get("StartAt"), str):
        body["StartAt"] = local.get(body["StartAt"], body["StartAt"])
    return body


def _renamed_transitions(state: dict, local: dict[str, str]) -> dict:
    if not local:
        return state
    state = dict(state)
    for key in ("Next", "Default"):
        if isinstance(state.get(key), str):
            state[key] = local.get(state[key], state[key])
    for key in ("Choices", "Catch"):
        if isinstance(state.get(key), list):
            state[key] = [{**item, "Next": local.get(item["Next"], item["Next"])}
                          if isinstance(item, dict) and isinstance(item.get("Next"), str) else item
                          for item in state[key]]
    return state


class _Differ:
    def __init__(self, old: Any, new: Any):
        self.renames = {}
        if _names(old) != _names(new):  # no name gone and none new: nothing can have been renamed
            try:
                self.renames = state_renames(old, new)
            except Exception:  # noqa: BLE001 - odd input: compare without renames rather than fail
                pass
        self.states: list[StateChange] = []
        self.edges: list[EdgeChange] = []
        self.accepted: dict[str, str] = {}

    def local(self, old_states: dict, new_states: dict) -> dict[str, str]:
        """The renames within one program: a state renamed while moving elsewhere is not one."""
        return {o: n for o, n in self.renames.items()
                if o in old_states and n in new_states and o not in new_states and n not in old_states}

    def bodies(self, old: Any, new: Any, local: dict[str, str]) -> tuple[Any, Any, list]:
        """The two states as compared field by field: transitions renamed, and the programs both
        have emptied of their states (compared separately)."""
        if not (isinstance(old, dict) and isinstance(new, dict)):
            return old, new, []
        shared = _shared_programs(old, new)
        old, new = dict(_renamed_transitions(old, local)), dict(new)  # copies: the inputs stay as they are
        for suffix, before, after in shared:
            inner = self.local(_states(before), _states(after))
            _put(old, suffix, _program_body(before, inner))
            _put(new, suffix, _program_body(after, {}))
        return old, new, shared

    def program(self, old: Any, new: Any, old_ptr: str, new_ptr: str) -> None:
        old_states, new_states = _states(old) or {}, _states(new) or {}
        local = self.local(old_states, new_states)
        self.accepted.update(local)
        back = {n: o for o, n in local.items()}
        for name, state in new_states.items():
            old_name = back.get(name, name)
            if old_name not in old_states:
                self.added(name, state, new_ptr, None)
                continue
            before = old_states[old_name]
            here, there = f"{new_ptr}/States/{escape(name)}", f"{old_ptr}/States/{escape(old_name)}"
            a, b, shared = self.bodies(before, state, local)
            changes: list[FieldChange] = []
            _fields(a, b, here, there, changes)
            if changes or old_name != name:
                kind = "renamed" if old_name != name else "changed"
                self.states.append(StateChange(kind, name, old_name, _type(state), here, there, new_ptr, changes))
            for suffix, sub_old, sub_new in shared:
                self.program(sub_old, sub_new, there + suffix, here + suffix)
            self.nested_only(before, state, shared, there, here)
        for name, state in old_states.items():
            if name not in new_states and name not in local:
                self.removed(name, state, old_ptr, new_ptr, None)
        self.edge_changes(old_states, new_states, local, old, new, new_ptr, old_ptr)

    def nested_only(self, old: Any, new: Any, shared: list, old_ptr: str, new_ptr: str) -> None:
        """States of programs that only one side has (a branch added, a Pass that became a Map):
        added or removed with the field change that carries them."""
        both = {suffix for suffix, _, _ in shared}
        for suffix, program in sub_programs(old):
            if suffix not in both:
                for name, state in (_states(program) or {}).items():
                    self.removed(name, state, old_ptr + suffix, new_ptr + suffix, new_ptr + suffix)
        for suffix, program in sub_programs(new):
            if suffix not in both:
                for name, state in (_states(program) or {}).items():
                    self.added(name, state, new_ptr + suffix, new_ptr + suffix)

    def removed(self, name: str, state: Any, old_prog: str, new_prog: str, inside: str | None) -> None:
        there, here = f"{old_prog}/States/{escape(name)}", f"{new_prog}/States/{escape(name)}"
        self.states.append(StateChange("removed", name, name, _type(state), here, there, new_prog,
                                       value=state, inside=inside))
        for suffix, program in sub_programs(state):
            for inner, value in (_states(program) or {}).items():
                self.removed(inner, value, there + suffix, here + suffix, inside or here)

    def added(self, name: str, state: Any, new_prog: str, inside: str | None) -> None:
        here = f"{new_prog}/States/{escape(name)}"
        self.states.append(StateChange("added", name, None, _type(state), here, None, new_prog, value=state,
                                       inside=inside))
        for suffix, program in sub_programs(state):
            for inner, value in (_states(program) or {}).items():
                self.added(inner, value, here + suffix, inside or here)

    def edge_changes(self, old_states: dict, new_states: dict, local: dict[str, str], old: Any, new: Any,
                     program: str, old_program: str) -> None:
        before = _edges(old, old_states, local)
        after = _edges(new, new_states, {})
        self.edges.extend(EdgeChange("removed", program, *e, old_program) for e in before if e not in after)
        self.edges.extend(EdgeChange("added", program, *e, old_program) for e in after if e not in before)


def _edges(program: Any, states: dict, local: dict[str, str]) -> dict[tuple, None]:
    """The program's transitions as (source, target, kind), in order, each once."""
    out: dict[tuple, None] = {}
    start = program.get("StartAt") if isinstance(program, dict) else None
    if isinstance(start, str) and states:
        out[(None, local.get(start, start), "start")] = None
    for name, state in states.items():
        for kind, _, target in transitions(state):
            out[(local.get(name, name), local.get(target, target), kind)] = None
    return out


def _names(definition: Any) -> set[str]:
    return {name for name, _, _, _ in walk(definition)}


def _put(state: dict, suffix: str, value: Any) -> None:
    """Set ``state`` at ``/Branches/0`` or ``/ItemProcessor`` (copying the list it changes)."""
    parts = suffix.strip("/").split("/")
    if len(parts) == 1:
        state[parts[0]] = value
    else:
        items = list(state[parts[0]])
        items[int(parts[1])] = value
        state[parts[0]] = items


def _type(state: Any) -> Any:
    return state.get("Type") if isinstance(state, dict) else None


def diff(old: Any, new: Any) -> Diff:
    """The structural diff from ``old`` to ``new`` (definitions as parsed JSON)."""
    differ = _Differ(old, new)
    top: list[FieldChange] = []
    if isinstance(old, dict) and isinstance(new, dict) and _states(old) is not None and _states(new) is not None:
        local = differ.local(_states(old), _states(new))
        _fields(_program_body(old, local), _program_body(new, {}), "", "", top)
        differ.program(old, new, "", "")
    else:
        _fields(old, new, "", "", top)
    return Diff(differ.states, differ.edges, top, differ.accepted)
