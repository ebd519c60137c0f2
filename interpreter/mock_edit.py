"""Edits of a Step Functions Local mock config by step name: renamed steps followed, and the
one-click fixes of what :func:`interpreter.mock_fit.mock_fit` finds.

A test case's states are keyed by name at every nesting level (a step inside a Map or a Parallel
is a key of the test case like any other), so following a rename is renaming keys. Pure functions
over plain JSON: each returns a new config and leaves the one given as it was.
"""
from __future__ import annotations

import copy
from typing import Any

from .mocks import S3_OBJECTS, case_entries

MAX_RESPONSE_NAME = 200


def follow_renames(config: Any, renames: dict[str, str]) -> Any:
    """``config`` with every test case's mock of a renamed step (``{old: new}``) under its new
    name, in the same place. A mock whose new name another mock of the same test case already
    holds is left as it is (nothing is overwritten; the fit check then names it)."""
    machines = config.get("StateMachines") if isinstance(config, dict) else None
    if not renames or not isinstance(machines, dict):
        return config
    out = copy.deepcopy(config)
    for machine in out["StateMachines"].values():
        cases = machine.get("TestCases") if isinstance(machine, dict) else None
        if not isinstance(cases, dict):
            continue
        for name, case in cases.items():
            if isinstance(case, dict):
                cases[name] = _renamed_keys(case, renames)
    return out


def _renamed_keys(case: dict, renames: dict[str, str]) -> dict:
    target = {key: key if key == S3_OBJECTS else renames.get(key, key) for key in case}
    while True:  # a clash reverts the renamed keys in it; reverting can clash again, so repeat
        seen: dict[str, list[str]] = {}
        for key, new in target.items():
            seen.setdefault(new, []).append(key)
        clashes = [key for keys in seen.values() if len(keys) > 1 for key in keys if target[key] != key]
        if not clashes:
            break
        for key in clashes:
            target[key] = key
    return {target[key]: value for key, value in case.items()}


def _chosen(config: dict, test_case: str | None) -> tuple[dict, str, str, dict]:
    """A copy of ``config`` and, in it, the test case the simulator would use (its machine's and
    its own name, and its entries). Raises DefinitionError when the config cannot be read."""
    machine_name, case_name, _ = case_entries(config, None, test_case)
    out = copy.deepcopy(config)
    return out, machine_name, case_name, out["StateMachines"][machine_name]["TestCases"][case_name]


def rename_mock(config: dict, test_case: str | None, state: str, to: str) -> dict:
    """The test case's mock of ``state`` moved to ``to`` (same answers, same place)."""
    out, _, case_name, case = _chosen(config, test_case)
    _require_mocked(case, state, case_name)
    if to in case:
        raise ValueError(f"The test case already has a mock for '{to}'.")
    out_case = {to if key == state else key: value for key, value in case.items()}
    case.clear()
    case.update(out_case)
    return out


def remove_mock(config: dict, test_case: str | None, state: str) -> dict:
    """The test case without its mock of ``state`` (the mocked response stays: another test case
    may use it)."""
    out, _, case_name, case = _chosen(config, test_case)
    _require_mocked(case, state, case_name)
    del case[state]
    return out


def add_mock(config: dict, test_case: str, state: str, answer: Any, *, machine: str) -> dict:
    """The test case with a mock of ``state`` that answers ``answer`` every time. An empty config
    gets the smallest one that holds it: state machine ``machine``, test case ``test_case``."""
    if not config:
        config = {"StateMachines": {machine: {"TestCases": {test_case: {}}}}, "MockedResponses": {}}
    out, _, case_name, case = _chosen(config, test_case)
    if state in case:
        raise ValueError(f"The test case already has a mock for '{state}'.")
    responses = out.setdefault("MockedResponses", {})
    name, n = f"{state} answer"[:MAX_RESPONSE_NAME], 1
    while name in responses:
        n += 1
        name = f"{state} answer {n}"
    responses[name] = {"0": {"Return": answer}}
    case[state] = name
    return out


def _require_mocked(case: dict, state: str, case_name: str) -> None:
    if state not in case or state == S3_OBJECTS:
        raise ValueError(f"Test case '{case_name}' has no mock for '{state}'.")

