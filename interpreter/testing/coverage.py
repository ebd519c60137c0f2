"""Coverage: which states the runs entered and which edges they took, read from their history
events alone (the event log is the one truth; nothing is recorded on the side).

The items to cover, from the definition:

* every state (those inside Parallel branches and Map processors included);
* every edge: a state's ``Next`` (``next:A``), each Choice rule (``choice.0:A``...) and the
  ``Default`` (``default:A``), each Catch (``catch.0:A``...), and each Retry rule that fired
  (``retry.0:A``...). End transitions are not edges: the state that ends is covered or not.

Edge ids put the kind first and the state's name last, so a name with any character in it
still parses (``id.split(":", 1)``).

How events become edges: an ``...StateEntered`` whose previous event (``previousEventId``, the
same branch of the run) is an ``...StateExited`` is a transition from that state. It is a Catch
when the exit follows a failure (an event carrying an error, a Fail state entered in a branch,
or a Parallel/Map ``...StateFailed``); the catcher is the first one whose ErrorEquals matches
that error, as the interpreter chose it. From a Choice, a target reached by one rule only (or
only by the Default) names it; when several could have led there, the rules are evaluated again,
in order, on the input the ``ChoiceStateEntered`` event recorded (with the variables assigned
earlier along the same branch of the log): the first that holds is the one taken. A Retry fired
when a new attempt starts (``TaskScheduled``, ``ParallelStateStarted``...) right after a failure
rather than right after the state was entered; the retrier is the first whose ErrorEquals
matches the failure's error.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..definition import StateMachine
from ..error_handling import error_matches
from ..events import Event
from ..inspection import EventSteps
from ..jsonata_query import Env

NEXT, CHOICE, DEFAULT, CATCH, RETRY = "next", "choice", "default", "catch", "retry"
_ATTEMPTS = {"TaskScheduled": "Task", "LambdaFunctionScheduled": "Task", "ActivityScheduled": "Task",
             "ParallelStateStarted": "Parallel", "MapStateStarted": "Map"}


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    kind: str
    source: str
    target: str          # a retry's target is its own state
    index: int | None    # the rule, catcher or retrier (None for next and default)

    def as_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "from": self.source, "to": self.target, "index": self.index}


def edge_id(kind: str, source: str, index: int | None = None) -> str:
    return f"{kind}{'' if index is None else f'.{index}'}:{source}"


def states_of(machine: StateMachine) -> dict[str, Any]:
    """Every state by name, in reading order (the top level first, each container's children
    after it)."""
    out: dict[str, Any] = {}

    def walk(program) -> None:
        for name, state in program.states.items():
            out[name] = state
            for child in state.children():
                walk(child)

    walk(machine.program)
    return out


def edges_of(machine: StateMachine) -> list[Edge]:
    out: list[Edge] = []
    for name, state in states_of(machine).items():
        if state.type == "Choice":
            for i, rule in enumerate(state.choices):
                out.append(Edge(edge_id(CHOICE, name, i), CHOICE, name, rule.next, i))
            if state.default is not None:
                out.append(Edge(edge_id(DEFAULT, name), DEFAULT, name, state.default, None))
        elif state.next:
            out.append(Edge(edge_id(NEXT, name), NEXT, name, state.next, None))
        for i, catcher in enumerate(state.catchers):
            out.append(Edge(edge_id(CATCH, name, i), CATCH, name, catcher.next, i))
        for i, _ in enumerate(state.retriers):
            out.append(Edge(edge_id(RETRY, name, i), RETRY, name, name, i))
    return out


class Coverage:
    """Counts of states entered and edges taken, folded from any number of event logs."""

    def __init__(self, machine: StateMachine):
        self.machine = machine
        self.states = states_of(machine)
        self.edges = edges_of(machine)
        self.retrying = any(state.retriers for state in self.states.values())
        self.state_counts: dict[str, int] = dict.fromkeys(self.states, 0)
        self.edge_counts: dict[str, int] = {e.id: 0 for e in self.edges}
        self.runs = 0

    def add(self, events: Iterable[Any]) -> "Coverage":
        """Fold one run's history (interpreter ``Event`` objects, or dicts shaped like
        ``Event.to_json()``), oldest first."""
        self.runs += 1
        _fold(self, [plain_event(e) for e in events])
        return self

    def merge(self, other: "Coverage") -> "Coverage":
        for k, v in other.state_counts.items():
            if k in self.state_counts:
                self.state_counts[k] += v
        for k, v in other.edge_counts.items():
            if k in self.edge_counts:
                self.edge_counts[k] += v
        self.runs += other.runs
        return self

    def covered_states(self) -> set[str]:
        return {k for k, v in self.state_counts.items() if v}

    def covered_edges(self) -> set[str]:
        return {k for k, v in self.edge_counts.items() if v}

    def uncovered_edges(self) -> list[Edge]:
        return [e for e in self.edges if not self.edge_counts[e.id]]

    def as_json(self) -> dict:
        states_covered = sum(1 for v in self.state_counts.values() if v)
        edges_covered = sum(1 for v in self.edge_counts.values() if v)
        return {
            "runs": self.runs,
            "states": {"covered": states_covered, "total": len(self.states),
                       "percent": percent(states_covered, len(self.states))},
            "edges": {"covered": edges_covered, "total": len(self.edges),
                      "percent": percent(edges_covered, len(self.edges))},
            "stateItems": [{"name": name, "type": state.type, "count": self.state_counts[name]}
                           for name, state in self.states.items()],
            "edgeItems": [{**e.as_json(), "count": self.edge_counts[e.id]} for e in self.edges],
        }


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def coverage(machine: StateMachine, logs: Iterable[Iterable[Any]]) -> Coverage:
    out = Coverage(machine)
    for events in logs:
        out.add(events)
    return out


# --- folding one log ------------------------------------------------------------------------

class _E:
    __slots__ = ("id", "prev", "type", "details", "step", "link", "variables")

    def __init__(self, id: int, prev: int, type: str, details: Any):
        self.id, self.prev, self.type, self.details, self.step = id, prev, type, details or {}, ""
        self.variables = None  # for an event that assigned: the variables in force after it


def plain_event(e: Any) -> _E:
    if type(e) is dict or (type(e) is not Event and isinstance(e, Mapping)):
        return _E(e["id"], e.get("previousEventId", 0), e["type"], e.get("details"))
    return _E(e.id, e.previous_event_id, e.type, e.details)


def _fold(cov: Coverage, events: list[_E]) -> None:
    states = cov.states
    by_id: dict[int, _E] = {e.id: e for e in events}
    if cov.retrying:  # which state an attempt belongs to matters only for Retry edges
        steps = EventSteps(cov.machine)
        for e in events:
            e.step = steps.step(e.id, e.prev, e.type, e.details)
    # A transition whose edge its two ends decide (the common case) is worked out once.
    plain: dict[tuple, str | None] = {}
    for e in events:
        t = e.type
        if t.endswith("StateEntered"):
            name = e.details.get("name")
            if name in cov.state_counts:
                cov.state_counts[name] += 1
            before = by_id.get(e.prev)
            if before is not None and before.type.endswith("StateExited"):
                source = before.details.get("name")
                key = (source, name)
                edge = plain.get(key, _UNKNOWN)
                if edge is _UNKNOWN:
                    if source not in states or name not in states:
                        continue
                    edge = _transition(cov, by_id, states[source], name, before)
                    if _decided_by_ends(states[source], name):
                        plain[key] = edge
                if edge is not None and edge in cov.edge_counts:
                    cov.edge_counts[edge] += 1
        elif t in _ATTEMPTS:
            state = states.get(e.step)
            before = by_id.get(e.prev)
            if state is None or not state.retriers or before is None:
                continue
            if before.type.endswith("StateEntered") and before.details.get("name") == state.name:
                continue  # the first attempt
            i = _handler_index(state.retriers, _error_of(states, by_id, before))
            if i is not None:
                cov.edge_counts[edge_id(RETRY, state.name, i)] += 1


def _decided_by_ends(source: Any, target: str) -> bool:
    """Whether only one edge of ``source`` leads to ``target`` (so no event needs reading)."""
    ways = sum(1 for c in source.catchers if c.next == target)
    if source.type == "Choice":
        ways += sum(1 for r in source.choices if r.next == target) + (source.default == target)
    else:
        ways += source.next == target
    return ways <= 1


def _transition(cov: Coverage, by_id: dict, source: Any, target: str, exited: _E) -> str | None:
    name = source.name
    failure = by_id.get(exited.prev)
    caught = failure is not None and _is_failure(failure)
    catchers = [i for i, c in enumerate(source.catchers) if c.next == target]
    if source.type == "Choice":
        return _choice(cov, by_id, source, target, exited)
    if catchers and (caught or source.next != target):
        error = _error_of(cov.states, by_id, failure) if caught else None
        i = _handler_index(source.catchers, error, catchers)
        return edge_id(CATCH, name, i if i is not None else catchers[0])
    if source.next == target:
        return edge_id(NEXT, name)
    return None


def _is_failure(e: _E) -> bool:
    t = e.type
    return ("error" in e.details and not t.endswith("StateExited")) or t.endswith("StateFailed") \
        or t == "FailStateEntered" or t.endswith(("TimedOut", "Failed", "StateAborted"))


def _error_of(states: dict, by_id: dict, e: _E | None) -> str | None:
    """The error name a failure event stands for, when the log says it."""
    for _ in range(3):  # a ...StateFailed or MapIterationFailed follows the failure that caused it
        if e is None:
            return None
        error = e.details.get("error")
        if isinstance(error, str):
            return error
        if e.type == "FailStateEntered":
            state = states.get(e.details.get("name"))
            error = getattr(state, "error", None)
            return error if isinstance(error, str) else None
        e = by_id.get(e.prev)
    return None


def _handler_index(handlers: tuple, error: str | None, among: list[int] | None = None) -> int | None:
    """The retrier or catcher the interpreter chose for ``error``: the first that matches. When
    the log does not say the error, the only candidate, or the first that takes every error."""
    candidates = among if among is not None else list(range(len(handlers)))
    if error is not None:
        for i, handler in enumerate(handlers):
            if error_matches(handler.error_equals, error):
                return i if i in candidates else None
        return None
    if len(candidates) == 1:
        return candidates[0]
    for i in candidates:
        if "States.ALL" in handlers[i].error_equals:
            return i
    return candidates[0] if candidates else None


def _choice(cov: Coverage, by_id: dict, state: Any, target: str, exited: _E) -> str | None:
    rules = [i for i, rule in enumerate(state.choices) if rule.next == target]
    default = state.default == target
    if len(rules) + default == 1:
        return edge_id(CHOICE, state.name, rules[0]) if rules else edge_id(DEFAULT, state.name)
    if not rules and not default:
        return None
    entered = by_id.get(exited.prev)
    taken = _evaluate(state, entered, by_id) if entered is not None else None
    if taken is None:
        return edge_id(CHOICE, state.name, rules[0]) if rules else edge_id(DEFAULT, state.name)
    return edge_id(CHOICE, state.name, taken) if taken >= 0 else edge_id(DEFAULT, state.name)


class ReplayScope:
    """What a Choice rule reads when evaluated again from the log: variables assigned earlier on
    this branch of the log, a context object with what the log knows."""

    def __init__(self, variables: dict | None, state: str):
        self.variables = variables
        self.context = {"Execution": {}, "StateMachine": {}, "State": {"Name": state}}
        self.rng = random.Random(0)


def variables_before(by_id: dict, event: Any) -> dict:
    """The variables assigned before ``event`` along its branch of the log (latest first wins).

    Each event remembers the nearest earlier event on its branch that assigned variables
    (``_link``), and each such event the variables in force after it, so a long log without
    (or with few) assignments is not walked again for every Choice."""
    source = _assigner(by_id, by_id.get(event.prev))
    return dict(_in_force(by_id, source)) if source is not None else {}


def _assigner(by_id: dict, e: Any) -> Any:
    """The nearest event from ``e`` back along its branch that assigned variables (``e`` included)."""
    seen = []
    while e is not None:
        link = getattr(e, "link", _UNKNOWN)
        if link is not _UNKNOWN:
            found = link
            break
        if e.type.endswith("StateExited") and e.details.get("assignedVariables"):
            found = e
            break
        seen.append(e)
        e = by_id.get(e.prev)
    else:
        found = None
    for walked in seen:
        walked.link = found
    return found


def _in_force(by_id: dict, e: Any) -> dict:
    if e.variables is None:
        before = _assigner(by_id, by_id.get(e.prev))
        variables = dict(_in_force(by_id, before)) if before is not None else {}
        variables.update(e.details.get("assignedVariables") or {})
        e.variables = variables
    return e.variables


_UNKNOWN = object()


def _evaluate(state: Any, entered: _E, by_id: dict) -> int | None:
    """The index of the rule that holds on the recorded input (-1: none, the Default); None
    when the rules cannot be evaluated from the log."""
    from ..states.base import select

    scope = ReplayScope(variables_before(by_id, entered) or None, state.name)
    data = entered.details.get("input")
    try:
        if state.jsonata:
            env = Env(data, scope)
            for i, rule in enumerate(state.choices):
                if rule.test(env):
                    return i
            return -1
        data = select(state.input_path, data, scope)
        for i, rule in enumerate(state.choices):
            if rule.test(data, scope):
                return i
        return -1
    except Exception:  # noqa: BLE001 - a rule that reads what the log lacks: fall back to the first candidate
        return None
