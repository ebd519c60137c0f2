"""ASGI entry point: HTTP through Django, websockets (``/ws/executions/<id>/``) through Channels,
and the runner that advances continuing runs (``simulation/runner.py``).

Websockets are authenticated by the session cookie and only accepted from allowed hosts' origins.
"""
import asyncio
import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from .http_limits import BodyLimit  # noqa: E402
from . import workpool  # noqa: E402
from .simulation import runner  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402


class _WithRunner:
    """Starts this process's runner with the server (at the ASGI lifespan's start where the server
    has one, else at the first connection) and remembers the server's event loop, where broadcasts
    to the in-memory channel layer must be made."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        runner.note_loop()
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        runner.start()
        return await self.app(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.to_thread(runner.start)
                workpool.warm()  # a real server, not a test's: tests start many and use few children
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(runner.stop)
                await send({"type": "lifespan.shutdown.complete"})
                return


application = _WithRunner(ProtocolTypeRouter({
    "http": BodyLimit(django_asgi_app),
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
}))

# Everything imported so far lives as long as the process. Moving it out of the garbage
# collector's reach keeps full collections short: measured with bench/bench_live.py, they
# paused the whole server for ~35 ms every few seconds (the p99 delay of a paced run's
# updates to 50 viewers), ~15 ms once frozen.
gc.collect()
gc.freeze()
