"""A test case being built by the suggestions: its input, mocks and answers, changed step by
step, and the JSON helpers that change them."""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..mocks import S3_OBJECTS, case_entries
from . import conditions as cond
from .runner import Case
from .spec import Spec

@dataclass
class Draft:
    input: Any
    state_machine: str
    entries: dict            # state -> mocked response name (and S3Objects)
    responses: dict          # mocked response name -> {"0": {...}, "1-2": {...}}
    extra: dict              # the config's other top-level keys (S3Objects)
    callbacks: tuple
    changes: list = field(default_factory=list)

    def config(self, case_name: str) -> dict:
        used = {name for state, name in self.entries.items() if not (state == S3_OBJECTS and isinstance(name, dict))}
        return {"StateMachines": {self.state_machine: {"TestCases": {case_name: copy.deepcopy(self.entries)}}},
                "MockedResponses": {k: copy.deepcopy(v) for k, v in self.responses.items() if k in used},
                **copy.deepcopy(self.extra)}

    def case(self, name: str) -> Case:
        return Case(name, self.input, Spec(callbacks=self.callbacks), self.config(name), name, self.state_machine)

    def fork(self) -> "Draft":
        return Draft(copy.deepcopy(self.input), self.state_machine, dict(self.entries),
                      copy.deepcopy(self.responses), self.extra, self.callbacks, list(self.changes))

    def new_response(self, state: str, base: str | None, response: dict) -> str:
        stem = f"{base or state}-suggested"
        name = stem
        for n in itertools.count(2):
            if name not in self.responses:
                break
            name = f"{stem}-{n}"
        self.responses[name] = response
        self.entries[state] = name
        return name


def draft_of(case: Case) -> Draft:
    if case.mock_config:
        machine_name, case_name, entries = case_entries(case.mock_config, case.state_machine,
                                                        case.mock_test_case or case.name)
        responses = dict(case.mock_config.get("MockedResponses") or {})
        extra = {k: v for k, v in case.mock_config.items() if k not in ("StateMachines", "MockedResponses")}
    else:
        machine_name, entries, responses, extra = "StateMachine", {}, {}, {}
    return Draft(copy.deepcopy(case.input if case.input is not None else {}), machine_name, dict(entries),
                  copy.deepcopy(responses), extra, case.spec.callbacks)



def get(value: Any, keys: tuple) -> Any:
    for key in keys:
        if isinstance(key, int) and isinstance(value, list) and -len(value) <= key < len(value):
            value = value[key]
        elif isinstance(key, str) and isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return cond.MISSING
    return value


def set_at(container: Any, keys: tuple, value: Any) -> Any:
    """``container`` with the value at ``keys`` set (or deleted), building objects on the way."""
    if not keys:
        return value
    key, rest = keys[0], keys[1:]
    if isinstance(key, int):
        items = list(container) if isinstance(container, list) else []
        while len(items) <= key:
            items.append({})
        if rest or value is not cond.DELETE:
            items[key] = set_at(items[key], rest, value)
        else:
            del items[key]
        return items
    obj = dict(container) if isinstance(container, dict) else {}
    if not rest and value is cond.DELETE:
        obj.pop(key, None)
    else:
        obj[key] = set_at(obj.get(key), rest, value)
    return obj


def leaves(value: Any, keys: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, keys + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, keys + (i,))
    else:
        yield keys, value


def path_words(keys: tuple) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".") or "(the whole value)"
