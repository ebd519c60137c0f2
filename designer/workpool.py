"""Heavy work of one request in child processes, so that it cannot slow anyone else's requests.

A server process answers every request in threads that share one interpreter lock. A thread that
computes for a second (a suite, checking and drawing a definition of thousands of steps, running
every test case on two versions) holds that lock slice after slice, and each other request waits
for its turn at every step it takes: bench/bench_abuse.py measured ``GET /api/workflows/`` at
330-620 ms p99 (30-50 ms idle) while a 768 KB definition was checked and drawn. In a child process the
same work costs the server a pipe read, and the request's thread waits without the lock.

``run(fn, *args, what=..., **kwargs)`` calls the module-level function ``fn`` in one of
``PROCESSES`` children (``STATEWISE_WORK_PROCESSES``, formerly ``STATEWISE_SUITE_PROCESSES``;
default one per core; 0 calls it in the caller's thread) and returns what it returns, or raises
what it raises (exceptions travel by pickle); called in a child, it calls ``fn`` there. Callers
ask ``large(states)`` whether a definition is worth the trip. Each call has two bounds, given to
the child with the call:

- CPU time: ``cpu_seconds`` (default ``STATEWISE_WORK_CPU_SECONDS``, 10) of the child's own CPU
  time; past it the work is interrupted and ``TooCostly`` (422) says which bound it broke.
  Should the work be stuck in C code that never returns to Python, the kernel ends the child
  5 s later (RLIMIT_CPU) and the call fails the same way.
- memory: ``STATEWISE_RUNNER_MEMORY_MB`` (2048) of address space; past it the work gets a
  MemoryError, and the call fails with ``TooCostly`` naming that bound.

The children are Django processes (``spawn``: nothing inherited but the environment) that touch
no database: the work gets plain data and returns plain data. They run at a lower CPU priority
(nice 10), end with their server process (also when it is killed: each watches its parent), and
a child that died is replaced on the next call.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from .errors import DomainError

PROCESSES = int(os.environ.get("STATEWISE_WORK_PROCESSES", os.environ.get("STATEWISE_SUITE_PROCESSES",
                                                                           str(os.cpu_count() or 1))))
CPU_SECONDS = float(os.environ.get("STATEWISE_WORK_CPU_SECONDS", "10"))
MEMORY_MB = int(os.environ.get("STATEWISE_RUNNER_MEMORY_MB", "2048"))
LARGE_STATES = int(os.environ.get("STATEWISE_LARGE_STATES", "200"))
LARGE_TEXT = int(os.environ.get("STATEWISE_LARGE_BODY_BYTES", str(32 * 1024)))  # about 200 steps of JSON
KERNEL_GRACE_SECONDS = 5  # past the bound, before the kernel ends a child stuck in C code


class TooCostly(DomainError):
    """The work needed more CPU time or memory than the server gives one request's work."""
    status_code = 422
    default_code = "too_costly"


def run(fn: Callable, *args, what: str, cpu_seconds: float | None = None, **kwargs) -> Any:
    """``fn(*args, **kwargs)`` in a child process, within the bounds; ``what`` names the work in
    the error a person reads ("Checking this definition")."""
    global _pool
    cpu = CPU_SECONDS if cpu_seconds is None else cpu_seconds
    if PROCESSES <= 0 or _in_child:  # (in a child, within the bounds of the work that asked)
        return fn(*args, **kwargs)
    pool = _the_pool()
    try:
        kind, value = pool.submit(_bounded, fn, args, kwargs, cpu, MEMORY_MB).result()
    except BrokenProcessPool:
        with _lock:  # a child died (and with it the calls waiting in its pool): the next call gets new ones
            if _pool is pool:
                _pool = None
        pool.shutdown(wait=False, cancel_futures=True)
        raise TooCostly(f"{what} was stopped: it needed more memory ({MEMORY_MB:,} MB) or more CPU time "
                        f"({cpu:g} s) than the server gives one request's work.", bound="memory_or_cpu") from None
    if kind == "cpu":
        raise TooCostly(f"{what} needed more than {cpu:g} s of CPU time, the most the server gives one "
                        "request's work.", bound="cpu_seconds", limit=cpu)
    if kind == "memory":
        raise TooCostly(f"{what} needed more than {MEMORY_MB:,} MB of memory, the most the server gives one "
                        "request's work.", bound="memory_mb", limit=MEMORY_MB)
    return value


