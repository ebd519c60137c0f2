"""A run's outcome against a test case's expectations, and both in plain words.

``check(expect, outcome)`` lists every expectation the run did not meet, in the order a reader
asks about a run (did it end as expected, along which path, with what output), each with a
sentence such as "expected the run to succeed, but it failed with ChecksFailed (The automated
checks could not be completed.)". The first one is what a suite shows for a failed case.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .spec import ABORTED, ABSENT, FAILED, SUCCEEDED, TIMED_OUT, WAITING, Expect, Spec

STOPPED = "STOPPED"  # the runner stopped the case (too many transitions, too long)

_STATUS_VERB = {SUCCEEDED: "succeed", FAILED: "fail", TIMED_OUT: "time out", ABORTED: "be stopped",
                WAITING: "wait for an answer"}
_STATUS_PAST = {SUCCEEDED: "succeeded", FAILED: "failed", TIMED_OUT: "timed out", ABORTED: "was stopped",
                WAITING: "waits for an answer", STOPPED: "was stopped by the test runner"}


@dataclass
class Outcome:
    """How a case's run ended, as the checks read it."""
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    waiting_at: tuple[str, ...] = ()
    path: list[str] = field(default_factory=list)
    transitions: int = 0
    stopped: str | None = None   # why the runner stopped the run, in words

    def as_json(self) -> dict:
        out: dict[str, Any] = {"status": self.status, "transitions": self.transitions, "path": self.path}
        if self.status == SUCCEEDED:
            out["output"] = self.output
        if self.error is not None or self.cause is not None:
            out["error"], out["cause"] = self.error, self.cause
        if self.waiting_at:
            out["waitingAt"] = list(self.waiting_at)
        if self.stopped:
            out["stopped"] = self.stopped
        return out


@dataclass(frozen=True)
class Failure:
    expectation: str   # the field of ``expect`` (or "run" when the runner stopped it)
    pointer: str       # into the spec
    message: str

    def as_json(self) -> dict:
        return {"expectation": self.expectation, "pointer": self.pointer, "message": self.message}


def check(expect: Expect, outcome: Outcome) -> list[Failure]:
    out: list[Failure] = []
    if outcome.stopped:
        out.append(Failure("run", "", outcome.stopped))
    if outcome.status != expect.status:
        out.append(Failure("status", "/expect/status",
                           f"expected the run to {_expected_status(expect)}, but it {_actual_status(outcome)}"))
    elif expect.waiting_at is not None and expect.waiting_at not in outcome.waiting_at:
        out.append(Failure("waitingAt", "/expect/waitingAt",
                           f"expected the run to wait for an answer at '{expect.waiting_at}', but it waits at "
                           f"{_names(outcome.waiting_at)}"))
    if expect.error is not None and outcome.error != expect.error:
        out.append(Failure("error", "/expect/error",
                           f"expected the error {expect.error}, but {_got_error(outcome)}"))
    if expect.cause is not None and outcome.cause != expect.cause:
        out.append(Failure("cause", "/expect/cause",
                           f"expected the cause \"{_short(expect.cause)}\", but {_got_cause(outcome)}"))
    if expect.cause_contains is not None and expect.cause_contains not in (outcome.cause or ""):
        out.append(Failure("causeContains", "/expect/causeContains",
                           f"expected the cause to mention \"{_short(expect.cause_contains)}\", but "
                           f"{_got_cause(outcome)}"))
    if expect.path is not None and list(expect.path) != outcome.path:
        out.append(Failure("path", "/expect/path", _path_difference(list(expect.path), outcome.path)))
    entered = set(outcome.path)
    for i, name in enumerate(expect.passes_through):
        if name not in entered:
            out.append(Failure("passesThrough", f"/expect/passesThrough/{i}",
                               f"expected the run to pass through '{name}', but it never entered it"))
    for i, name in enumerate(expect.never_enters):
        if name in entered:
            step = outcome.path.index(name) + 1
            out.append(Failure("neverEnters", f"/expect/neverEnters/{i}",
                               f"expected the run never to enter '{name}', but it did (step {step})"))
    if outcome.status == SUCCEEDED:
        if expect.output is not ABSENT and not same(outcome.output, expect.output):
            out.append(Failure("output", "/expect/output",
                               f"expected the output {code(expect.output)}, but it was {code(outcome.output)}"))
        if expect.output_contains is not ABSENT:
            missing = first_missing(outcome.output, expect.output_contains)
            if missing is not None:
                out.append(Failure("outputContains", "/expect/outputContains",
                                   f"expected the output to contain {code(expect.output_contains)}, but "
                                   f"{missing}"))
    if expect.max_transitions is not None and outcome.transitions > expect.max_transitions:
        out.append(Failure("maxTransitions", "/expect/maxTransitions",
                           f"expected at most {expect.max_transitions} transitions, but the run took "
                           f"{outcome.transitions}"))
    return out


# --- comparing values -------------------------------------------------------------------------

