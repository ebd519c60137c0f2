"""A problem found in a definition: what rule, where (a JSON Pointer), and what to do about it."""
from __future__ import annotations

from dataclasses import dataclass, field


def pointer(*parts: str | int) -> str:
    """JSON Pointer (RFC 6901) for the given path segments."""
    out = ""
    for part in parts:
        out += "/" + escape(part)
    return out


def escape(part: str | int) -> str:
    """One JSON Pointer segment, without its slash."""
    part = str(part)
    if "~" in part or "/" in part:
        return part.replace("~", "~0").replace("/", "~1")
    return part


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    pointer: str
    message: str
    severity: str = "error"  # "error": AWS rejects it; "warning": AWS accepts it, probably a mistake
    state: str | None = field(default=None)

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "pointer": self.pointer,
                "state": self.state, "message": self.message}

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message} [{self.code}]"
