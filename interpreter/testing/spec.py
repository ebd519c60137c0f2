"""A test case's expectations and the callbacks answered in it, read from plain JSON.

The JSON form (the same in the web app's API, its JSON editor and the expectations file)::

    {"callbacks": [{"state": "Wait For Review", "success": {"approved": true}},
                   {"state": "Wait For Review", "failure": {"error": "Rejected", "cause": "..."}},
                   {"state": "Wait For Review", "timeout": true},
                   {"state": "Wait For Review", "stop": true}],
     "expect": {"status": "SUCCEEDED",          # FAILED, TIMED_OUT, ABORTED, WAITING_FOR_CALLBACK
                "waitingAt": "Wait For Review",  # with WAITING_FOR_CALLBACK
                "output": {...},                 # exactly this output
                "outputContains": {...},         # a JSON subset of the output
                "error": "ChecksFailed", "cause": "...", "causeContains": "...",
                "path": ["A", "B"],              # exactly these states entered, in order
                "passesThrough": ["B"], "neverEnters": ["C"],
                "maxTransitions": 12}}

Every field of ``expect`` is optional; ``status`` defaults to SUCCEEDED, so a test case with no
expectations still says "the run should succeed". Callbacks answer, in the order given, tasks
that wait for a callback (a ``.waitForTaskToken`` task or an activity without a mock): with a
result (``success``), an error (``failure``), by nobody answering until the task's own timeout
fires (``timeout``), or by stopping the run there (``stop``, as StopExecution: ABORTED).

``read_spec`` never raises for bad input: it returns the problems as diagnostics whose JSON
Pointers are relative to the spec (``/expect/passesThrough/1``), and ``state_problems`` names
expectations on states a definition does not have.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..diagnostic import Diagnostic, escape

SUCCEEDED, FAILED, TIMED_OUT, ABORTED = "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"
WAITING = "WAITING_FOR_CALLBACK"
STATUSES = (SUCCEEDED, FAILED, TIMED_OUT, ABORTED, WAITING)
MAX_CALLBACKS = 100
MAX_NAMES = 1000
MAX_TEXT = 32_768   # AWS's limit on a cause
ABSENT = object()   # an expectation not given (None is a valid expected output)

EXPECT_KEYS = ("status", "waitingAt", "output", "outputContains", "error", "cause", "causeContains", "path",
               "passesThrough", "neverEnters", "maxTransitions")
ANSWERS = ("success", "failure", "timeout", "stop")


@dataclass(frozen=True)
class Callback:
    state: str
    answer: str                 # one of ANSWERS
    output: Any = None          # success
    error: str | None = None    # failure
    cause: str | None = None

    def as_json(self) -> dict:
        if self.answer == "success":
            return {"state": self.state, "success": self.output}
        if self.answer == "failure":
            return {"state": self.state, "failure": {k: v for k, v in (("error", self.error), ("cause", self.cause))
                                                      if v is not None}}
        return {"state": self.state, self.answer: True}


@dataclass(frozen=True)
class Expect:
    status: str = SUCCEEDED
    status_given: bool = False
    waiting_at: str | None = None
    output: Any = ABSENT
    output_contains: Any = ABSENT
    error: str | None = None
    cause: str | None = None
    cause_contains: str | None = None
    path: tuple[str, ...] | None = None
    passes_through: tuple[str, ...] = ()
    never_enters: tuple[str, ...] = ()
    max_transitions: int | None = None

    def as_json(self) -> dict:
        out: dict[str, Any] = {}
        if self.status_given or self.status != SUCCEEDED:
            out["status"] = self.status
        for key, value in (("waitingAt", self.waiting_at), ("output", self.output),
                           ("outputContains", self.output_contains), ("error", self.error), ("cause", self.cause),
                           ("causeContains", self.cause_contains)):
            if value is not ABSENT and (value is not None or key == "output"):
                out[key] = value
        if self.path is not None:
            out["path"] = list(self.path)
        for key, names in (("passesThrough", self.passes_through), ("neverEnters", self.never_enters)):
            if names:
                out[key] = list(names)
        if self.max_transitions is not None:
            out["maxTransitions"] = self.max_transitions
        return out


@dataclass(frozen=True)
class Spec:
    callbacks: tuple[Callback, ...] = ()
    expect: Expect = field(default_factory=Expect)

    def as_json(self) -> dict:
        out: dict[str, Any] = {}
        if self.callbacks:
            out["callbacks"] = [c.as_json() for c in self.callbacks]
        out["expect"] = self.expect.as_json()
        return out

    def state_names(self) -> Iterable[tuple[str, str]]:
        """(JSON Pointer, state name) of every state the spec names."""
        for i, callback in enumerate(self.callbacks):
            yield f"/callbacks/{i}/state", callback.state
        e = self.expect
        if e.waiting_at is not None:
            yield "/expect/waitingAt", e.waiting_at
        for key, names in (("path", e.path or ()), ("passesThrough", e.passes_through),
                           ("neverEnters", e.never_enters)):
            for i, name in enumerate(names):
                yield f"/expect/{key}/{i}", name


class _Reader:
    def __init__(self, base: str):
        self.base = base
        self.problems: list[Diagnostic] = []

    def problem(self, where: str, message: str, code: str = "INVALID_EXPECTATION") -> None:
        self.problems.append(Diagnostic(code, self.base + where, message))

    def text(self, value: Any, where: str, what: str) -> str | None:
        if not isinstance(value, str):
            self.problem(where, f"{what} must be text.")
            return None
        if len(value) > MAX_TEXT:
            self.problem(where, f"{what} is at most {MAX_TEXT:,} characters.")
            return None
        return value

    def names(self, value: Any, where: str, what: str) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or len(value) > MAX_NAMES:
            self.problem(where, f"{what} must be a list of state names (at most {MAX_NAMES:,}).")
            return None
        out = []
        for i, name in enumerate(value):
            if not isinstance(name, str) or not name:
                self.problem(f"{where}/{i}", f"{what}: each entry must be a state's name.")
                return None
            out.append(name)
        return tuple(out)


def read_spec(data: Any, base: str = "") -> tuple[Spec, list[Diagnostic]]:
    """The spec in ``data`` and the problems found; on problems the spec holds what was readable.
    ``base`` prefixes every pointer (a case inside a file: ``/testCases/Name``)."""
    r = _Reader(base)
    if data is None:
        return Spec(), []
    if not isinstance(data, dict):
        r.problem("", 'A test case\'s expectations must be an object such as {"expect": {"status": "SUCCEEDED"}}.')
        return Spec(), r.problems
    for key in data:
        if key not in ("callbacks", "expect"):
            r.problem("/" + escape(key), f"Unknown field '{key}': a test case's expectations have "
                                         f"'callbacks' and 'expect'.", code="UNKNOWN_FIELD")
    callbacks = _callbacks(r, data.get("callbacks"))
    expect = _expect(r, data.get("expect"))
    return Spec(callbacks=callbacks, expect=expect), r.problems


def _callbacks(r: _Reader, raw: Any) -> tuple[Callback, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_CALLBACKS:
        r.problem("/callbacks", f"callbacks must be a list (at most {MAX_CALLBACKS}) of answers such as "
                                '{"state": "Wait For Review", "success": {"approved": true}}.')
        return ()
    out = []
    for i, item in enumerate(raw):
        where = f"/callbacks/{i}"
        if not isinstance(item, dict):
            r.problem(where, "Each callback must be an object with a state and one answer.")
            continue
        state = r.text(item.get("state"), where + "/state", "The callback's state")
        given = [a for a in ANSWERS if a in item]
        unknown = [k for k in item if k != "state" and k not in ANSWERS]
        if unknown:
            r.problem(f"{where}/{escape(unknown[0])}", f"Unknown field '{unknown[0]}': a callback has a state "
                      f"and one of {', '.join(ANSWERS)}.", code="UNKNOWN_FIELD")
            continue
        if len(given) != 1:
            r.problem(where, "Each callback needs exactly one answer: success (the result), failure (an error "
                             "and a cause), timeout (nobody answers) or stop (the run is stopped there).")
            continue
        if state is None:
            continue
        answer = given[0]
        value = item[answer]
        if answer == "success":
            out.append(Callback(state, answer, output=value))
        elif answer == "failure":
            if not isinstance(value, dict) or set(value) - {"error", "cause"}:
                r.problem(f"{where}/failure", 'failure must be an object such as {"error": "Rejected", '
                                              '"cause": "The reviewer said no."}.')
                continue
            error = r.text(value["error"], f"{where}/failure/error", "The error") if "error" in value else None
            cause = r.text(value["cause"], f"{where}/failure/cause", "The cause") if "cause" in value else None
            if error is not None and len(error) > 256:
                r.problem(f"{where}/failure/error", "The error is at most 256 characters, as in AWS.")
            out.append(Callback(state, answer, error=error, cause=cause))
        else:
            if value is not True:
                r.problem(f"{where}/{answer}", f"{answer} must be true.")
                continue
            out.append(Callback(state, answer))
    return tuple(out)


def _expect(r: _Reader, raw: Any) -> Expect:
    if raw is None:
        return Expect()
    if not isinstance(raw, dict):
        r.problem("/expect", 'expect must be an object such as {"status": "SUCCEEDED"}.')
        return Expect()
    fields: dict[str, Any] = {}
    for key in raw:
        if key not in EXPECT_KEYS:
            r.problem("/expect/" + escape(key), f"Unknown expectation '{key}'; the known ones are "
                                               f"{', '.join(EXPECT_KEYS)}.", code="UNKNOWN_FIELD")
    if "status" in raw:
        status = raw["status"]
        if status not in STATUSES:
            r.problem("/expect/status", f"status must be one of {', '.join(STATUSES)}.")
        else:
            fields.update(status=status, status_given=True)
    if "waitingAt" in raw:
        state = r.text(raw["waitingAt"], "/expect/waitingAt", "waitingAt")
        if state is not None:
            fields["waiting_at"] = state
            if fields.get("status", WAITING) != WAITING:
                r.problem("/expect/waitingAt", f"waitingAt goes with status {WAITING}, not {fields['status']}.")
            fields.update(status=WAITING, status_given=True)
    if "output" in raw:
        fields["output"] = raw["output"]
    if "outputContains" in raw:
        fields["output_contains"] = raw["outputContains"]
    for key, attr in (("error", "error"), ("cause", "cause"), ("causeContains", "cause_contains")):
        if key in raw:
            fields[attr] = r.text(raw[key], "/expect/" + key, key)
    for key, attr in (("path", "path"), ("passesThrough", "passes_through"), ("neverEnters", "never_enters")):
        if key in raw:
            names = r.names(raw[key], "/expect/" + key, key)
            if names is not None:
                fields[attr] = names
    if "maxTransitions" in raw:
        n = raw["maxTransitions"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            r.problem("/expect/maxTransitions", "maxTransitions must be a whole number of at least 1.")
        else:
            fields["max_transitions"] = n
    if (fields.get("error") or fields.get("cause") or fields.get("cause_contains")) and \
            fields.get("status") in (SUCCEEDED, WAITING):
        r.problem("/expect/error" if "error" in raw else "/expect/cause",
                  f"An error or cause is expected, but the status is {fields['status']}: expect FAILED, "
                  f"TIMED_OUT or ABORTED.")
    if (fields.get("error") is not None or fields.get("cause") is not None) and not fields.get("status_given"):
        fields["status"] = FAILED  # "the run should fail with ChecksFailed" needs no status to say it
    if ("output" in raw or "outputContains" in raw) and fields.get("status", SUCCEEDED) != SUCCEEDED:
        r.problem("/expect/output" if "output" in raw else "/expect/outputContains",
                  "Only a run that succeeds has an output: expect status SUCCEEDED.")
    return Expect(**fields)


def state_problems(spec: Spec, state_names: Iterable[str], base: str = "") -> list[Diagnostic]:
    """Expectations and callbacks that name a state the definition does not have."""
    known = set(state_names)
    return [Diagnostic("UNKNOWN_STATE", base + where, f"There is no step called '{name}' in this version.",
                       state=name)
            for where, name in spec.state_names() if name not in known]


def rename_states(data: Any, renames: dict[str, str]) -> Any:
    """A spec's JSON with states renamed (``{old: new}``) wherever it names one: callbacks,
    waitingAt, path, passesThrough, neverEnters. What is not a spec is returned as it is."""
    if not isinstance(data, dict) or not renames:
        return data
    out = dict(data)
    if isinstance(out.get("callbacks"), list):
        out["callbacks"] = [{**c, "state": renames.get(c["state"], c["state"])}
                            if isinstance(c, dict) and isinstance(c.get("state"), str) else c
                            for c in out["callbacks"]]
    expect = out.get("expect")
    if isinstance(expect, dict):
        expect = dict(expect)
        if isinstance(expect.get("waitingAt"), str):
            expect["waitingAt"] = renames.get(expect["waitingAt"], expect["waitingAt"])
        for key in ("path", "passesThrough", "neverEnters"):
            if isinstance(expect.get(key), list):
                expect[key] = [renames.get(n, n) if isinstance(n, str) else n for n in expect[key]]
        out["expect"] = expect
    return out
