"""Domain errors. Each says what went wrong and where; the API turns them into 4xx JSON."""
from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, pointer: str | None = None, field: str | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        self.field = field
        self.extra = extra

    def as_dict(self) -> dict:
        body = {"error": self.default_code, "detail": self.message}
        if self.pointer is not None:
            body["pointer"] = self.pointer
        if self.field is not None:
            body["field"] = self.field
        body.update(self.extra)
        return body


class InvalidDefinition(DomainError):
    """The text could not be read as an ASL definition at all (not JSON/YAML, not an object...)."""
    default_code = "invalid_definition"


class InvalidInput(DomainError):
    default_code = "invalid_input"


class TooLarge(DomainError):
    status_code = 413
    default_code = "too_large"


class TooDeep(DomainError):
    """JSON nested deeper than the bound: refused before anything walks it."""
    default_code = "too_deep"


class StaleBaseVersion(DomainError):
    """Someone saved a newer version since the client loaded its base: nothing was written."""
    status_code = 409
    default_code = "stale_base_version"


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    default_code = "forbidden"
