"""The pages people get when something is missing or broken: the app's look, plain words, and
JSON for API clients."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _api(request):
        return JsonResponse({"error": "not_found", "detail": "There is nothing at this address."}, status=404)
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context here: whatever broke may break again while drawing the page.
    if _api(request):
        return JsonResponse({"error": "internal_error",
                             "detail": "Something went wrong on the server; it has been logged."}, status=500)
    return HttpResponse(loader.render_to_string("500.html"), status=500)
