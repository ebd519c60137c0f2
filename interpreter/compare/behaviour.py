"""The behavioural diff: every saved test case run against two versions, and how it now differs.

Each case runs through the test runner (:mod:`interpreter.testing.runner`: mocks, virtual clock,
the same seed and start time, bounded), once per version. For each case: the outcome before and
after (status, output or error), the path of states entered before and after with the first
point where they part, whether its expectations were met before and are met now, and, when its
mocks no longer fit a version, the misfits by name (a mocked step that is gone, a task the run
reached with no mock) instead of an obscure failure.

Renames are followed: a path through a renamed step is the same path, and a test case's mocks
written under a step's old (or new) name answer that step on the version that calls it otherwise.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..definition import StateMachine, parse
from ..errors import DefinitionError
from ..mocks import S3_OBJECTS
from ..shape import walk
from ..testing.checks import same
from ..testing.runner import Case, CaseResult, Limits, run_case

DEADLINE_SECONDS = 20.0   # all cases of one comparison; those left get "not run"
PER_CASE_SECONDS = 2.0


@dataclass
class SideResult:
    """One case on one version."""
    result: CaseResult | None = None
    cannot_run: str | None = None      # the version does not parse, or the deadline passed
    misfits: list[dict] = field(default_factory=list)
    path: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.cannot_run is not None or self.result is None or self.result.outcome is None:
            return "NOT_RUN"
        return self.result.outcome.status

    def as_dict(self) -> dict:
        if self.result is None or self.result.outcome is None:
            reason = self.cannot_run or (self.result.message if self.result else "")
            return {"status": "NOT_RUN", "reason": reason, "path": [], "passed": False, "failures": [],
                    "misfits": self.misfits}
        outcome = self.result.outcome
        return {**outcome.as_json(), "passed": self.result.passed, "message": self.result.message,
                "failures": [f.as_json() for f in self.result.failures], "misfits": self.misfits}


@dataclass
class CaseChange:
    name: str
    before: SideResult
    after: SideResult
    outcome_changed: bool
    path_changed: bool
    divergence: dict | None          # {"index", "before", "after", "after_state": last common state}
    words: list[str]

    @property
    def changed(self) -> bool:
        return self.outcome_changed or self.path_changed or self.expectation in ("now fails", "now passes")

    @property
    def expectation(self) -> str:
        """"now fails", "now passes" or "unchanged" (its expectations, met or not, on each version);
        "unknown" when it could not run on one of them."""
        if self.before.result is None or self.after.result is None:
            return "unknown"
        before, after = self.before.result.passed, self.after.result.passed
        return "now fails" if before and not after else "now passes" if after and not before else "unchanged"

    def as_dict(self) -> dict:
        return {"name": self.name, "before": self.before.as_dict(), "after": self.after.as_dict(),
                "changed": self.changed, "outcomeChanged": self.outcome_changed, "pathChanged": self.path_changed,
                "divergence": self.divergence, "expectation": self.expectation, "words": self.words}


@dataclass
class BehaviourDiff:
    cases: list[CaseChange]
    seconds: float

    def summary(self) -> str:
        if not self.cases:
            return "This workflow has no saved test cases to compare."
        changed = sum(1 for c in self.cases if c.changed)
        total = len(self.cases)
        if not changed:
            return f"All {total} test case{'s' if total != 1 else ''} behave the same on both versions."
        return f"{changed} of {total} test case{'s' if total != 1 else ''} behave{'s' if changed == 1 else ''} differently."

    def as_dict(self) -> dict:
        return {"summary": self.summary(), "seconds": round(self.seconds, 4),
                "cases": [c.as_dict() for c in self.cases]}


def _machine(definition: Any) -> tuple[StateMachine | None, str | None]:
    try:
        return parse(definition), None
    except DefinitionError as e:
        first = e.diagnostics[0]
        return None, f"This version cannot run: {first.message}"


def _names(definition: Any) -> set[str]:
    return {name for name, _, _, _ in walk(definition)}


def follow_renames(case: Case, mapping: dict[str, str], names: set[str]) -> Case:
    """The case with its mocks answering, under their names in this version, the steps renamed
    since (or before) the mocks were written."""
    config = case.mock_config
    if not mapping or not isinstance(config, dict):
        return case
    machines = config.get("StateMachines")
    if not isinstance(machines, dict) or not machines:
        return case
    machine = case.state_machine if case.state_machine is not None else (next(iter(machines)) if len(machines) == 1 else None)
    cases = machines.get(machine, {}).get("TestCases") if isinstance(machines.get(machine), dict) else None
    key = case.mock_test_case or case.name
    if not isinstance(cases, dict) or not isinstance(cases.get(key), dict):
        return case
    mocked = cases[key]
    moves = {old: new for old, new in mapping.items()
             if old in mocked and old not in names and new in names and new not in mocked and old != S3_OBJECTS}
    if not moves:
        return case
    config = copy.deepcopy(config)
    entry = config["StateMachines"][machine]["TestCases"][key]
    config["StateMachines"][machine]["TestCases"][key] = {moves.get(k, k): v for k, v in entry.items()}
    return Case(case.name, case.input, case.spec, config, case.mock_test_case, case.state_machine)


def _relevant_misfits(result: CaseResult) -> list[dict]:
    """The misfits this run ran into (reachability alone says what some input could reach)."""
    if result.outcome is None:
        return [m.as_dict() for m in result.misfits]
    path = set(result.outcome.path) | set(result.outcome.waiting_at)
    return [m.as_dict() for m in result.misfits
            if m.code in ("MOCKED_STATE_MISSING", "MOCKED_STATE_NOT_A_TASK", "MOCK_CONFIG_INVALID")
            or m.state in path]


def _run(machine: StateMachine | None, cannot: str | None, case: Case, limits: Limits) -> SideResult:
    if machine is None:
        return SideResult(cannot_run=cannot)
    result = run_case(machine, case, limits=limits)
    result.execution = None  # only what it said is kept, not the whole run
    side = SideResult(result=result, misfits=_relevant_misfits(result))
    if result.outcome is not None:
        side.path = list(result.outcome.path)
    return side


def _same_outcome(a: SideResult, b: SideResult) -> bool:
    if a.status != b.status:
        return False
    if a.result is None or b.result is None or a.result.outcome is None or b.result.outcome is None:
        return a.cannot_run == b.cannot_run
    x, y = a.result.outcome, b.result.outcome
    if x.status == "SUCCEEDED":
        return same(x.output, y.output)
    return (x.error, x.cause, x.waiting_at) == (y.error, y.cause, y.waiting_at)


def divergence(before: list[str], after: list[str]) -> dict | None:
    """Where two paths part: the index, what each entered there (None: it had ended), and the
    last step both took before."""
    for i, (a, b) in enumerate(zip(before, after)):
        if a != b:
            return {"index": i, "before": a, "after": b, "afterState": before[i - 1] if i else None}
    if len(before) == len(after):
        return None
    i = min(len(before), len(after))
    return {"index": i, "before": before[i] if i < len(before) else None,
            "after": after[i] if i < len(after) else None, "afterState": before[i - 1] if i else None}


_PRESENT = {"FAILED": "fails", "TIMED_OUT": "times out", "ABORTED": "is stopped"}
_PAST = {"FAILED": "failed", "TIMED_OUT": "timed out", "ABORTED": "was stopped"}


def _outcome_words(side: SideResult, past: bool = False) -> str:
    if side.result is None or side.result.outcome is None:
        return f"did not run ({side.cannot_run or (side.result.message if side.result else '')})"
    o = side.result.outcome
    if o.status == "SUCCEEDED":
        return "succeeded" if past else "succeeds"
    if o.status == "WAITING_FOR_CALLBACK":
        return f"{'waited' if past else 'waits'} for an answer at {', '.join(repr(s) for s in o.waiting_at)}"
    if o.status == "STOPPED":
        return f"was stopped ({o.stopped})"
    verb = (_PAST if past else _PRESENT).get(o.status, o.status.lower())
    return f"{verb} with {o.error}" if o.error else verb


def _words(change: CaseChange, old_label: str, new_label: str) -> list[str]:
    out = []
    if change.outcome_changed:
        before, after = _outcome_words(change.before, past=True), _outcome_words(change.after)
        if _outcome_words(change.before) == after:  # same kind of ending, another output or cause
            what = "output" if change.after.status == "SUCCEEDED" else "cause"
            out.append(f"Still {after}, with another {what}.")
        else:
            out.append(f"Now {after}; in {old_label} it {before}.")
    d = change.divergence
    if d is not None:
        where = f"after '{d['afterState']}'" if d["afterState"] else "at the start"
        now = f"goes to '{d['after']}'" if d["after"] else "stops there"
        then = f"went to '{d['before']}'" if d["before"] else "stopped there"
        out.append(f"The path parts {where} (step {d['index'] + 1}): it now {now}; in {old_label} it {then}.")
    if change.expectation == "now fails":
        out.append(f"It no longer meets its expectations: {change.after.result.message}.")
    elif change.expectation == "now passes":
        out.append("It now meets its expectations.")
    for side, label in ((change.after, new_label), (change.before, old_label)):
        for misfit in side.misfits:
            out.append(f"Its mocks do not fit {label}: {misfit['message']}")
    return out or ["Same outcome, same path."]


def behaviour_diff(old: Any, new: Any, cases: Iterable[Case], *, renames: dict[str, str] | None = None,
                   old_label: str = "the earlier version", new_label: str = "this version",
                   limits: Limits | None = None, deadline: float = DEADLINE_SECONDS,
                   clock: Callable[[], float] = time.monotonic) -> BehaviourDiff:
    """Run ``cases`` on ``old`` and on ``new`` (definitions as parsed JSON) and compare."""
    started = clock()
    limits = limits or Limits(seconds=PER_CASE_SECONDS, clock=clock)
    renames = renames or {}
    back = {n: o for o, n in renames.items()}
    old_machine, old_cannot = _machine(old)
    new_machine, new_cannot = _machine(new)
    old_names, new_names = _names(old), _names(new)
    out = []
    for case in cases:
        if clock() - started > deadline:
            late = f"not run: comparing took longer than {deadline:g} s"
            before, after = SideResult(cannot_run=late), SideResult(cannot_run=late)
        else:
            before = _run(old_machine, old_cannot, follow_renames(case, back, old_names), limits)
            after = _run(new_machine, new_cannot, follow_renames(case, renames, new_names), limits)
        old_path = [renames.get(name, name) for name in before.path]
        d = divergence(old_path, after.path) if before.result and after.result else None
        change = CaseChange(case.name, before, after, not _same_outcome(before, after), d is not None, d, [])
        change.words = _words(change, old_label, new_label)
        out.append(change)
    return BehaviourDiff(out, clock() - started)
