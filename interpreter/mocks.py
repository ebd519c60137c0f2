"""Mocked service responses, read as AWS Step Functions Local reads its mock config.

The file::

    {"StateMachines": {"MyMachine": {"TestCases": {"HappyPath": {"Check": "CheckOk"}}}},
     "MockedResponses": {"CheckOk": {"0": {"Return": {...}},
                                     "1-2": {"Throw": {"Error": "X", "Cause": "..."}}}}}

Keys are call numbers (from 0) or inclusive ranges; every call of the state, each retry
included, takes the next number. Statewise adds one response form the format lacks:
``{"Pending": true}`` is a call that never answers, so that a TimeoutSeconds fires (or, for a
``.waitForTaskToken`` task, the execution waits for a callback sent by hand).

Statewise's S3 extension, for a Distributed Map's ItemReader and ResultWriter: ``"S3Objects"``
at the top of the file (every test case) and inside a test case (that case only, on top of the
shared ones), each ``{"bucket/key" or "key": text or JSON value}``; see ``interpreter/s3.py``.
Inside a test case, ``"S3Objects"`` is told from a state of that name by its value, an object
rather than a mocked response's name.
"""
from __future__ import annotations

from typing import Any

from .diagnostic import Diagnostic, escape, pointer
from .errors import DefinitionError
from .s3 import S3Objects

S3_OBJECTS = "S3Objects"


class MockConfigError(DefinitionError):
    pass


def _fail(pointer: str, message: str) -> MockConfigError:
    return MockConfigError(Diagnostic("INVALID_MOCK_CONFIG", pointer, message))


def _expand(responses: Any, pointer: str) -> list[dict]:
    if not isinstance(responses, dict):
        raise _fail(pointer, "A mocked response must be an object keyed by call numbers such as \"0\" or \"1-2\".")
    by_call: dict[int, dict] = {}
    for key, response in responses.items():
        where = f"{pointer}/{escape(key)}"
        try:
            first, _, last = key.partition("-")
            lo, hi = int(first), int(last or first)
        except ValueError:
            raise _fail(where, f"'{key}' is not a call number or a range like \"1-2\".") from None
        if lo < 0 or hi < lo:
            raise _fail(where, f"'{key}' is not a valid range of call numbers.")
        if not isinstance(response, dict) or not ({"Return", "Throw", "Pending"} & response.keys()):
            raise _fail(where, "Each mocked call needs Return, Throw or Pending.")
        if "Throw" in response and not isinstance(response["Throw"], dict):
            raise _fail(where + "/Throw", "Throw needs an object with Error and Cause.")
        for n in range(lo, hi + 1):
            by_call[n] = response
    if not by_call:
        return []
    return [by_call.get(n, {"Missing": True}) for n in range(max(by_call) + 1)]


