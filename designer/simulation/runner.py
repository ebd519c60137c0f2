"""Continuing runs: the server advances them, batch by batch, at the run's speed.

A continuing run is advanced by an asyncio task on the server's event loop (the one that serves
the websockets, so broadcasts reach in-memory channel layers too). Each batch is one locked
transaction (``execution_advance``), published after its commit. With a speed of N
transitions per second, a batch is one transition and the task sleeps out the rest of 1/N s.

Which process runs it: the row's ``runner_id`` and ``runner_heartbeat`` form a lease. A process
whose lease is younger than ``LEASE_SECONDS`` keeps the run; another process that is asked to run
it waits until the lease is stale, then takes over. So a run that was continuing when its server
stopped is picked up again by whichever process is next asked to run it: when a viewer connects
to it (``consumers.ExecutionConsumer.connect``) or sends it any command, and at server start for
every run left continuing (``resume_all``, called from ``asgi.py`` on the first connection).
Outside an ASGI server (WSGI, management commands, tests with the test client) ``kick`` runs
the same loop in a thread of its own.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import DatabaseSyncToAsync
from django.utils import timezone

from interpreter.execution import RUNNING
from interpreter.inspection import about_to_enter

from .. import live
from ..models import Execution, ExecutionMode, ExecutionStatus
from .engine import Update, advancing, persist, waiting_for_person

LEASE_SECONDS = 3.0
# Continuing at full speed: one transaction holds at most this many transitions, or this much time.
BATCH_TRANSITIONS = 2000
BATCH_SECONDS = 0.05
RUNNER_ID = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
log = logging.getLogger(__name__)

_tasks: dict[int, asyncio.Task] = {}
_server_loop: asyncio.AbstractEventLoop | None = None
_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()
_resumed = False


def execution_advance(*, execution_id: int, runner_id: str, first: bool,
                      lease_seconds: float = 3.0) -> Update | None:
    """One batch of a continuing run, for the runner: up to the next breakpoint, callback or end,
    at most ``BATCH_TRANSITIONS`` transitions or ``BATCH_SECONDS`` (one transition when the run
    has a speed). Returns None when the run is not continuing any more, or another live process
    holds it (its ``runner_heartbeat`` younger than ``lease_seconds``)."""
    with advancing(execution_id) as (row, kept):
        if row.mode != ExecutionMode.CONTINUING or row.status != ExecutionStatus.RUNNING:
            return None
        now = timezone.now()
        # A slow run writes (and so renews its lease) once a transition: the lease outlasts that.
        lease = max(lease_seconds, 3.0 / row.speed if row.speed else 0.0)
        if (row.runner_id and row.runner_id != runner_id and row.runner_heartbeat is not None
                and (now - row.runner_heartbeat).total_seconds() < lease):
            return None
        run = kept.run
        stops = set(row.breakpoints)
        limit = 1 if row.speed else BATCH_TRANSITIONS
        deadline = time.monotonic() + BATCH_SECONDS
        events: list = []
        reason = ""
        for i in range(limit):
            if run.status != RUNNING:
                break
            if run.waiting_tokens() and waiting_for_person(run):
                reason = "waiting for a callback"
                break
            if stops and (i or not first):
                entering = about_to_enter(run)
                if entering in stops:
                    reason = f"breakpoint: {entering}"
                    break
            new = run.step()
            if not new:
                reason = "nothing can move"
                break
            events.extend(new)
            if not (i & 63) and time.monotonic() > deadline:
                break
        if not reason and run.status == RUNNING and stops:
            entering = about_to_enter(run)
            if entering in stops:
                reason = f"breakpoint: {entering}"
        if not reason and run.status == RUNNING and run.waiting_tokens() and waiting_for_person(run):
            reason = "waiting for a callback"
        fields: dict[str, Any] = {"runner_id": runner_id, "runner_heartbeat": now}
        stop = bool(reason) or run.status != RUNNING
        if reason:
            fields.update(mode=ExecutionMode.PAUSED, runner_id="", stop_reason=reason)
        return persist(row, kept, events, fields=fields, stop=stop)


# The database work of a batch runs in the default thread pool, not Django's one shared thread
# for synchronous views, so a long run does not queue everyone's page loads behind it.
_advance = DatabaseSyncToAsync(execution_advance, thread_sensitive=False)


def _still_continuing(execution_id: int) -> bool:
    return Execution.objects.filter(pk=execution_id, mode=ExecutionMode.CONTINUING,
                                    status=ExecutionStatus.RUNNING).exists()


_check = DatabaseSyncToAsync(_still_continuing, thread_sensitive=False)


def note_loop() -> None:
    """Called on the server's event loop (by ``asgi.py``): runners started from views go there."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


