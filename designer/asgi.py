"""ASGI entry point: HTTP through Django, websockets (``/ws/executions/<id>/``) through Channels.

Websockets are authenticated by the session cookie and only accepted from allowed hosts' origins.
"""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from . import runner  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402


class _NoteLoop:
    """Remembers the server's event loop, so that synchronous views can start runners on it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        runner.note_loop()
        return await self.app(scope, receive, send)


application = _NoteLoop(ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
}))