def large(states: int) -> bool:
    """Whether work on a definition of ``states`` steps (nested ones included) is worth a child:
    ``LARGE_STATES`` (``STATEWISE_LARGE_STATES``, 200) or more; checking and drawing 200 steps
    takes some 25 ms in the server process."""
    return PROCESSES > 0 and not _in_child and states >= LARGE_STATES


def large_text(text: str) -> bool:
    """The same for a definition as stored text: ``LARGE_TEXT`` characters or more."""
    return PROCESSES > 0 and not _in_child and len(text) >= LARGE_TEXT


def large_text_possible() -> bool:
    """Whether anything is sent to a child from here at all (not with no children, nor in one)."""
    return PROCESSES > 0 and not _in_child


def warm() -> None:
    """Start the children now, in the background, so that the first large request does not wait
    for them: a spawned child imports Django and the interpreter, 1-2 s on a quiet machine and
    10-40 s measured on a loaded one, which a person opening a comparison would otherwise wait.
    A server process calls it once when it starts serving."""
    global _warming
    with _lock:
        if PROCESSES <= 0 or _in_child or _warming:
            return
        _warming = True
    threading.Thread(target=_warm, name="statewise-workpool-warm", daemon=True).start()


def _warm() -> None:
    pool = _the_pool()
    try:  # one call per child at once: the pool starts a child for each call no idle child takes
        for done in [pool.submit(os.getpid) for _ in range(PROCESSES)]:
            done.result()
    except Exception:  # noqa: BLE001 - a child that could not start is started again on a real call
        pass


def children() -> list[int]:
    """The process ids of this process's children that do the work (for tests and benchmarks)."""
    with _lock:
        pool = _pool
    return sorted(getattr(pool, "_processes", None) or {}) if pool is not None else []


def shutdown() -> None:
    """End the children now (they are started again on the next call)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()
_warming = False


def _the_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_child_start, initargs=(os.getpid(),))
        return _pool


def _forget_after_fork() -> None:
    global _pool, _lock, _warming
    _pool, _lock, _warming = None, threading.Lock(), False


os.register_at_fork(after_in_child=_forget_after_fork)


# --- in the child ------------------------------------------------------------------------------

class _CpuSpent(BaseException):
    """Raised in the work when its CPU time is up. A BaseException, so that code which turns any
    Exception into a report (the validator's guard) does not swallow it."""


_armed = False
_in_child = False


def _child_start(parent_pid: int) -> None:
    global _in_child
    _in_child = True
    os.nice(10)  # the server's own requests go first when the machine is busy
    signal.signal(signal.SIGPROF, _cpu_spent)
    threading.Thread(target=_end_with_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
    import django

    django.setup()


def _end_with_parent(parent_pid: int) -> None:
    """A killed server cannot tell its children to stop: they notice that it is gone."""
    import time

    while os.getppid() == parent_pid:
        time.sleep(1)
    os._exit(0)


def _cpu_spent(signum, frame) -> None:
    global _armed
    if _armed:
        _armed = False
        raise _CpuSpent


def _bounded(fn: Callable, args: tuple, kwargs: dict, cpu_seconds: float, memory_mb: int) -> tuple[str, Any]:
    global _armed
    import resource

    cpu_limits = resource.getrlimit(resource.RLIMIT_CPU)
    memory_limits = resource.getrlimit(resource.RLIMIT_AS)
    try:
        if memory_mb:
            hard = memory_limits[1]
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        used = resource.getrusage(resource.RUSAGE_SELF)
        kernel_limit = math.ceil(used.ru_utime + used.ru_stime + cpu_seconds) + KERNEL_GRACE_SECONDS
        if cpu_limits[1] == resource.RLIM_INFINITY or kernel_limit < cpu_limits[1]:
            resource.setrlimit(resource.RLIMIT_CPU, (kernel_limit, cpu_limits[1]))
        _armed = True
        signal.setitimer(signal.ITIMER_PROF, max(cpu_seconds, 0.001))
        try:
            return "ok", fn(*args, **kwargs)
        finally:
            _armed = False  # a signal from here on is ignored
    except _CpuSpent:
        return "cpu", None
    except MemoryError:
        return "memory", None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        resource.setrlimit(resource.RLIMIT_AS, memory_limits)
        resource.setrlimit(resource.RLIMIT_CPU, cpu_limits)
