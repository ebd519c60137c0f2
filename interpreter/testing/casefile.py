"""The expectations file of ``python -m interpreter test``: JSON or YAML, beside a Step Functions
Local mock config whose TestCases it gives inputs and expectations::

    # statewise-tests.yaml
    stateMachine: account-application   # the mock config's state machine (optional when it has one)
    input:                              # the input of every test case that has none of its own
      application: {id: app-1042}
    testCases:
      CleanApplication:
        expect: {status: SUCCEEDED, outputContains: {application: {id: app-1042}}}
      FlaggedAddressApprovedByReviewer:
        input: {application: {id: app-7}}
        callbacks:
          - {state: Wait For Review, success: {approved: true}}
        expect:
          passesThrough: [Wait For Review]
          maxTransitions: 12

Each entry of ``testCases`` has ``input``, ``callbacks`` and ``expect`` (see ``spec``). A test
case of the mock config without an entry runs with the default expectation: it succeeds. An
entry naming no test case of the mock config is a mistake, reported at its JSON Pointer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..diagnostic import Diagnostic, escape
from .runner import Case
from .spec import Spec, read_spec

TOP_KEYS = ("stateMachine", "input", "testCases")


@dataclass
class CaseFile:
    state_machine: str | None = None
    input: Any = None
    entries: dict[str, tuple[Any, Spec, bool]] = field(default_factory=dict)   # name -> (input, spec, has input)

    def cases(self, mock_config: dict, state_machine: str, names: list[str]) -> list[Case]:
        out = []
        for name in names:
            input_, spec, has_input = self.entries.get(name, (None, Spec(), False))
            out.append(Case(name, input_ if has_input else self.input, spec, mock_config, name, state_machine))
        return out


def read_case_file(data: Any) -> tuple[CaseFile, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    out = CaseFile()
    if data is None:
        return out, problems
    if not isinstance(data, dict):
        return out, [Diagnostic("INVALID_CASE_FILE", "", "The expectations file must be an object with testCases.")]
    for key in data:
        if key not in TOP_KEYS:
            problems.append(Diagnostic("UNKNOWN_FIELD", "/" + escape(key),
                                       f"Unknown field '{key}': the file has {', '.join(TOP_KEYS)}."))
    machine = data.get("stateMachine")
    if machine is not None and not isinstance(machine, str):
        problems.append(Diagnostic("INVALID_CASE_FILE", "/stateMachine", "stateMachine must be a name."))
    else:
        out.state_machine = machine
    out.input = data.get("input")
    cases = data.get("testCases")
    if cases is None:
        return out, problems
    if not isinstance(cases, dict):
        problems.append(Diagnostic("INVALID_CASE_FILE", "/testCases",
                                   "testCases must be an object keyed by the mock config's test case names."))
        return out, problems
    for name, entry in cases.items():
        base = "/testCases/" + escape(name)
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            problems.append(Diagnostic("INVALID_CASE_FILE", base, "Each test case is an object with input, "
                                                                   "callbacks and expect."))
            continue
        has_input = "input" in entry
        spec_data = {k: v for k, v in entry.items() if k != "input"}
        spec, found = read_spec(spec_data, base)
        problems.extend(found)
        out.entries[name] = (entry.get("input"), spec, has_input)
    return out, problems


def write_case_file(cases: list[Case], *, state_machine: str | None = None, input: Any = None) -> dict:
    """The file for these cases (the hand-over bundle writes it): each case's own input where it
    differs from the shared one."""
    entries: dict[str, Any] = {}
    for case in cases:
        entry: dict[str, Any] = {}
        if case.input != input:
            entry["input"] = case.input if case.input is not None else {}
        entry.update(case.spec.as_json())
        entries[case.name] = entry
    out: dict[str, Any] = {}
    if state_machine:
        out["stateMachine"] = state_machine
    if input is not None:
        out["input"] = input
    out["testCases"] = entries
    return out
