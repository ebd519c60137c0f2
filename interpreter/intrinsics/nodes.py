"""The immutable tree a compiled intrinsic call is made of.

Every node carries ``evaluate(data, scope)``, bound once at compile time to a closure that
already knows which function to run and how to fetch each argument: evaluation walks no
structure and looks nothing up by name.
"""
from __future__ import annotations

from typing import Any, Callable

Evaluator = Callable[[Any, Any], Any]


class _Frozen:
    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")


class Literal(_Frozen):
    """A constant argument: a string, number, boolean or null.

    ``template`` is set for strings: the text split at every *unescaped* ``{}``, so that
    ``States.Format`` can tell placeholders from escaped braces (``\\{\\}``), a difference
    the unescaped value has lost.
    """

    __slots__ = ("text", "position", "value", "template", "evaluate")

    def __init__(self, text: str, position: int, value: Any, template: tuple[str, ...] | None = None):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "position", position)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "evaluate", lambda data, scope: value)

    def __repr__(self) -> str:
        return f"Literal({self.value!r})"


class PathArgument(_Frozen):
    """A JSONPath argument (``$.x``, ``$$.Execution.Id``, ``$var.field``), compiled once."""

    __slots__ = ("text", "position", "path", "evaluate")

    def __init__(self, text: str, position: int, path: Any):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "position", position)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "evaluate", path.evaluate)

    def __repr__(self) -> str:
        return f"PathArgument({self.text!r})"


class Call(_Frozen):
    """A call such as ``States.MathAdd($.n, 1)``; ``name`` is the full ``States.`` name."""

    __slots__ = ("text", "position", "name", "args", "evaluate")

    def __init__(self, text: str, position: int, name: str, args: tuple, build: Callable[["Call"], Evaluator]):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "position", position)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "evaluate", build(self))

    def __repr__(self) -> str:
        return f"Call({self.name}, {list(self.args)!r})"


class Intrinsic(_Frozen):
    """A compiled intrinsic-function call: ``evaluate(data, scope)`` returns its JSON value.

    ``scope`` needs ``.context`` (``$$`` paths), ``.variables`` (``$name`` paths) and ``.rng``
    (a ``random.Random`` seeded per execution, for MathRandom and UUID).
    """

    __slots__ = ("text", "call", "evaluate")

    def __init__(self, text: str, call: Call):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "call", call)
        object.__setattr__(self, "evaluate", call.evaluate)

    @property
    def name(self) -> str:
        return self.call.name

    def __repr__(self) -> str:
        return f"Intrinsic({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Intrinsic) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)
