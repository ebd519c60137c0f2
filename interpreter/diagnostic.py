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


def unescape(part: str) -> str:
    """One JSON Pointer segment as the name it stands for."""
    return part.replace("~1", "/").replace("~0", "~")


def parts(pointer: str) -> list[str]:
    """A JSON Pointer's segments, unescaped (``""`` is the whole document: no segments)."""
    return [unescape(p) for p in pointer.split("/")[1:]] if pointer else []


_NOTHING = object()


def resolve(doc, pointer: str, default=None):
    """The value a JSON Pointer names in ``doc``, or ``default`` when there is none."""
    for part in parts(pointer):
        try:
            doc = doc[int(part)] if isinstance(doc, list) else doc[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return default
    return doc


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
