"""A starting input for any workflow, proposed from what it reads, so a simulation needs no JSON.

``propose_input(definition)`` builds it in three steps:

1. **Reads** (``reads.py``): every execution-input field the definition reads (InputPath,
   Parameters and ItemSelector paths, Choice rules and their ``...Path`` comparisons, ItemsPath,
   Wait and timeout paths, JSONata's ``$states.input.x``), with the type the reading implies, each
   given a plain value (a number for a number, ``[{...}, {...}]`` for a Map's items, a name-like
   text for the rest: ``orderId`` -> ``"order-1"``).
2. **Choices**: at each Choice the rule (or Default) nearest to a Succeed state is picked and the
   test-suite solver (``testing/conditions.solve``) finds the values that make it the one taken.
3. **Runs**: the workflow is run with that input, every unmocked Task answering as ``unmocked``
   says (bounded, virtual clock); a field the run still finds missing is added where the state
   reads it, and the run is tried again (at most ``MAX_RUNS`` times).

The proposal says how its last run ended: a Succeed or Fail state, a step waiting for a person,
or why not (``Proposal.why``).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from ..definition import StateMachine, parse
from ..errors import DefinitionError
from ..testing import conditions as cond
from .. import unmocked as modes
from .reads import ANY, ARRAY, BOOLEAN, EVERY, INTEGER, NUMBER, OBJECT, STRING, TIMESTAMP, Reads, collect, keys_of, ref_at
from .values import value_for

MAX_RUNS = 8
MAX_TRANSITIONS = 2_000
SUCCEEDED, FAILED, WAITING, STUCK = "succeeded", "failed", "waiting", "stuck"


@dataclass
class Proposal:
    input: Any
    fields: list = field(default_factory=list)   # [{"path", "type", "value", "readBy"}]
    ending: str = STUCK                          # succeeded | failed | waiting | stuck
    end_state: str | None = None                 # the Succeed or Fail state reached, or the step waiting
    why: str = ""                                # for a run that did not reach an end: why, in words
    notes: list = field(default_factory=list)
    runs: int = 0

    @property
    def reached(self) -> bool:
        return self.ending != STUCK

    def as_json(self) -> dict:
        return {"input": self.input, "fields": self.fields, "ending": self.ending, "endState": self.end_state,
                "reached": self.reached, "why": self.why, "notes": self.notes, "runs": self.runs}


def propose_input(definition: Any, *, unmocked: str = modes.RETURN_INPUT, machine: StateMachine | None = None,
                  run: bool = True) -> Proposal:
    """The proposed starting input of ``definition`` (a dict as written). ``run``: try it in the
    interpreter and complete it from what the runs find missing."""
    reads = collect(definition, passes_input=unmocked == modes.RETURN_INPUT)
    data, _ = _build(reads)
    proposal = Proposal(data)
    if run:
        try:
            machine = machine or parse(definition)
        except DefinitionError as e:
            proposal.why = f"the definition does not validate: {e.diagnostics[0].message}"
            machine = None
        if machine is not None:
            from .reach import try_input
            proposal = try_input(machine, reads, data, unmocked)
    proposal.fields = fields_of(proposal.input, reads)
    return proposal


def answer_shapes(definition: Any) -> dict[str, Any]:
    """Per Task, the fields the workflow reads from its answer, with values (the ones steering
    its Choices toward a Succeed state where they decide): what ``return_input`` adds to the
    Task's input when it answers (``interpreter/unmocked.py``)."""
    return _build(collect(definition, passes_input=True))[1]


def _build(reads: Reads) -> tuple[Any, dict]:
    data: Any = {}
    for read in reads.fields.values():
        data = _place(data, read.keys, read.type, reads.fields)
    answers: dict[str, Any] = {}
    for task, table in reads.answers.items():
        shape: Any = {}
        for read in table.values():
            shape = _place(shape, read.keys, read.type, table)
        answers[task] = shape
    return _steer(data, answers, reads), answers


# --- building the input ---------------------------------------------------------------------

def get(data: Any, keys: tuple) -> Any:
    """The value at ``keys`` (``*``: the first item), or ``cond.MISSING``."""
    for key in keys:
        if key == EVERY:
            key = 0
        if isinstance(key, int) and isinstance(data, list) and -len(data) <= key < len(data):
            data = data[key]
        elif isinstance(key, str) and isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return cond.MISSING
    return data


