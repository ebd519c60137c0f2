"""The API's one exception handler: every error a client can cause becomes 4xx JSON.

Bodies always have ``error`` (a stable code) and ``detail`` (a sentence for people); where the
problem is known they add ``pointer`` (JSON Pointer into the definition), ``field`` or ``fields``.
"""
from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import DomainError
from ..graph import RenderError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, RecursionError):
        return Response({"error": "invalid_input", "detail": "The request is nested too deeply."},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):
        # RequestDataTooBig and friends: Django would answer with an HTML 400 page.
        code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if "too big" in str(exc).lower() else status.HTTP_400_BAD_REQUEST
        return Response({"error": "bad_request", "detail": str(exc) or "The request was refused."}, status=code)
    if isinstance(exc, RenderError):
        detail = str(exc) if getattr(exc, "plain", False) else "Graphviz could not draw this definition."
        return Response({"error": "cannot_render", "detail": detail},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, UnicodeDecodeError):
        return Response({"error": "invalid_input", "detail": "The request body is not UTF-8 text."},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        first_field, first = next(iter(fields.items()), ("", ""))
        while isinstance(first, (list, dict)) and first:
            first = first[0] if isinstance(first, list) else next(iter(first.values()))
        body = {"error": "invalid_input", "detail": f"{first_field}: {first}" if first_field else str(first),
                "fields": fields}
        if first_field and first_field != "non_field_errors":
            body["field"] = first_field
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else data
        body = {"error": getattr(exc, "default_code", "error"), "detail": str(detail)}
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str):
            body["error"] = codes
    response.data = body
    return response
