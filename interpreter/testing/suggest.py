"""Suggested test cases: for each Choice rule, Default and Catch no test case takes yet, a test
case that does, built from one that gets as far as the state, changed, and run before it is
offered. Where none is found, the reason in words.

How a case is built:

* **Choice rule or Default.** The run of an existing case that enters the Choice gives the data
  the rules read (the ``ChoiceStateEntered`` input, after InputPath; variables assigned on the
  way). ``conditions.solve`` proposes values that make the earlier rules fail and this one hold
  (every rule fail, for the Default). Each value is then put where it comes from, found by
  trying: the same field of the execution input first, then fields of the input and of the
  mocked answers of the Tasks run before the Choice that hold the value the rule reads now (the
  same field name first). A try counts when a run shows the new value at the Choice; the next
  value builds on it.
* **Catch.** A mock makes a Task throw an error this catcher takes and no earlier catcher does,
  on every attempt its Retry makes: the state itself when it is a Task, else a Task inside the
  Parallel or Map that the existing case ran.

Every candidate is run (bounded like any case) and kept only if its run takes the edge; states
and edges it newly covers count, so later targets already reached are not suggested twice. A
suggestion's expectations are what its run did (status, error, the state it reaches).

The search is here; Choice rules and Defaults are built in ``choice_cases.py``, Catches in
``catch_cases.py``.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any, Callable

from ..definition import StateMachine
from .catch_cases import catch_case
from .checks import Outcome
from .choice_cases import choice_case
from .coverage import CATCH, CHOICE, DEFAULT, Coverage, Edge
from .drafts import Draft
from .runner import Case, CaseResult, Limits, run_case
from .spec import FAILED, SUCCEEDED, WAITING, Callback, Expect, Spec

TRIAL_LIMITS = Limits(max_transitions=20_000, seconds=2.0)
TARGET_KINDS = (CHOICE, DEFAULT, CATCH)


@dataclass
class Suggestion:
    target: Edge
    name: str
    based_on: str
    input: Any
    mock_config: dict
    spec: Spec
    changes: list[str]
    covers: list[str]
    outcome: Outcome

    def case(self) -> Case:
        return Case(self.name, self.input, self.spec, self.mock_config, self.name)

    def as_json(self) -> dict:
        return {"target": self.target.as_json(), "name": self.name, "basedOn": self.based_on, "input": self.input,
                "mockConfig": self.mock_config, "mockTestCase": self.name, "expectations": self.spec.as_json(),
                "changes": self.changes, "covers": self.covers, "outcome": self.outcome.as_json()}


@dataclass
class NotFound:
    target: Edge
    reason: str

    def as_json(self) -> dict:
        return {"target": self.target.as_json(), "reason": self.reason}


@dataclass
class Suggestions:
    found: list[Suggestion]
    not_found: list[NotFound]
    seconds: float
    covered_before: int
    targets: int

    def as_json(self) -> dict:
        return {"suggestions": [s.as_json() for s in self.found], "notFound": [n.as_json() for n in self.not_found],
                "seconds": round(self.seconds, 4), "targets": self.targets}


# --- the search -------------------------------------------------------------------------------

class _Search:
    def __init__(self, machine: StateMachine, cases: list[Case], *, limits: Limits, budget: float,
                 state_machine_name: str, taken_names: set[str], clock: Callable[[], float], express: bool = False):
        self.machine, self.limits, self.clock, self.express = machine, limits, clock, express
        self.deadline = clock() + budget
        self.state_machine_name = state_machine_name
        self.names = {n for p in machine.programs.values() for n in p.states}
        self.states = {n: s for p in machine.programs.values() for n, s in p.states.items()}
        self.taken = set(taken_names)
        self.coverage = Coverage(machine)
        self.waiting = None  # a suggestion whose run waits for an answer, while a better one is looked for
        self.pool: list[tuple[Case, CaseResult]] = []
        for case in cases:
            result = self.run(case)
            for log in result.logs():
                self.coverage.add(log)
            self.pool.append((case, result))

    def run(self, case: Case) -> CaseResult:
        return run_case(self.machine, case, limits=self.limits, state_names=self.names,
                        state_machine_name=self.state_machine_name, express=self.express)

    def out_of_time(self) -> bool:
        return self.clock() > self.deadline

    def baselines(self, state: str) -> list[tuple[Case, CaseResult, Any]]:
        """Cases whose run entered ``state``, with the event of its first entry."""
        out = []
        for case, result in self.pool:
            if result.execution is None:
                continue
            entered = next((e for e in result.execution.events if e.type.endswith("StateEntered")
                            and e.details.get("name") == state), None)
            if entered is not None:
                out.append((case, result, entered))
        return out

    def reaches(self, result: CaseResult, target: Edge) -> bool:
        cov = Coverage(self.machine)
        for log in result.logs():
            cov.add(log)
        return cov.edge_counts.get(target.id, 0) > 0

    def name_for(self, target: Edge, error: str | None = None) -> str:
        if target.kind == CHOICE:
            base = f"{target.source}: rule {target.index + 1}"
        elif target.kind == DEFAULT:
            base = f"{target.source}: otherwise"
        else:
            base = f"{target.source}: catches {error}" if error else f"{target.source}: Catch {target.index + 1}"
        base = base[:190]
        name = base
        for n in itertools.count(2):
            if name not in self.taken:
                break
            name = f"{base} ({n})"
        return name

    def offer(self, target: Edge, draft: Draft, based_on: str, error: str | None = None) -> Suggestion | None:
        """The suggestion when ``draft``'s run takes ``target``. One whose run is left waiting for
        an answer is kept aside while another existing case may give a run that ends."""
        name = self.name_for(target, error)
        case = draft.case(name)
        result = self.run(case)
        if not self.reaches(result, target):
            return None
        if result.outcome.status == WAITING and self.waiting is None:
            self.waiting = (target, draft, based_on, error)
            return None
        return self.accept(target, draft, based_on, name, case, result)

    def accept(self, target: Edge, draft: Draft, based_on: str, name: str, case: Case,
               result: CaseResult) -> Suggestion:
        before_edges = self.coverage.covered_edges()
        for log in result.logs():
            self.coverage.add(log)
        covers = sorted(self.coverage.covered_edges() - before_edges)
        spec = _expectations(result.outcome, target, draft.callbacks)
        self.taken.add(name)
        self.pool.append((Case(name, draft.input, spec, case.mock_config, name, draft.state_machine), result))
        if result.outcome.status == WAITING:
            # As a starting point for later targets, the same case with someone answering: the
            # run then goes on past the step, and what it needs from the answer can be found.
            answers = draft.callbacks + tuple(Callback(state, "success", output={})
                                              for state in result.outcome.waiting_at)
            onward = Case(name, draft.input, Spec(callbacks=answers), case.mock_config, name, draft.state_machine)
            self.pool.append((onward, self.run(onward)))
        return Suggestion(target, name, based_on, draft.input, case.mock_config, spec, draft.changes, covers,
                          result.outcome)


def _expectations(outcome: Outcome, target: Edge, callbacks: tuple) -> Spec:
    fields: dict[str, Any] = {"status": outcome.status, "status_given": True}
    if outcome.status == WAITING and outcome.waiting_at:
        fields["waiting_at"] = outcome.waiting_at[0]
    if outcome.status == FAILED and outcome.error is not None:
        fields["error"] = outcome.error
    if outcome.status not in (SUCCEEDED, FAILED, WAITING):
        fields["status"] = outcome.status
    fields["passes_through"] = (target.target,)
    used = tuple(c for c in callbacks if c.state in outcome.path)
    return Spec(callbacks=used, expect=Expect(**fields))


def suggest(machine: StateMachine, cases: list[Case], *, limits: Limits = TRIAL_LIMITS, budget: float = 10.0,
            state_machine_name: str = "StateMachine", clock: Callable[[], float] = time.monotonic,
            only: set[str] | None = None, express: bool = False) -> Suggestions:
    """Suggestions for every Choice rule, Default and Catch the cases do not take (or those in
    ``only``, by edge id), within ``budget`` seconds of ``clock``."""
    started = time.perf_counter()
    search = _Search(machine, list(cases), limits=limits, budget=budget, state_machine_name=state_machine_name,
                     taken_names={c.name for c in cases}, clock=clock, express=express)
    covered_before = len(search.coverage.covered_edges())
    targets = [e for e in search.coverage.uncovered_edges() if e.kind in TARGET_KINDS
               and (only is None or e.id in only)]
    found: list[Suggestion] = []
    reasons: dict[str, str] = {}
    pending = list(targets)
    progress = True
    while pending and progress and not search.out_of_time():
        progress = False
        still = []
        for target in pending:
            if search.coverage.edge_counts.get(target.id):
                continue  # an earlier suggestion took it on its way
            if search.out_of_time():
                still.append(target)
                continue
            baselines = search.baselines(target.source)
            if not baselines:
                reasons[target.id] = (f"no test case reaches '{target.source}' yet: add one that does (or accept a "
                                      f"suggestion that gets there first)")
                still.append(target)
                continue
            suggestion, reason = _for_target(search, target, baselines)
            if suggestion is not None:
                found.append(suggestion)
                reasons.pop(target.id, None)
                progress = True
            else:
                reasons[target.id] = reason
        pending = still
    not_found = []
    for target in targets:
        if search.coverage.edge_counts.get(target.id) or any(s.target.id == target.id for s in found):
            continue
        reason = reasons.get(target.id) or "the time for suggestions ran out before this one was tried"
        not_found.append(NotFound(target, reason))
    return Suggestions(found, not_found, time.perf_counter() - started, covered_before, len(targets))


def _for_target(search: _Search, target: Edge, baselines: list) -> tuple[Suggestion | None, str]:
    reason = ""
    search.waiting = None
    for case, result, entered in baselines[:3]:
        if search.out_of_time():
            break
        if target.kind == CATCH:
            suggestion, reason = catch_case(search, target, case, result)
        else:
            suggestion, reason = choice_case(search, target, case, result, entered)
        if suggestion is not None:
            return suggestion, ""
    if search.waiting is not None:  # none that ends: the one that waits for an answer will do
        target, draft, based_on, error = search.waiting
        search.waiting = None
        name = search.name_for(target, error)
        case = draft.case(name)
        return search.accept(target, draft, based_on, name, case, search.run(case)), ""
    return None, reason or "the time for suggestions ran out"
