"""Continuing runs: advanced by every live server process, whoever is watching.

Each server process has one runner: a thread with its own event loop, started with the server
(``start``: the ASGI lifespan, ``manage.py runserver``, or the first request of a server without
either). Twice a second it looks in the database for continuing runs that no live process holds,
and claims them; it also renews the lease on the runs it holds. A command that starts a run
moving (continue, and any command on a continuing run) wakes this process's runner at once.

The lease is the row's ``runner_id`` and ``runner_heartbeat``. A live runner renews the
heartbeats of its runs every ``HEARTBEAT_SECONDS``; a run whose heartbeat is older than
``LEASE_SECONDS`` belongs to a process that is gone, and the next poll of any live process takes
it over, so a run is resumed within LEASE_SECONDS + POLL_SECONDS of its process dying. Each batch
is one transaction that locks the row (``execution_advance``): two processes that both think they
hold a run still write each event exactly once, in order.

The interpreter work of a batch never runs in the server process: batches go to a child process
(``workers.BatchProcess``), so a run that computes for seconds, or asks for gigabytes, slows
neither the event loop nor other requests, and a batch that breaks the child's time or memory
bound only pauses its own run, saying why. ``STATEWISE_RUNNER_PROCESSES=0`` runs batches in a
thread of the server process instead.

Each batch is published after its commit, from the runner's loop (Redis) or on the server's
loop (the in-memory channel layer lives there). A batch holds at most ``BATCH_TRANSITIONS``
transitions or ``BATCH_SECONDS``; at a speed of N transitions per second it is one transition
and the runner sleeps out the rest of 1/N s.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from interpreter.execution import RUNNING
from interpreter.inspection import about_to_enter

from .. import live
from ..errors import DomainError, NotFound
from ..models import Execution, ExecutionMode, ExecutionStatus
from .engine import Update, advancing, persist, waiting_for_person

LEASE_SECONDS = 3.0
HEARTBEAT_SECONDS = 1.0
POLL_SECONDS = 0.5
# Continuing at full speed: one transaction holds at most this many transitions, or this much time.
BATCH_TRANSITIONS = 2000
BATCH_SECONDS = 0.05
CHILD_MOVES_PER_STEP = 64  # Distributed Map children moved between two looks at the batch's deadline
RUNNER_ID = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
log = logging.getLogger(__name__)


# --- the batch: one locked transaction -----------------------------------------------------

def execution_advance(*, execution_id: int, runner_id: str, lease_seconds: float = LEASE_SECONDS,
                      max_transitions: int | None = None, max_seconds: float | None = None) -> Update | None:
    """One batch of a continuing run: up to the next breakpoint, callback or end, at most
    ``max_transitions`` transitions or ``max_seconds`` (one transition when the run has a speed).
    Returns None when the run is not continuing any more, or another live process holds it (its
    ``runner_heartbeat`` younger than ``lease_seconds``)."""
    max_transitions = BATCH_TRANSITIONS if max_transitions is None else max_transitions
    max_seconds = BATCH_SECONDS if max_seconds is None else max_seconds
    with advancing(execution_id) as (row, kept):
        if row.mode != ExecutionMode.CONTINUING or row.status != ExecutionStatus.RUNNING:
            return None
        if (row.runner_id and row.runner_id != runner_id and row.runner_heartbeat is not None
                and (timezone.now() - row.runner_heartbeat).total_seconds() < lease_seconds):
            return None
        # The first batch after a continue (no runner has moved the run since) may leave the
        # breakpoint the run is paused at; a run taken over mid-way stops at every breakpoint.
        first = not row.runner_id
        run = kept.run
        stops = set(row.breakpoints)
        limit = 1 if row.speed else max_transitions
        deadline = time.monotonic() + max_seconds
        events: list = []
        reason = ""
        # A Distributed Map's children count as transitions too: each child moved (until it
        # waits or ends) takes one from the batch, so a Map Run advances batch by batch and each
        # batch shows its counts moving.
        done = i = 0
        while done < limit:
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
            moves = run.map_runs.moves
            new = run.step(child_moves=min(CHILD_MOVES_PER_STEP, limit - done))
            moved = run.map_runs.moves - moves
            if not new and not moved:
                reason = "nothing can move"
                break
            events.extend(new)
            done += moved + (1 if new else 0)
            i += 1
            if (moved or not (i & 63)) and time.monotonic() > deadline:
                break
        if not reason and run.status == RUNNING and stops:
            entering = about_to_enter(run)
            if entering in stops:
                reason = f"breakpoint: {entering}"
        if not reason and run.status == RUNNING and run.waiting_tokens() and waiting_for_person(run):
            reason = "waiting for a callback"
        fields: dict[str, Any] = {"runner_id": runner_id, "runner_heartbeat": timezone.now()}
        stop = bool(reason) or run.status != RUNNING
        if reason:
            fields.update(mode=ExecutionMode.PAUSED, runner_id="", stop_reason=reason)
        return persist(row, kept, events, fields=fields, stop=stop)


def execution_halt(*, execution_id: int, reason: str) -> Update | None:
    """Pause a continuing run the runner could not advance, saying why (the run is unchanged:
    its failed batch was never committed)."""
    with advancing(execution_id) as (row, kept):
        if row.mode != ExecutionMode.CONTINUING:
            return None
        return persist(row, kept, [], fields={"mode": ExecutionMode.PAUSED, "runner_id": "",
                                              "stop_reason": reason[:200]}, stop=True)


def claimable(*, runner_id: str, lease_seconds: float = LEASE_SECONDS, limit: int = 200) -> list[int]:
    """Continuing runs that this runner holds, or that no live process holds."""
    stale = timezone.now() - timedelta(seconds=lease_seconds)
    return list(Execution.objects.filter(mode=ExecutionMode.CONTINUING, status=ExecutionStatus.RUNNING)
                .filter(Q(runner_id="") | Q(runner_id=runner_id) | Q(runner_heartbeat__isnull=True)
                        | Q(runner_heartbeat__lt=stale))
                .order_by("pk").values_list("pk", flat=True)[:limit])


def renew(*, runner_id: str, execution_ids: list[int]) -> None:
    """The heartbeat of the runs this runner holds: the lease outlives slow runs and slow batches."""
    if execution_ids:
        Execution.objects.filter(pk__in=execution_ids, runner_id=runner_id,
                                 mode=ExecutionMode.CONTINUING).update(runner_heartbeat=timezone.now())


# --- the runner: one per process -------------------------------------------------------------

class Runner:
    def __init__(self, processes: int):
        self.processes = processes
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.driving: dict[int, asyncio.Task] = {}
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._workers = None  # workers.Pool, made on the runner's loop

    def start(self) -> None:
        self.thread = threading.Thread(target=self._thread, name="statewise-runner", daemon=True)
        self.thread.start()
        self._ready.wait(10)

    def _thread(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        finally:
            close_old_connections()
            self.loop.close()

    async def _main(self) -> None:
        from . import workers

        self._stopping = asyncio.Event()
        self._workers = workers.pool(self.processes)
        self._ready.set()
        last_renewal = 0.0
        while not self._stopping.is_set():
            try:
                if time.monotonic() - last_renewal >= HEARTBEAT_SECONDS:
                    await self._db(renew, runner_id=RUNNER_ID, execution_ids=list(self.driving))
                    last_renewal = time.monotonic()
                for execution_id in await self._db(claimable, runner_id=RUNNER_ID):
                    self._drive(execution_id)
            except Exception:  # noqa: BLE001 - a database that is down for a moment must not end the runner
                log.exception("The runner could not look for continuing runs")
            try:
                await asyncio.wait_for(self._stopping.wait(), POLL_SECONDS)
            except asyncio.TimeoutError:
                pass
        for task in list(self.driving.values()):
            task.cancel()
        await asyncio.gather(*self.driving.values(), return_exceptions=True)

    async def _db(self, fn, **kwargs):
        return await self.loop.run_in_executor(None, _with_connection, fn, kwargs)

    def wake(self, execution_id: int) -> None:
        """Thread-safe: have this process look at the run now rather than at its next poll."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._drive, execution_id)

    def _drive(self, execution_id: int) -> None:
        task = self.driving.get(execution_id)
        if task is None or task.done():
            self.driving[execution_id] = self.loop.create_task(self._run(execution_id))

    async def _run(self, execution_id: int) -> None:
        try:
            while True:
                started = time.monotonic()
                update = await self._batch(execution_id)
                if update is None:
                    return  # paused, finished, or another live process holds it
                await self._publish(update)
                if update.stop:
                    return
                if update.speed:
                    await asyncio.sleep(max(0.0, 1.0 / update.speed - (time.monotonic() - started)))
                else:
                    await asyncio.sleep(0)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a broken run must not take the runner down; say why
            log.exception("Runner for execution %s stopped", execution_id)
        finally:
            if self.driving.get(execution_id) is asyncio.current_task():
                del self.driving[execution_id]

    async def _batch(self, execution_id: int) -> Update | None:
        from .workers import BatchFailed

        kwargs = {"execution_id": execution_id, "runner_id": RUNNER_ID, "lease_seconds": LEASE_SECONDS,
                  "max_transitions": BATCH_TRANSITIONS, "max_seconds": BATCH_SECONDS}
        try:
            update, announcements = await self._workers.advance(execution_id, kwargs)
        except NotFound:
            return None  # deleted meanwhile
        except BatchFailed as failure:
            log.error("Execution %s: %s", execution_id, failure.detail)
            update = await self._db(execution_halt, execution_id=execution_id,
                                    reason=f"Paused: {failure.reason}; nothing of that batch was kept.")
            if update is not None:
                await self._publish(update)
            return None
        for group, message in announcements:
            await self._send(live.group_send(group, message))
        return update

    async def _publish(self, update: Update) -> None:
        await self._send(live.publish(update))

    async def _send(self, coroutine) -> None:
        server = _server_loop
        if _in_memory_layer():
            # The in-memory layer's queues belong to the server's loop; with no server loop yet,
            # nobody in this process is watching.
            if server is not None and not server.is_closed():
                try:
                    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, server))
                    return
                except RuntimeError:
                    pass  # the loop closed meanwhile (a test's loop)
            coroutine.close()
            return
        await coroutine

    def stop(self) -> None:
        if self.loop is not None and self._stopping is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._stopping.set)
        if self.thread is not None:
            self.thread.join(10)