def set_value(data: Any, keys: tuple, value: Any) -> Any:
    """``data`` with ``value`` at ``keys`` (``*``: in every item, two items made where none are);
    ``cond.DELETE`` removes it. Objects and arrays are made on the way."""
    if not keys:
        return value
    key, rest = keys[0], keys[1:]
    if key == EVERY or isinstance(key, int):
        items = list(data) if isinstance(data, list) else []
        if key == EVERY:
            while len(items) < 2:
                items.append({} if rest else None)
            targets = range(len(items))
        else:
            while len(items) <= key:
                items.append({} if rest else None)
            targets = [key]
        for i in targets:
            items[i] = set_value(items[i], rest, _nth(value, i))
        return items
    obj = dict(data) if isinstance(data, dict) else {}
    if not rest and value is cond.DELETE:
        obj.pop(key, None)
    else:
        obj[key] = set_value(obj.get(key), rest, value)
    return obj


def _nth(value: Any, i: int) -> Any:
    """Items made for a Map differ: ``"sku-1"``, ``"sku-2"``."""
    if isinstance(value, str) and value.endswith("-1") and i:
        return value[:-1] + str(i + 1)
    return value


def _place(data: Any, keys: tuple, type_: str, table: dict) -> Any:
    if get(data, keys) is not cond.MISSING:
        return data
    if any(len(k) > len(keys) and k[:len(keys)] == keys for k in table):
        if type_ == ARRAY or any(k[:len(keys) + 1] == keys + (EVERY,) for k in table):
            return set_value(data, keys, [])
        return set_value(data, keys, {})
    return set_value(data, keys, value_for(keys, type_))


def _steer(data: Any, answers: dict, reads: Reads) -> Any:
    """At each Choice, the values that send the run down the option nearest a Succeed state,
    in the input or in the answer of the Task they come from."""
    def current(where: tuple) -> Any:
        origin, keys = where
        return get(data if origin is None else answers.get(origin, {}), keys)

    for choice in reads.choices:
        rules = choice.state.get("Choices") if isinstance(choice.state.get("Choices"), list) else []
        options = [(i, rule.get("Next")) for i, rule in enumerate(rules) if isinstance(rule, dict)]
        if isinstance(choice.state.get("Default"), str):
            options.append((None, choice.state["Default"]))
        reachable = [(choice.distances.get(t), n, i) for n, (i, t) in enumerate(options)
                     if choice.distances.get(t) is not None]
        if not reachable:
            continue
        _, _, index = min(reachable)
        try:
            upto = len(rules) if index is None else index
            parts = [cond.Negation(cond.condition_of(rules[i], choice.jsonata)) for i in range(upto)]
            if index is not None:
                parts.append(cond.condition_of(rules[index], choice.jsonata))
            goal = cond.Junction("and", tuple(parts)) if parts else True
        except (cond.Unsolvable, IndexError):
            continue

        def read(ref: tuple, view=choice.view) -> Any:
            where = ref_at(ref, view, reads)
            return cond.MISSING if where is None else current(where)
        try:
            alternatives = cond.solve(goal, True, read)
        except (cond.Unsolvable, TypeError, ValueError):
            continue
        for changes in alternatives:
            places = {ref: ref_at(ref, choice.view, reads) for ref in changes}
            if any(where is None or not where[1] for where in places.values()):
                continue
            for ref, value in changes.items():
                origin, keys = places[ref]
                if origin is None:
                    data = set_value(data, keys, value)
                else:
                    answers[origin] = set_value(answers.get(origin, {}), keys, value)
            break
    return data


# --- the form -------------------------------------------------------------------------------

def path_text(keys: tuple) -> str:
    out = "$"
    for key in keys:
        if key == EVERY:
            out += "[*]"
        elif isinstance(key, int):
            out += f"[{key}]"
        elif re.fullmatch(r"[A-Za-z_][\w]*", key):
            out += "." + key
        else:
            out += "['" + key.replace("'", "\\'") + "']"
    return out


def fields_of(data: Any, reads: Reads) -> list[dict]:
    """The form's fields: one per value that is not inside a list (a list is one field, edited
    as a list), in the order the input has them."""
    out: list[dict] = []

    def walk(value: Any, keys: tuple) -> None:
        if isinstance(value, dict) and value and len(out) < 200:
            for k, v in value.items():
                walk(v, keys + (k,))
            return
        read = reads.fields.get(keys)
        type_ = read.type if read is not None and read.type not in (ANY, OBJECT) else _type_of(value)
        if isinstance(value, list):
            type_ = ARRAY
        out.append({"path": path_text(keys), "type": type_, "value": copy.deepcopy(value),
                    "readBy": list(read.states) if read is not None else []})
    if isinstance(data, dict):
        walk(data, ())
    return out


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, list):
        return ARRAY
    if isinstance(value, dict):
        return OBJECT
    return STRING


__all__ = ["Proposal", "propose_input", "answer_shapes", "get", "set_value", "path_text", "fields_of", "keys_of",
           "ANY", "ARRAY", "BOOLEAN", "INTEGER", "NUMBER", "OBJECT", "STRING", "TIMESTAMP"]
