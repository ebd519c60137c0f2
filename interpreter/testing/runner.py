"""Running test cases in the interpreter: one case, or a whole suite with its coverage.

Every case runs on the virtual clock from the same start time with the same seed, so a suite
gives the same result every time and a case opened in the simulator replays exactly. Callbacks
the case answers are given when the run waits for them, in order. A case is bounded: past
``Limits.max_transitions`` states entered or ``Limits.seconds`` of work it stops with a clear
failure, and the other cases still run. The time bound reads ``Limits.clock`` (monotonic seconds
by default), so tests can give it a clock of their own instead of depending on machine speed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from ..definition import StateMachine
from ..diagnostic import Diagnostic
from ..errors import DefinitionError
from ..execution import RUNNING, Execution, InvalidToken
from ..mock_fit import MockFitProblem, mock_fit
from ..mocks import Mocks
from .checks import STOPPED, Failure, Outcome, check
from .coverage import Coverage
from .spec import WAITING, Spec, state_problems

MAX_TRANSITIONS = 100_000
MAX_SECONDS = 10.0
START_TIME = 1_767_225_600_000   # 2026-01-01T00:00:00Z: every case starts at the same virtual time
SEED = 0
_CHUNK = 2_000                    # interpreter steps between two looks at the limits


@dataclass(frozen=True)
class Limits:
    max_transitions: int = MAX_TRANSITIONS
    seconds: float = MAX_SECONDS
    # The work's own CPU time: on a loaded machine (or in a low-priority process) a sound case
    # must not be stopped for waiting its turn.
    clock: Callable[[], float] = time.thread_time


@dataclass(frozen=True)
class Case:
    """One test case: its input, the mock config's test case answering its Tasks, and its spec."""
    name: str
    input: Any = None
    spec: Spec = field(default_factory=Spec)
    mock_config: Any = None           # a Step Functions Local mock config (None: no mocks)
    mock_test_case: str | None = None  # the config's test case (default: ``name``)
    state_machine: str | None = None   # the config's state machine (default: its only one)


@dataclass
class CaseResult:
    name: str
    passed: bool
    failures: list[Failure]
    outcome: Outcome | None
    problems: list[Diagnostic] = field(default_factory=list)   # why the case could not run as written
    misfits: list[MockFitProblem] = field(default_factory=list)
    seconds: float = 0.0
    execution: Execution | None = None

    @property
    def message(self) -> str:
        """The first failed expectation (or problem), in words; empty when the case passed."""
        if self.problems:
            return self.problems[0].message
        return self.failures[0].message if self.failures else ""

    def logs(self) -> list[list]:
        """The run's history and those of its Distributed Maps' child executions."""
        return list(_logs(self.execution)) if self.execution is not None else []

    def as_json(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "passed": self.passed, "message": self.message,
                               "failures": [f.as_json() for f in self.failures],
                               "seconds": round(self.seconds, 6)}
        if self.outcome is not None:
            out.update(self.outcome.as_json())
        if self.problems:
            out["problems"] = [d.as_dict() for d in self.problems]
        if self.misfits:
            out["misfits"] = [m.as_dict() for m in self.misfits]
        return out


@dataclass
class SuiteResult:
    cases: list[CaseResult]
    coverage: Coverage
    seconds: float

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def ok(self) -> bool:
        return self.passed == self.total

    def summary(self) -> str:
        """"12/12 pass", "11/12 pass"."""
        return f"{self.passed}/{self.total} pass"

    def as_json(self) -> dict:
        return {"passed": self.passed, "total": self.total, "summary": self.summary(),
                "seconds": round(self.seconds, 6), "cases": [c.as_json() for c in self.cases],
                "coverage": self.coverage.as_json()}


def _logs(ex: Execution):
    yield ex.events
    for run in ex.map_runs.values():
        for child in run.children:
            if child is not None:
                yield from _logs(child)


def start(machine: StateMachine, case: Case, *, state_machine_name: str = "StateMachine", seed: int = SEED,
          start_time: int = START_TIME, express: bool = False) -> Execution:
    """The case's execution, started (raises DefinitionError when its mock config cannot be read)."""
    mocks = Mocks.from_config(case.mock_config, case.state_machine, case.mock_test_case or case.name) \
        if case.mock_config else Mocks()
    return Execution(machine, {} if case.input is None else case.input, mocks=mocks,
                     state_machine_name=state_machine_name, seed=seed, start_time=start_time, express=express)


@dataclass
class Driven:
    """What ``drive`` did: why it stopped early (None when the run ended or waits), the answers
    it gave and those never asked for."""
    stopped: str | None = None
    unused: list[int] = field(default_factory=list)
    transitions: int = 0