def _with_connection(fn, kwargs):
    try:
        return fn(**kwargs)
    finally:
        close_old_connections()


def _in_memory_layer() -> bool:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    return layer is not None and type(layer).__name__ == "InMemoryChannelLayer"


# --- the process's runner --------------------------------------------------------------------

_runner: Runner | None = None
_runner_lock = threading.Lock()
_server_loop: asyncio.AbstractEventLoop | None = None


def _forget_after_fork() -> None:
    # The runner's thread is not copied by a fork: the child starts its own when it serves.
    global _runner, _runner_lock, _server_loop
    _runner, _runner_lock, _server_loop = None, threading.Lock(), None


os.register_at_fork(after_in_child=_forget_after_fork)


def start() -> Runner:
    """Start this process's runner (once; again after ``stop``)."""
    global _runner
    with _runner_lock:
        if _runner is None or _runner.thread is None or not _runner.thread.is_alive():
            _runner = Runner(int(os.environ.get("STATEWISE_RUNNER_PROCESSES", "1")))
            _runner.start()
        return _runner


def stop() -> None:
    """Stop this process's runner (its batch processes stay, for the next start)."""
    global _runner
    with _runner_lock:
        runner, _runner = _runner, None
    if runner is not None:
        runner.stop()


def wake(execution_id: int) -> None:
    """After a command: advance the run now if it is continuing (thread-safe, for async code)."""
    start().wake(execution_id)


