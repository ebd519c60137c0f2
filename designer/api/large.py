"""A large definition's answer made in the work pool (``designer/workpool.py``), body to body.

Checking, drawing or wording a definition of a few steps takes milliseconds; one of thousands
of steps (the most accepted: ``interpreter.limits``) takes a second of pure Python, which in a
thread of the server would slow every other request the process answers. So a JSON body of at
least ``LARGE_BYTES`` (``STATEWISE_LARGE_BODY_BYTES``, default 32 KiB, about 200 steps) goes to a
child process as it came, and the child parses it, checks it, computes the answer with the same
function as this process would, and gives back the answer's JSON bytes: the server process does
no per-definition work at all. An error (a 4xx the function raised, or a bound the work broke)
comes back as the same 4xx JSON. A smaller body is answered in the request's thread.

Saves work the same way (``large_body``): a large version or test case is parsed, checked and
serialised in a child, which returns its stored texts and small facts; the server only writes
them. Their answers echo what was stored: ``spliced`` puts the stored JSON text into the answer's
bytes instead of decoding and encoding a megabyte again.
"""
from __future__ import annotations

import io
import json
import secrets
from typing import Callable

from django.conf import settings
from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer

from .. import workpool
from .parsers import BoundedJSONParser

LARGE_BYTES = workpool.LARGE_TEXT


def answer_large(request, answer: Callable[[dict], dict], *, what: str) -> HttpResponse | None:
    """``answer(request.data)`` as a JSON response made in a child process when the request's
    JSON body is large; None when it is not (the caller answers it here). ``answer`` is a
    module-level function; ``what`` names its work in a bound's error ("Checking this definition")."""
    body = large_body(request)
    if body is None:
        return None
    return HttpResponse(workpool.run(answer_json, answer, *body, what=what), content_type="application/json")


def large_body(request) -> tuple[bytes, str] | None:
    """The request's JSON body and its encoding when it is worth a child process (judged from its
    length alone, before anything is parsed); None when it is small or there are no children."""
    if not workpool.large_text_possible() or request.content_type.split(";")[0].strip() != "application/json":
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < LARGE_BYTES:
        return None
    body = request.body  # Django refuses one past DATA_UPLOAD_MAX_MEMORY_SIZE (413)
    return body, request.encoding or settings.DEFAULT_CHARSET


def parse_body(body: bytes, encoding: str):
    """The body parsed as the API parses it (in the child)."""
    return BoundedJSONParser().parse(io.BytesIO(body), "application/json", {"encoding": encoding})


def answer_json(answer: Callable[[dict], dict], body: bytes, encoding: str) -> bytes:
    """In the child: the body parsed as the API parses it, answered, rendered as the API renders."""
    return JSONRenderer().render(answer(parse_body(body, encoding)))


def spliced(data: dict, texts: dict[str, str], *, status: int) -> HttpResponse:
    """``data`` rendered as the API renders it, each key of ``texts`` answered with that JSON text
    as stored: the same JSON value a decode and re-encode would give, without either."""
    marks = {key: f"splice-{secrets.token_hex(16)}" for key in texts}  # random: no field can hold one
    body = JSONRenderer().render({key: marks.get(key, value) for key, value in data.items()})
    for key, text in texts.items():
        body = body.replace(json.dumps(marks[key]).encode(), text.encode("utf-8"), 1)
    return HttpResponse(body, status=status, content_type="application/json")
