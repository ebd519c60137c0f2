"""Running test cases in child processes (``designer/workpool.py``), not in the server process's
threads: a suite, the search for suggested test cases, and every case on two versions (the
behavioural diff).

A suite runs every test case to its end: up to ``SUITE_SECONDS`` of pure-Python interpreter work.
In a thread of the server process that work takes the interpreter lock, slice by slice, from
every other request the process answers (bench/bench_abuse.py: ``GET /api/workflows/`` went from
15 ms to 110-280 ms p99 while a suite of 20 long cases ran). In a child it costs the server a
pipe read. Each is a pure function of the definitions and the cases, and its result is plain
JSON.

Bounds: the work's own time budget (checked between cases, each case bounded by the
interpreter's limits); the work pool's memory bound, and its CPU bound past the budget.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import workpool


@dataclass
class SuiteOutcome:
    """What the web app keeps of a suite: each case's result and the coverage, as JSON."""
    cases: list[dict]
    passed: int
    total: int
    seconds: float
    coverage: dict

    def summary(self) -> str:
        return f"{self.passed}/{self.total} pass"


def suite(definition: Any, cases: list, **options) -> SuiteOutcome:
    """``interpreter.testing.runner.run_suite`` over ``definition`` (its JSON text or value)."""
    return workpool.run(_suite, definition, _plain(cases), options, what="The suite",
                        cpu_seconds=(options.get("budget") or 0) + workpool.CPU_SECONDS)


def suggestions(definition: Any, cases: list, *, budget: float, **options) -> dict:
    """``interpreter.testing.suggest.suggest`` as JSON, each suggestion with its expectations in words."""
    return workpool.run(_suggestions, definition, _plain(cases), dict(options, budget=budget),
                        what="Looking for test cases to suggest", cpu_seconds=budget + workpool.CPU_SECONDS)


def behaviour(old: Any, new: Any, cases: list, *, deadline: float, **options) -> dict:
    """``interpreter.compare.behaviour.behaviour_diff`` of two definitions, as JSON."""
    return workpool.run(_behaviour, old, new, _plain(cases), dict(options, deadline=deadline),
                        what="Running the test cases on both versions", cpu_seconds=deadline + workpool.CPU_SECONDS)


def _plain(cases: list) -> list:
    # As plain data: a spec holds sentinels that would not be themselves after a trip through pickle.
    return [(c.name, c.input, c.spec.as_json(), c.mock_config, c.mock_test_case, c.state_machine) for c in cases]


def _cases(plain: list) -> list:
    from interpreter.testing.runner import Case
    from interpreter.testing.spec import read_spec

    return [Case(c[0], c[1], read_spec(c[2])[0], *c[3:]) for c in plain]


def _suite(definition: Any, cases: list, options: dict) -> SuiteOutcome:
    from interpreter.definition import parse
    from interpreter.testing.runner import run_suite

    result = run_suite(parse(definition), _cases(cases), **options)
    return SuiteOutcome([c.as_json() for c in result.cases], result.passed, result.total, result.seconds,
                        result.coverage.as_json())


def _suggestions(definition: Any, cases: list, options: dict) -> dict:
    from interpreter.definition import parse
    from interpreter.testing.checks import describe
    from interpreter.testing.suggest import suggest

    found = suggest(parse(definition), _cases(cases), **options)
    out = found.as_json()
    for item, suggestion in zip(out["suggestions"], found.found):
        item["words"] = describe(suggestion.spec)
    return out


def _behaviour(old: Any, new: Any, cases: list, options: dict) -> dict:
    from interpreter.compare.behaviour import behaviour_diff

    return behaviour_diff(old, new, _cases(cases), **options).as_dict()
