"""Run lists that stay true: every page that lists a workflow's runs hears when one starts or
changes status, without reloading.

A run's summary is sent to the group ``workflow-runs.<workflow id>`` after the commit that
created it or changed its status (not on every batch of a running run: nothing a list shows
changes then). ``consumer.RunListConsumer`` relays it to the pages.
"""
from __future__ import annotations

import asyncio
import functools
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse


def group_name(workflow_id: int) -> str:
    return f"workflow-runs.{int(workflow_id)}"


def run_summary(execution) -> dict:
    """A run as a run list shows it."""
    waits = execution.status == "RUNNING" and (execution.waiting or {}).get("reason") == "callback"
    return {"id": execution.pk, "status": execution.status, "waitingForPerson": waits,
            "created": execution.created.isoformat(),
            "label": execution.test_case.name if execution.test_case_id and execution.test_case else "custom input",
            "version": execution.version.number if execution.version_id else None,
            "url": reverse("execution-page", args=[execution.pk])}


def announce(execution) -> None:
    """After the commit, tell the workflow's run lists about this run."""
    summary = run_summary(execution)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        call = functools.partial(async_to_sync(layer.group_send), group_name(execution.workflow_id),
                                 {"type": "run.changed", "run": summary})
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            call()
            return
        # Inside a running event loop (the server's, a browser-driving test's) async_to_sync
        # cannot block this thread: send from another.
        thread = threading.Thread(target=call)
        thread.start()
        thread.join()
    # robust: the run is committed; a channel layer that is down must not turn that into an error
    transaction.on_commit(send, robust=True)
