"""Request bodies over the size bound are refused with 413 JSON before anything reads them.

Django reads a whole body before any view or middleware runs under ASGI (into a temporary file
when it is large), and refuses an oversized one only later, with a 400 that names one of its
settings. Here the bound (``DATA_UPLOAD_MAX_MEMORY_SIZE``, 5 MiB: a definition of up to 4 MiB of
text and its envelope) is applied as the bytes arrive: ``BodyLimit`` wraps the ASGI application
(a declared ``Content-Length`` over the bound is answered at once; a body sent without one is
counted as it comes and cut off there), and ``BodyLimitMiddleware`` answers the same way for
WSGI and the test client.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.http import JsonResponse


def limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_body(size: int | None) -> dict:
    bound = limit()
    said = f"is {size:,} bytes" if size is not None else f"is larger than {bound:,} bytes"
    return {"error": "too_large", "detail": f"The request body {said}; Statewise accepts at most {bound:,} "
                                           f"bytes ({bound / 1024 / 1024:g} MiB)."}


def _declared_length(value: bytes | str | None) -> int | None:
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return int(text) if text.strip().isdigit() else None


class BodyLimit:
    """ASGI middleware: 413 for a body over the bound, without reading (or storing) the rest."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        bound = limit()
        declared = _declared_length(dict(scope.get("headers") or ()).get(b"content-length"))
        if declared is not None and declared > bound:
            return await _refuse(send, declared)
        received = 0
        refused = False

        async def bounded_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > bound:
                    refused = True
                    await _refuse(send, None)
                    # Django stops reading at a disconnect and sends nothing itself.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if not refused:
                await send(message)

        return await self.app(scope, bounded_receive, guarded_send)


async def _refuse(send, size: int | None) -> None:
    body = json.dumps(too_large_body(size)).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """The same answer where the body has not been read yet (WSGI, the test client)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = _declared_length(request.META.get("CONTENT_LENGTH"))
        if declared is not None and declared > limit():
            return JsonResponse(too_large_body(declared), status=413)
        return self.get_response(request)