def same(a: Any, b: Any) -> bool:
    """JSON equality: 1 and 1.0 are the same number, true is not 1, key order does not count."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def contains(actual: Any, subset: Any) -> bool:
    return first_missing(actual, subset) is None


def first_missing(actual: Any, subset: Any, where: str = "") -> str | None:
    """Why ``subset`` is not a JSON subset of ``actual`` (None when it is): every key of an object
    is there with a value containing the expected one; every item of an array is contained in
    some item of the actual array; anything else is equal."""
    if isinstance(subset, dict):
        if not isinstance(actual, dict):
            return f"{_at(where)} is {code(actual)}, not an object"
        for key, value in subset.items():
            inner = f"{where}.{key}" if where else key
            if key not in actual:
                return f"it has no {inner}"
            missing = first_missing(actual[key], value, inner)
            if missing is not None:
                return missing
        return None
    if isinstance(subset, list):
        if not isinstance(actual, list):
            return f"{_at(where)} is {code(actual)}, not a list"
        for item in subset:
            if not any(contains(candidate, item) for candidate in actual):
                return f"{_at(where)} has no item like {code(item)}"
        return None
    if not same(actual, subset):
        return f"{_at(where)} is {code(actual)}"
    return None


def _at(where: str) -> str:
    return where or "it"


# --- words ------------------------------------------------------------------------------------

def code(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return "`" + (text if len(text) <= limit else text[: limit - 1] + "…") + "`"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(names: Any) -> str:
    names = list(names)
    if not names:
        return "no step"
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _expected_status(expect: Expect) -> str:
    if expect.status == WAITING and expect.waiting_at:
        return f"wait for an answer at '{expect.waiting_at}'"
    return _STATUS_VERB[expect.status]


def _actual_status(outcome: Outcome) -> str:
    if outcome.status == WAITING:
        return f"waits for an answer at {_names(outcome.waiting_at)}"
    if outcome.status in (FAILED, TIMED_OUT, ABORTED) and (outcome.error or outcome.cause):
        detail = outcome.error or ""
        if outcome.cause:
            detail += f" ({_short(outcome.cause)})" if detail else _short(outcome.cause)
        return f"{_STATUS_PAST[outcome.status]} with {detail}"
    if outcome.status == STOPPED:
        return outcome.stopped or _STATUS_PAST[STOPPED]
    return _STATUS_PAST.get(outcome.status, outcome.status.lower())


def _got_error(outcome: Outcome) -> str:
    if outcome.error is None:
        return "there was no error" if outcome.status not in (FAILED, TIMED_OUT, ABORTED) else "it had no error name"
    return f"it was {outcome.error}"


def _got_cause(outcome: Outcome) -> str:
    if outcome.cause is None:
        return "there was no cause"
    return f"it was \"{_short(outcome.cause)}\""


def _path_difference(expected: list[str], actual: list[str]) -> str:
    for i, (want, got) in enumerate(zip(expected, actual)):
        if want != got:
            return f"expected step {i + 1} to be '{want}', but the run entered '{got}'"
    if len(actual) < len(expected):
        return f"expected the run to enter '{expected[len(actual)]}' after '{actual[-1]}'" if actual else \
            f"expected the run to enter '{expected[0]}', but it entered nothing"
    return f"expected the run to end after '{expected[-1]}', but it went on to '{actual[len(expected)]}'" if expected \
        else f"expected the run to enter no step, but it entered '{actual[0]}'"


def describe(spec: Spec) -> str:
    """The expectations as one plain sentence (and the callbacks before it)."""
    e = spec.expect
    parts = []
    if e.status == WAITING:
        parts.append(f"The run should wait for an answer at '{e.waiting_at}'" if e.waiting_at
                     else "The run should wait for an answer")
    else:
        head = f"The run should {_STATUS_VERB[e.status]}"
        if e.error is not None:
            head += f" with the error {e.error}"
        if e.cause is not None:
            head += f" and the cause \"{_short(e.cause, 80)}\""
        elif e.cause_contains is not None:
            head += f", the cause mentioning \"{_short(e.cause_contains, 80)}\""
        parts.append(head)
    if e.output is not ABSENT:
        parts.append(f"the output should be {code(e.output, 80)}")
    if e.output_contains is not ABSENT:
        parts.append(f"the output should contain {_contains_words(e.output_contains)}")
    if e.path is not None:
        parts.append("it should go exactly through " + " → ".join(f"'{n}'" for n in e.path))
    if e.passes_through:
        parts.append(f"it should pass through {_names(e.passes_through)}")
    if e.never_enters:
        parts.append(f"it should never enter {_names(e.never_enters)}")
    if e.max_transitions is not None:
        parts.append(f"it should take at most {e.max_transitions} transitions")
    sentence = parts[0]
    if len(parts) == 2:
        sentence += " and " + parts[1]
    elif len(parts) > 2:
        sentence += ", " + ", ".join(parts[1:-1]) + " and " + parts[-1]
    sentence += "."
    answers = [_callback_words(c) for c in spec.callbacks]
    return (" ".join(answers) + " " + sentence) if answers else sentence


def _contains_words(subset: Any) -> str:
    if isinstance(subset, dict) and subset and all(not isinstance(v, (dict, list)) for v in subset.values()):
        return ", ".join(f"`{k}: {json.dumps(v, ensure_ascii=False)}`" for k, v in subset.items())
    return code(subset, 80)


def _callback_words(c) -> str:
    if c.answer == "success":
        return f"When it waits at '{c.state}', the answer is {code(c.output, 60)}."
    if c.answer == "failure":
        return f"When it waits at '{c.state}', the answer is the error {c.error or '(none)'}."
    if c.answer == "timeout":
        return f"When it waits at '{c.state}', nobody answers."
    return f"When it waits at '{c.state}', the run is stopped."
