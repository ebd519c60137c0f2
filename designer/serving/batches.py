"""The batch process's entry point (see ``designer/simulation/workers.py``). Kept apart from the
simulation package, whose import needs Django set up: the child imports this module first."""
from __future__ import annotations

import os


def child_main(conn, databases: dict, memory_mb: int) -> None:
    """The child: bound its memory, set Django up on the parent's database, then serve batches."""
    import resource

    # Runs' computation yields the CPU to the server's requests: a page load must not wait behind it.
    os.nice(10)
    if memory_mb:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
    from django.conf import settings

    settings.DATABASES.update(databases)
    import django

    django.setup()
    from django.db import close_old_connections

    from designer.errors import DomainError, NotFound
    from designer.simulation.workers import do

    conn.send(("ready", None))
    while True:
        try:
            kind, kwargs = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        try:
            result = ("ok", do(kind, kwargs))
        except NotFound as exc:
            result = ("not_found", None) if kind == "advance" else ("domain", exc)
        except DomainError as exc:
            result = ("domain", exc)
        except MemoryError:
            result = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
            import traceback

            result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            close_old_connections()
        try:
            conn.send(result)
        except (EOFError, OSError):
            return
