"""The OpenAPI schema declares every answer a client can get, errors included.

drf-spectacular documents what views return when all goes well; the errors come from one place
(``exceptions.exception_handler``, the body limit, DRF's authentication), so they are declared here
once, for every operation, by the same rules the code follows:

- 400 where the request carries something to check (a body, query parameters) or changes data;
- 401 and 403 wherever a login is needed (403 also for a role that may not, and for CSRF);
- 404 where the path names something (a workflow you are not a member of is 404 too);
- 413 where a body is read (over 5 MiB, or a payload over AWS's 256 KiB);
- 415 where a body is read and its media type cannot be (a multipart body DRF cannot split).

Views add what only they can answer (409 for a stale base version, 422 when Graphviz cannot
draw, or when the work breaks a CPU or memory bound) with ``extend_schema(responses={409: ERROR})``. Every error body is ``Error``.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a stable code, a sentence for people, and where the problem is when known.",
    "properties": {
        "error": {"type": "string", "description": "a stable code: invalid_input, not_found, too_large..."},
        "detail": {"type": "string"},
        "pointer": {"type": "string", "description": "JSON Pointer into the definition"},
        "field": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": True},
    },
    "required": ["error", "detail"],
    "additionalProperties": True,
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR = OpenApiResponse(description="An error (see the Error schema)")

_SENTENCES = {
    "400": "The request is not valid: `detail` says why, `field` or `pointer` where.",
    "401": "Not logged in: send a token (`Authorization: Token ...`) or a session cookie.",
    "403": "Logged in, but your role may not do this (or the CSRF token is missing).",
    "404": "Nothing here, or nothing you may see.",
    "409": "It conflicts with the current state (a newer version was saved; the run cannot do that now).",
    "413": "Too large: the body is over 5 MiB, or a payload over AWS's 256 KiB.",
    "415": "The body's media type is not one this operation reads (JSON; a form where the schema lists one).",
    "422": "It could not be drawn or done: `too_costly` when its work needed more CPU time or memory than the "
           "server gives one request (`bound` names which, `limit` its value); `over_bound` for a run's command.",
}
_UNSAFE = {"post", "put", "patch", "delete"}


def declare_errors(result, generator, request, public):
    """A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _UNSAFE | {"get", "head", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            codes = set()
            body = "requestBody" in operation
            if body or method in _UNSAFE or any(p.get("in") == "query" for p in parameters):
                codes.add("400")
            if _needs_login(operation):
                codes |= {"401", "403"}
            if any(p.get("in") == "path" for p in parameters):
                codes.add("404")
            if body or method in _UNSAFE:
                codes.add("413")
            if body:
                codes.add("415")
            codes |= {code for code, response in responses.items() if code in _SENTENCES and not response.get("content")}
            for code in sorted(codes):
                declared = responses.get(code) or {}
                responses[code] = {"description": declared.get("description") or _SENTENCES[code],
                                   "content": {"application/json": {"schema": ERROR_REF}}}
    return result


def _needs_login(operation: dict) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security
