"""A suite's interpreter work in child processes, not in the server process's threads.

A suite runs every test case to its end: up to ``SUITE_SECONDS`` of pure-Python interpreter work.
In a thread of the server process that work takes the interpreter lock, slice by slice, from
every other request the process answers (bench/bench_abuse.py: ``GET /api/workflows/`` went from
15 ms to 110-280 ms p99 while a suite of 20 long cases ran). In a child it costs the server a
pipe read, as a run's batches do (``simulation/workers.py``). The children import no Django: a
suite is a pure function of the definition and the cases, and its result is plain JSON.

Bounds: the suite's own time budget (checked between cases, each case bounded by the
interpreter's limits), the children's address space (``STATEWISE_RUNNER_MEMORY_MB``) and a
lower CPU priority. ``STATEWISE_SUITE_PROCESSES`` children per server process (default: one per
core); 0 runs suites in the request's thread.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

PROCESSES = int(os.environ.get("STATEWISE_SUITE_PROCESSES", str(os.cpu_count() or 1)))
MEMORY_MB = int(os.environ.get("STATEWISE_RUNNER_MEMORY_MB", "2048"))


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
    if PROCESSES <= 0:
        return _suite(definition, cases, options)
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_child_start, initargs=(MEMORY_MB,))
        pool = _pool
    # As plain data: a spec holds sentinels that would not be themselves after a trip through pickle.
    plain = [(c.name, c.input, c.spec.as_json(), c.mock_config, c.mock_test_case, c.state_machine) for c in cases]
    try:
        return pool.submit(_suite, definition, plain, options).result()
    except BrokenProcessPool:
        with _lock:  # a child died: the next suite gets new ones
            if _pool is pool:
                _pool = None
        from ..errors import InvalidInput

        raise InvalidInput("The suite needed more memory than the server allows one piece of work "
                           f"({MEMORY_MB} MB); run fewer or smaller test cases.") from None


def _suite(definition: Any, cases: list, options: dict) -> SuiteOutcome:
    from interpreter.definition import parse
    from interpreter.testing.runner import Case, run_suite
    from interpreter.testing.spec import read_spec

    cases = [c if isinstance(c, Case) else Case(c[0], c[1], read_spec(c[2])[0], *c[3:]) for c in cases]
    result = run_suite(parse(definition), cases, **options)
    return SuiteOutcome([c.as_json() for c in result.cases], result.passed, result.total, result.seconds,
                        result.coverage.as_json())


_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _child_start(memory_mb: int) -> None:
    import resource

    os.nice(10)  # the server's own requests go first when the machine is busy
    if memory_mb:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _forget_after_fork() -> None:
    global _pool, _lock
    _pool, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