async def ensure_running(execution_id: int) -> None:
    """Make sure this process advances the run if it is continuing (no-op otherwise)."""
    note_loop()
    task = _tasks.get(execution_id)
    if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
        return
    _tasks[execution_id] = asyncio.create_task(_run(execution_id), name=f"statewise-run-{execution_id}")


async def _run(execution_id: int) -> None:
    first = True
    try:
        while True:
            started = time.monotonic()
            update = await _advance(execution_id=execution_id, runner_id=RUNNER_ID, first=first,
                                    lease_seconds=LEASE_SECONDS)
            if update is None:
                # Paused, finished, or another process holds the lease: wait while it is fresh.
                if await _check(execution_id):
                    await asyncio.sleep(LEASE_SECONDS / 2)
                    continue
                return
            first = False
            await live.publish(update)
            if update.stop:
                return
            speed = _speed_of(update)
            if speed:
                await asyncio.sleep(max(0.0, 1.0 / speed - (time.monotonic() - started)))
            else:
                await asyncio.sleep(0)  # let the consumers send what was just published
    except Exception:  # noqa: BLE001 - a broken run must not take the server down; say why
        log.exception("Runner for execution %s stopped", execution_id)
    finally:
        if _tasks.get(execution_id) is asyncio.current_task():
            _tasks.pop(execution_id, None)


def _speed_of(update: Update) -> float:
    return update.speed


async def resume_all() -> None:
    """Pick up every run left continuing (say, by a server that stopped). Once per process."""
    global _resumed
    if _resumed:
        return
    _resumed = True
    ids = await DatabaseSyncToAsync(_continuing_ids, thread_sensitive=False)()
    for execution_id in ids:
        await ensure_running(execution_id)


def _continuing_ids() -> list[int]:
    return list(Execution.objects.filter(mode=ExecutionMode.CONTINUING, status=ExecutionStatus.RUNNING)
                .values_list("pk", flat=True))


def kick(execution_id: int) -> None:
    """From synchronous code: have the run advanced if it is continuing."""
    loop = _server_loop
    if loop is not None and loop.is_running():
        asyncio.run_coroutine_threadsafe(ensure_running(execution_id), loop)
        return
    with _threads_lock:
        thread = _threads.get(execution_id)
        if thread is not None and thread.is_alive():
            return
        thread = threading.Thread(target=_run_in_thread, args=(execution_id,), daemon=True,
                                  name=f"statewise-run-{execution_id}")
        _threads[execution_id] = thread
        thread.start()


def _run_in_thread(execution_id: int) -> None:
    from django.db import close_old_connections

    first = True
    try:
        while True:
            started = time.monotonic()
            update = execution_advance(execution_id=execution_id, runner_id=RUNNER_ID, first=first,
                                                  lease_seconds=LEASE_SECONDS)
            if update is None:
                if _still_continuing(execution_id):
                    time.sleep(LEASE_SECONDS / 2)
                    continue
                return
            first = False
            async_to_sync(live.publish)(update)
            if update.stop:
                return
            speed = _speed_of(update)
            if speed:
                time.sleep(max(0.0, 1.0 / speed - (time.monotonic() - started)))
    except Exception:  # noqa: BLE001
        log.exception("Runner thread for execution %s stopped", execution_id)
    finally:
        close_old_connections()