def drive(ex: Execution, spec: Spec, limits: Limits = Limits()) -> Driven:
    """Run until the end, or a callback the case does not answer, giving the case's answers as
    the run waits for them; stop past the limits."""
    started = limits.clock()
    answers = list(enumerate(spec.callbacks))
    entered = sum(1 for e in ex.events if e.type.endswith("StateEntered"))
    scanned = len(ex.events)
    out = Driven()
    while ex.status is RUNNING:
        ex.run_to_callback(max_steps=_CHUNK)
        events = ex.events
        for i in range(scanned, len(events)):
            if events[i].type.endswith("StateEntered"):
                entered += 1
        scanned = len(events)
        out.transitions = entered
        if entered > limits.max_transitions:
            out.stopped = (f"stopped after {limits.max_transitions:,} transitions: the run did not end (a loop "
                           f"that never exits?); the other test cases still ran")
            break
        if limits.clock() - started > limits.seconds:
            out.stopped = (f"stopped after {limits.seconds:g} s of work without ending; the other test cases "
                           f"still ran")
            break
        if ex.status is not RUNNING:
            break
        waiting = ex.describe_status().get("waiting")
        if waiting is None:
            continue  # the chunk ended; more to do
        if waiting["reason"] != "callback":
            if waiting["reason"] == "task":
                names = ", ".join(f"'{n}'" for n in waiting.get("states", ())) or "a step"
                out.stopped = (f"the run cannot go on: {names} waits for an answer that never comes (a Pending "
                               f"mock, and no TimeoutSeconds)")
            break
        tokens: dict[str, str] = waiting["tokens"]
        if not answers or answers[0][1].state not in tokens.values():
            break  # waits for an answer the case does not give (yet)
        _, callback = answers.pop(0)
        token = next(t for t, state in tokens.items() if state == callback.state)
        try:
            if callback.answer == "success":
                ex.send_task_success(token, callback.output)
            elif callback.answer == "failure":
                ex.send_task_failure(token, callback.error, callback.cause)
            elif callback.answer == "stop":
                ex.abort()
            else:
                wake = ex.next_wake()
                if wake is None:
                    out.stopped = (f"nobody answers '{callback.state}', and it has no TimeoutSeconds or "
                                   f"HeartbeatSeconds: it would wait for ever")
                    break
                ex.run_until(wake)
        except InvalidToken:  # pragma: no cover - the token was just read from the run
            break
    out.unused = [i for i, _ in answers]
    return out


def outcome_of(ex: Execution, driven: Driven) -> Outcome:
    path = [e.details["name"] for e in ex.events if e.type.endswith("StateEntered")]
    waiting_at: tuple[str, ...] = ()
    status = ex.status
    if driven.stopped:
        status = STOPPED
    elif status is RUNNING:
        tokens = ex.waiting_tokens()
        waiting_at = tuple(dict.fromkeys(tokens.values()))
        status = WAITING if tokens else STOPPED
    return Outcome(status=status, output=ex.output, error=ex.error, cause=ex.cause, waiting_at=waiting_at,
                   path=path, transitions=len(path), stopped=driven.stopped)


def run_case(machine: StateMachine, case: Case, *, limits: Limits = Limits(), state_names: set[str] | None = None,
             state_machine_name: str = "StateMachine", seed: int = SEED, start_time: int = START_TIME,
             express: bool = False) -> CaseResult:
    clock = time.perf_counter()
    if state_names is None:
        state_names = {name for program in machine.programs.values() for name in program.states}
    problems = state_problems(case.spec, state_names)
    misfits: list[MockFitProblem] = []
    try:
        if case.mock_config:
            misfits = mock_fit(machine.definition, case.mock_config, state_machine=case.state_machine,
                               test_case=case.mock_test_case or case.name)
        ex = start(machine, case, state_machine_name=state_machine_name, seed=seed, start_time=start_time,
                   express=express)
    except DefinitionError as e:
        return CaseResult(case.name, False, [], None, problems=list(e.diagnostics) + problems,
                          seconds=time.perf_counter() - clock)
    driven = drive(ex, case.spec, limits)
    outcome = outcome_of(ex, driven)
    failures = check(case.spec.expect, outcome)
    for i in driven.unused:
        callback = case.spec.callbacks[i]
        if driven.stopped or callback.state in outcome.waiting_at:
            continue
        failures.append(Failure("callbacks", f"/callbacks/{i}",
                                f"the answer for '{callback.state}' was never asked for: the run did not wait "
                                f"there"))
    # Only misfits this run ran into: static reachability says what some input could reach.
    real = [m for m in misfits if m.code == "MOCKED_STATE_MISSING"
            or (m.code == "TASK_WITHOUT_MOCK" and m.state in outcome.path)]
    if failures and real:
        # Say first what most likely went wrong: the mocks no longer fit this version.
        failures.insert(0, Failure("mocks", "", f"{failures[0].message} ({real[0].message})"))
    passed = not failures and not problems
    return CaseResult(case.name, passed, failures, outcome, problems=problems, misfits=misfits,
                      seconds=time.perf_counter() - clock, execution=ex)


def run_suite(machine: StateMachine, cases: Iterable[Case], *, limits: Limits = Limits(),
              state_machine_name: str = "StateMachine", seed: int = SEED, start_time: int = START_TIME,
              keep_executions: bool = False, budget: float | None = None, express: bool = False) -> SuiteResult:
    """Every case, then the coverage of all their runs (from their event logs). With ``budget``
    (seconds of ``limits.clock``), cases not started by then are reported as not run; with
    ``express``, each case runs as an Express workflow's execution."""
    clock = time.perf_counter()
    deadline = None if budget is None else limits.clock() + budget
    names = {name for program in machine.programs.values() for name in program.states}
    cov = Coverage(machine)
    results = []
    for case in cases:
        left = None if deadline is None else deadline - limits.clock()
        if left is not None and left <= 0:
            results.append(CaseResult(case.name, False, [], None, problems=[Diagnostic(
                "NOT_RUN", "", f"not run: the suite's {budget:g} s were used up by the cases before it")]))
            continue
        case_limits = limits if left is None or left >= limits.seconds else replace(limits, seconds=left)
        result = run_case(machine, case, limits=case_limits, state_names=names,
                          state_machine_name=state_machine_name, seed=seed, start_time=start_time, express=express)
        for log in result.logs():
            cov.add(log)
        if not keep_executions:
            result.execution = None
        results.append(result)
    return SuiteResult(results, cov, time.perf_counter() - clock)
