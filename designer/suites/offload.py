"""Interpreter work that can take seconds (a suite, suggestions, replaying a case) runs off
Django's one shared thread for synchronous views, as the simulation runner's batches do, so one
person's long suite does not queue everyone else's page loads behind it."""
from __future__ import annotations

from channels.db import DatabaseSyncToAsync
from django.views.decorators.csrf import csrf_exempt


def off_the_request_thread(view_class):
    """``view_class.as_view()`` as an async view whose work runs in the default thread pool (with
    its own database connection, closed when done). CSRF is still checked: DRF's session
    authentication does it, as for every API view."""
    sync_view = view_class.as_view()
    run = DatabaseSyncToAsync(sync_view, thread_sensitive=False)

    async def view(request, *args, **kwargs):
        return await run(request, *args, **kwargs)

    view.cls, view.initkwargs = view_class, getattr(sync_view, "initkwargs", {})  # for the OpenAPI schema
    return csrf_exempt(view)