def wake_after_commit(execution_id: int) -> None:
    """The same from synchronous code: once the command is committed, so the runner sees it."""
    transaction.on_commit(lambda: wake(execution_id), robust=True)


class CommandStopped(DomainError):
    """A person's command broke a bound of the server (time, memory) and was not done."""
    status_code = 422
    default_code = "over_bound"


def command(*, user, execution_id: int, body) -> Update:
    """A person's command on a run (step, continue, answer a callback...), done where batches are
    done: in the batch process, so no interpreter work happens in the server process and a step
    that computes for seconds holds up only its own run. Called from threads (views, and the
    consumer's pool threads), never on an event loop. Inside a caller's transaction (a test's) it
    runs here, in that transaction, since another process could not see what the caller wrote."""
    from .. import commands

    return _where_batches_run("command", execution_id, {"user_id": user.pk, "execution_id": execution_id, "body": body},
                              lambda: commands.command_run(user=user, execution_id=execution_id, body=body))


def case_open(*, user, suite, index: int) -> tuple[int, Update | None]:
    """A suite's case opened in the simulator (``suites.services.case_open``: the case replayed as
    the suite ran it, up to 25,000 events), done where batches are done, as ``command`` is: the
    id of its run and the Update to publish (None when it was opened before)."""
    from ..suites.services import case_open as open_here

    def here():
        execution, update = open_here(user=user, suite=suite, index=index)
        return execution.pk, update
    return _where_batches_run("case_open", suite.pk, {"user_id": user.pk, "suite_id": suite.pk, "index": index}, here)


def _where_batches_run(kind: str, key: int, kwargs: dict, here):
    runner = start()
    if connection.in_atomic_block or not runner.processes:
        return here()
    from .workers import BatchFailed

    future = asyncio.run_coroutine_threadsafe(runner._workers.run(key, kind, kwargs), runner.loop)
    try:
        value, announcements = future.result()
    except BatchFailed as failure:
        log.error("%s %s failed: %s", kind, key, failure.detail)
        raise CommandStopped(f"Not done: {failure.reason}. The run is as it was.") from None
    for group, message in announcements:
        async_to_sync(live.group_send)(group, message)
    return value


def note_loop() -> None:
    """Called on the server's event loop (by ``asgi.py``): where in-memory broadcasts must go."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()

