"""Where the runner's batches run: child processes that keep interpreter work out of the server.

A batch is pure Python that may compute for a while (up to the interpreter's own bounds per
evaluation, times up to ``BATCH_TRANSITIONS`` transitions). Run in the server process, it would
hold the interpreter lock away from the event loop and every request thread; in a child it costs
the server nothing but a pipe read. Each child is a plain Django process (``spawn``: nothing
inherited but the settings and the database it is told) that takes batch requests one at a time,
with two bounds a batch may not break:

- time: ``STATEWISE_BATCH_DEADLINE`` seconds (default 60); a child past it is killed and replaced;
- memory: ``STATEWISE_RUNNER_MEMORY_MB`` of address space (default 2048); past it the interpreter
  gets a MemoryError, the batch is rolled back, and the child is replaced.

The child runs at a lower CPU priority (nice 10), so when the machine is busy the server's
requests go first. Either way the run is paused with a reason a person can read, and nothing was written: a batch is
one transaction, and a killed child's transaction never commits. A run goes to the same child
each time (``execution_id % processes``), so the child's kept interpreter object is usually current.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)
DEADLINE_SECONDS = float(os.environ.get("STATEWISE_BATCH_DEADLINE", "60"))
MEMORY_MB = int(os.environ.get("STATEWISE_RUNNER_MEMORY_MB", "2048"))
STARTUP_SECONDS = 120.0  # importing Django on a loaded machine


class BatchFailed(Exception):
    """The batch could not be done; ``reason`` is for the run's viewers, ``detail`` for the log."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class _Gone(Exception):
    pass


class _Late(Exception):
    pass


class BatchProcess:
    """One child process and the pipe to it. ``call`` blocks: run it in a thread."""

    def __init__(self, memory_mb: int = MEMORY_MB):
        from django.conf import settings

        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        # The database this process uses now (a test database has another name than settings say).
        databases = {alias: dict(value) for alias, value in settings.DATABASES.items()}
        # The child's entry lives outside this package: unpickling it must not import models
        # before the child has set Django up.
        from ..serving.batches import child_main

        self.process = context.Process(target=child_main, args=(child, databases, memory_mb), daemon=True,
                                       name="statewise-batches")
        self.process.start()
        child.close()
        self.ready = False

    def call(self, kwargs: dict, deadline: float) -> tuple[str, Any]:
        try:
            if not self.ready:
                if not self.conn.poll(STARTUP_SECONDS):
                    raise _Gone("the batch process did not start")
                self.conn.recv()  # "ready"
                self.ready = True
            self.conn.send(kwargs)
            if not self.conn.poll(deadline):
                raise _Late  # (not TimeoutError: that is an OSError, which means the child is gone)
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            raise _Gone(f"the batch process stopped ({str(exc) or type(exc).__name__})") from None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    process: BatchProcess | None = None


class Pool:
    """The runner's batch processes (or none: then batches run in a thread of this process)."""

    def __init__(self, processes: int):
        self.slots = [_Slot() for _ in range(max(0, processes))]
        for index, slot in enumerate(self.slots):
            # Started now: a child takes a second or two to import Django, paid before the first run.
            slot.process = _shared(index)

    async def advance(self, execution_id: int, kwargs: dict) -> tuple:
        """The batch's Update (or None) and the run-list announcements it made, to publish."""
        return await self.run(execution_id, "advance", kwargs)

    async def command(self, execution_id: int, kwargs: dict) -> tuple:
        """A person's command (``commands.command_run`` with ``user_id``): its Update and
        announcements; a DomainError it raised is raised here."""
        return await self.run(execution_id, "command", kwargs)

    async def run(self, execution_id: int, kind: str, kwargs: dict) -> tuple:
        loop = asyncio.get_running_loop()
        if not self.slots:
            return await loop.run_in_executor(None, _run_here, kind, kwargs)
        slot = self.slots[execution_id % len(self.slots)]
        async with slot.lock:  # one run's work always in the same child, one piece at a time
            if slot.process is None:  # retired after a failed batch
                slot.process = _shared(execution_id % len(self.slots))
            process = slot.process
            try:
                outcome, value = await loop.run_in_executor(None, process.call, (kind, kwargs), DEADLINE_SECONDS)
            except _Late:
                _retire(slot)
                raise BatchFailed(f"this run's work took longer than {DEADLINE_SECONDS:g} s at once, the "
                                  "server's limit", f"{kind} over {DEADLINE_SECONDS:g} s; its process was replaced")
            except _Gone as exc:
                _retire(slot)
                raise BatchFailed("the process doing this run's work stopped (it may have run out of memory)",
                                  str(exc))
        return _result(outcome, value, slot)


def _result(outcome: str, value: Any, slot: _Slot | None = None):
    from ..errors import NotFound

    if outcome == "ok":
        return value
    if outcome == "not_found":
        raise NotFound("No such execution.")
    if outcome == "domain":
        raise value  # a person's mistake, as the command would have raised it here
    if slot is not None:
        _retire(slot)  # after a MemoryError or a defect, start the next batch in a clean process
    if outcome == "memory":
        raise BatchFailed(f"this run needed more than the {MEMORY_MB} MB of memory the server allows its work "
                          "at once", "MemoryError in a batch process")
    raise BatchFailed("the server could not do this run's work (the error has been logged)", value)


# Processes outlive a runner that is stopped and started again (tests do so): one per slot index.
_processes: dict[int, BatchProcess] = {}
_processes_lock = threading.Lock()


def _shared(index: int) -> BatchProcess:
    with _processes_lock:
        process = _processes.get(index)
        if process is None or not process.process.is_alive():
            process = _processes[index] = BatchProcess()
        return process


def _forget_after_fork() -> None:
    # A forked process (a live-server test's) must not share its parent's pipes to the children.
    global _processes
    _processes = {}


os.register_at_fork(after_in_child=_forget_after_fork)


def _retire(slot: _Slot) -> None:
    process, slot.process = slot.process, None
    if process is not None:
        with _processes_lock:
            for index, kept in list(_processes.items()):
                if kept is process:
                    del _processes[index]
        process.kill()


def pool(processes: int) -> Pool:
    return Pool(processes)


def _run_here(kind: str, kwargs: dict):
    from django.db import close_old_connections

    from ..errors import DomainError

    try:
        return do(kind, kwargs)
    except DomainError:
        raise
    except MemoryError:
        return _result("memory", None)
    except Exception as exc:  # noqa: BLE001 - logged and turned into a paused run or a refusal
        log.exception("%s on execution %s failed", kind, kwargs.get("execution_id"))
        return _result("error", f"{type(exc).__name__}: {exc}")
    finally:
        close_old_connections()


def do(kind: str, kwargs: dict) -> tuple:
    """The work itself, wherever it runs: (its value, run-list announcements). The value of an
    advance or a command is its Update (or None); of a case opened, (execution id, Update or None)."""
    from .engine import announcements_kept

    with announcements_kept() as announcements:
        if kind == "advance":
            from .runner import execution_advance

            return execution_advance(**kwargs), announcements
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=kwargs["user_id"])
        if kind == "case_open":
            from ..suites.models import SuiteRun
            from ..suites.services import case_open

            suite = SuiteRun.objects.select_related("workflow", "version").get(pk=kwargs["suite_id"])
            execution, update = case_open(user=user, suite=suite, index=kwargs["index"])
            return (execution.pk, update), announcements
        from .. import commands

        return commands.command_run(user=user, execution_id=kwargs["execution_id"], body=kwargs["body"]), announcements
