"""Does a mock config still fit a definition?

A test case's mocks are written for one version of a workflow; the workflow moves on. Before a run
fails obscurely ("No mocked response for Task state ..."), say what no longer fits, by name:

* ``MOCKED_STATE_MISSING``: the test case mocks a state the definition no longer has;
* ``MOCKED_STATE_NOT_A_TASK``: it mocks a state that is no longer a Task, so the mock is never used;
* ``TASK_WITHOUT_MOCK``: a Task the run can reach has no mock, so a run that gets there fails;
* ``CALLBACK_WITHOUT_MOCK``: a ``.waitForTaskToken`` Task or an activity the run can reach has no
  mock, so a run that gets there waits for someone to answer it;
* ``MOCK_CONFIG_INVALID``: the config itself cannot be read (the problem names the place).

One pure function, read by the simulate panel's warnings, the behavioural diff of two versions and
the test suites. The definition is read as written, so a definition that does not validate is
checked too; nothing here raises.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .diagnostic import pointer as make_pointer
from .errors import DefinitionError
from .mocks import S3_OBJECTS, Mocks
from .services import describe
from .shape import reachable, walk


@dataclass(frozen=True, slots=True)
class MockFitProblem:
    code: str
    message: str
    state: str | None = None
    pointer: str = ""             # where in the mock config ("" for the whole config)
    definition_pointer: str = ""  # where the state is in the definition, when it is there

    def as_dict(self) -> dict:
        return {"code": self.code, "state": self.state, "message": self.message,
                "pointer": self.pointer, "definitionPointer": self.definition_pointer}


def mock_fit(definition: Any, mock_config: Any, *, state_machine: str | None = None,
             test_case: str | None = None) -> list[MockFitProblem]:
    """What in ``mock_config`` (a Step Functions Local mock config, the test case chosen as
    :meth:`Mocks.from_config` chooses it) does not fit ``definition``; empty when all fits.
    An empty config (``{}`` or None) mocks nothing: every reachable Task is then reported."""
    if mock_config is None or mock_config == {}:
        machine_name = case_name = None
        mocked: dict = {}
    else:
        try:
            Mocks.from_config(mock_config, state_machine, test_case)
        except DefinitionError as e:
            return [MockFitProblem("MOCK_CONFIG_INVALID", d.message, pointer=d.pointer) for d in e.diagnostics]
        machine_name, case_name, mocked = _chosen_case(mock_config, state_machine, test_case)
    mocked = {name: mock for name, mock in mocked.items() if not (name == S3_OBJECTS and isinstance(mock, dict))}

    problems = []
    everywhere = {name: (where, state) for name, where, state, _ in walk(definition)}
    for name in mocked:
        at = make_pointer("StateMachines", machine_name, "TestCases", case_name, name)
        if name not in everywhere:
            problems.append(MockFitProblem(
                "MOCKED_STATE_MISSING", f"The test case mocks '{name}', which is not a step of this version.",
                name, at))
            continue
        where, state = everywhere[name]
        kind = state.get("Type") if isinstance(state, dict) else None
        if kind != "Task":
            problems.append(MockFitProblem(
                "MOCKED_STATE_NOT_A_TASK",
                f"The test case mocks '{name}', which is a {kind or 'malformed'} step in this version: "
                f"only tasks call services, so the mock is never used.", name, at, where))
    for name, where, state in reachable(definition):
        if not isinstance(state, dict) or state.get("Type") != "Task" or name in mocked:
            continue
        resource = state.get("Resource")
        waits = isinstance(resource, str) and (describe(resource).pattern == "waitForTaskToken"
                                               or describe(resource).kind == "activity")
        if waits:
            problems.append(MockFitProblem(
                "CALLBACK_WITHOUT_MOCK",
                f"'{name}' waits for a callback and the test case has no mock for it: a run that "
                f"reaches it waits there for someone to answer.", name, "", where))
        else:
            problems.append(MockFitProblem(
                "TASK_WITHOUT_MOCK",
                f"'{name}' is a task the run can reach and the test case has no mock for it: a run "
                f"that reaches it fails.", name, "", where))
    return problems


def _chosen_case(config: dict, state_machine: str | None, test_case: str | None) -> tuple[str, str, dict]:
    """The (machine, case, mapping) that :meth:`Mocks.from_config` accepted."""
    machines = config.get("StateMachines") or {}
    machine_name = state_machine if state_machine is not None else next(iter(machines))
    cases = machines[machine_name].get("TestCases") or {}
    case_name = test_case if test_case is not None else next(iter(cases))
    return machine_name, case_name, cases[case_name]