class Mocks:
    """Responses per state name, served in call order."""

    def __init__(self, responses: dict[str, list[dict]] | None = None, s3: S3Objects | None = None,
                 unmocked: str = "fail"):
        self.responses = responses or {}
        self.s3 = s3 if s3 is not None else S3Objects()
        # How a Task with no response here answers (``interpreter/unmocked.py``); any mode but
        # "fail" also lets a Distributed Map read stand-in items where no S3 object is mocked.
        self.unmocked = unmocked
        self.s3.stand_ins = unmocked != "fail"
        self.root: Any = None      # the definition of the execution these mocks were first given to
        self._shapes: dict | None = None

    def suggested(self, state: str) -> Any:
        """What a person answering ``state`` by hand might send: the fields the workflow reads
        from its answer, with values that lead toward a Succeed state (None: it reads none)."""
        if self.root is None:
            return None
        if self._shapes is None:
            from .proposal import answer_shapes
            self._shapes = answer_shapes(self.root)
        return self._shapes.get(state) or None

    def shape(self, state: str) -> Any:
        """What ``return_input`` adds to a Task's answer: the fields the workflow reads from it
        (``interpreter.proposal.answer_shapes``), worked out once, from the whole definition (a
        Distributed Map's child executions share their parent's mocks)."""
        return self.suggested(state) if self.unmocked == "return_input" else None

    @classmethod
    def from_config(cls, config: Any, state_machine: str | None, test_case: str | None,
                    unmocked: str = "fail") -> "Mocks":
        state_machine, test_case, case = case_entries(config, state_machine, test_case)
        mocked = config.get("MockedResponses") or {}
        out: dict[str, list[dict]] = {}
        objects = dict(_s3_objects(config.get(S3_OBJECTS), f"/{S3_OBJECTS}"))
        for state, mock_name in case.items():
            if state == S3_OBJECTS and isinstance(mock_name, dict):
                objects.update(_s3_objects(mock_name, case_pointer(state_machine, test_case, state)))
                continue
            if not isinstance(mock_name, str) or mock_name not in mocked:
                raise _fail(case_pointer(state_machine, test_case, state),
                            f"State '{state}' uses mocked response '{mock_name}', which MockedResponses lacks.")
            out[state] = _expand(mocked[mock_name], "/MockedResponses/" + escape(mock_name))
        return cls(out, S3Objects(objects), unmocked)

    @classmethod
    def from_lists(cls, responses: dict[str, list[dict]], s3_objects: dict | None = None) -> "Mocks":
        """The conformance corpus form: ``{"State": [{"Return": ...}, {"Throw": ...}, ...]}``,
        and the case's ``s3_objects`` by key."""
        # The corpus records ``submitted`` where AWS wrote TaskSubmitted; a failure without it
        # was a failed submission, not a failed job or callback.
        def corpus_call(call: dict) -> dict:
            return {**call, "NotSubmitted": True} if "Throw" in call and "submitted" not in call else call
        return cls({state: [corpus_call(c) for c in calls] for state, calls in (responses or {}).items()},
                   S3Objects(_s3_objects(s3_objects, "/s3_objects")))

    def response(self, state: str, call: int) -> dict | None:
        calls = self.responses.get(state)
        if calls is None or call >= len(calls) or calls[call].get("Missing"):
            return None
        return calls[call]


def case_entries(config: Any, state_machine: str | None, test_case: str | None) -> tuple[str, str, dict]:
    """The state machine's name, the test case's name and its ``{state: mocked response name}``
    entries; either name may be left out when the config has only one."""
    if not isinstance(config, dict):
        raise _fail("", "A mock config must be a JSON object with StateMachines and MockedResponses.")
    machines = config.get("StateMachines") or {}
    mocked = config.get("MockedResponses") or {}
    if not isinstance(machines, dict) or not isinstance(mocked, dict):
        raise _fail("", "StateMachines and MockedResponses must be objects.")
    if state_machine is None:
        if len(machines) != 1:
            names = ", ".join(sorted(machines)) or "none"
            raise _fail("/StateMachines", f"Say which state machine to use (the config has: {names}).")
        state_machine = next(iter(machines))
    machine = machines.get(state_machine)
    if not isinstance(machine, dict):
        raise _fail("/StateMachines", f"The mock config has no state machine '{state_machine}'.")
    cases = machine.get("TestCases") or {}
    if not isinstance(cases, dict):
        raise _fail(f"/StateMachines/{escape(state_machine)}/TestCases", "TestCases must be an object.")
    if test_case is None:
        if len(cases) != 1:
            names = ", ".join(sorted(cases)) or "none"
            raise _fail(f"/StateMachines/{escape(state_machine)}/TestCases",
                        f"Say which test case to use (state machine '{state_machine}' has: {names}).")
        test_case = next(iter(cases))
    case = cases.get(test_case)
    if not isinstance(case, dict):
        raise _fail(f"/StateMachines/{escape(state_machine)}/TestCases",
                    f"State machine '{state_machine}' has no test case '{test_case}'.")
    return state_machine, test_case, case


def case_pointer(state_machine: str, test_case: str, state: str | None = None) -> str:
    """The JSON Pointer of a test case (or of one of its states' entries) in a mock config."""
    out = pointer("StateMachines", state_machine, "TestCases", test_case)
    return out if state is None else out + "/" + escape(state)


def _s3_objects(objects: Any, pointer: str) -> dict:
    if objects is None:
        return {}
    if not isinstance(objects, dict):
        raise _fail(pointer, 'S3Objects must be an object such as {"bucket/key.csv": "text of the object"}.')
    return objects
