"""What following the execution input through a definition records (split out of ``reads.py``,
a pure move): where a state's data comes from (:class:`View`), a field read and its type
(:class:`Read`), a Choice met on the way, and all of them together (:class:`Reads`). The walk is
in ``reads.py``, the reading of templates and expressions in ``expressions.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..testing import conditions as cond

ANY, STRING, NUMBER, INTEGER, BOOLEAN, TIMESTAMP, ARRAY, OBJECT = (
    "any", "string", "number", "integer", "boolean", "timestamp", "array", "object")
EVERY = "*"   # every item of an array


@dataclass(frozen=True)
class View:
    """Where a state's data comes from: ``origin`` (None: the execution input; else the name of
    the Task whose answer it is) at ``prefix`` (None: nothing underneath, an object built field
    by field), with ``over``: fields put on top (by ResultPath, Parameters, ResultSelector), each
    with its own view (None: not traced)."""
    prefix: tuple | None = ()
    origin: str | None = None
    over: tuple = ()

    def _over(self, key: Any) -> tuple[bool, "View | None"]:
        for k, v in self.over:
            if k == key:
                return True, v
        return False, None

    def at(self, keys: tuple) -> tuple | None:
        """``(origin, keys)`` of ``keys`` of this data (None: built on the way, not traced)."""
        if keys:
            found, view = self._over(keys[0])
            if found:
                traced = view.at(keys[1:]) if view is not None else None
                if traced is not None or self.origin is None or self.prefix is None:
                    return traced
                # A field of a Task's answer that is not traced further comes from the answer
                # itself (the fields read from it are added to it).
        if self.prefix is None:
            return None
        return self.origin, self.prefix + tuple(keys)

    def down(self, keys: tuple) -> "View | None":
        if not keys:
            return self
        found, view = self._over(keys[0])
        if found:
            below = view.down(keys[1:]) if view is not None else None
            if below is not None or self.origin is None or self.prefix is None:
                return below
        if self.prefix is None:
            return None
        return View(self.prefix + tuple(keys), self.origin)

    def put(self, keys: tuple, view: "View | None") -> "View":
        """This data with ``view`` placed at ``keys`` (a ResultPath)."""
        key, rest = keys[0], keys[1:]
        if rest:
            inner = self.down((key,)) or View(None)
            view = inner.put(rest, view)
        return View(self.prefix, self.origin, tuple((k, v) for k, v in self.over if k != key) + ((key, view),))


@dataclass
class Read:
    keys: tuple
    type: str
    states: list = field(default_factory=list)


@dataclass
class Choice:
    """A Choice state met on the way, with the view of the data its rules read."""
    name: str
    state: dict
    view: View
    jsonata: bool
    distances: dict      # the Choice's options' targets -> steps to a good end (None: none)


@dataclass
class Reads:
    fields: dict = field(default_factory=dict)     # keys in the execution input -> Read, in the order first read
    answers: dict = field(default_factory=dict)    # Task name -> {keys in its answer -> Read}
    choices: list = field(default_factory=list)
    views: dict = field(default_factory=dict)      # state name -> (view of its input, of its effective input)
    vars: dict = field(default_factory=dict)       # variable name -> view of its value (as first assigned)

    def var(self, name: str, keys: tuple = ()) -> "View | None":
        view = self.vars.get(name)
        return view.down(keys) if view is not None else None

    def add(self, where: tuple | None, type_: str, state: str) -> None:
        if where is None:
            return
        origin, keys = where
        if not keys:
            return
        table = self.fields if origin is None else self.answers.setdefault(origin, {})
        read = table.get(keys)
        if read is None:
            table[keys] = read = Read(keys, type_)
        elif read.type in (ANY, STRING, OBJECT) and type_ not in (ANY,):
            read.type = type_
        if state not in read.states:
            read.states.append(state)


def keys_of(path: Any) -> tuple | None:
    """``$.a.b[0]`` -> ("a", "b", 0); None for what is not a plain path into the data."""
    if not isinstance(path, str):
        return None
    try:
        ref = cond.jsonpath_ref(path.strip())
    except cond.Unsolvable:
        return None
    return ref[1] if ref[0] == "input" else None


def ref_at(ref: tuple, view: View | None, out: Reads) -> tuple | None:
    """Where a Choice rule's reference (``("input", keys)`` or ``("var", name, keys)``) comes from."""
    if ref[0] == "input":
        return view.at(ref[1]) if view is not None else None
    var = out.var(ref[1])
    return var.at(ref[2]) if var is not None else None
