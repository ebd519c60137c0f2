"""Suggested test cases for Catches: a mock makes a Task throw an error the catcher takes and no
earlier catcher does, on every attempt its Retry makes (the state itself when it is a Task, else
a Task inside the Parallel or Map that the existing case ran)."""
from __future__ import annotations

from typing import Any

from ..error_handling import error_matches
from .coverage import Edge
from .drafts import draft_of
from .runner import Case, CaseResult

SIMULATED_ERROR = "Statewise.SimulatedError"


def catch_case(search: Any, target: Edge, case: Case, result: CaseResult) -> tuple[Any, str]:
    state = search.states[target.source]
    catcher = state.catchers[target.index]
    label = f"Catch {target.index + 1} of '{state.name}'"
    error = _error_for(state.catchers, target.index)
    if error is None:
        if catcher.error_equals == ("States.Runtime",):
            return None, f"{label}: States.Runtime is never caught, in AWS as here"
        return None, f"{label}: an earlier Catch of '{state.name}' takes every error this one does"
    tasks = [state.name] if state.type == "Task" else _tasks_entered_inside(search, state, result)
    if not tasks:
        return None, (f"{label}: '{state.name}' ran no Task in '{case.name}' that a mock could make fail "
                      f"with {error}")
    reason = f"{label}: making a Task fail with {error} did not reach it"
    for task in tasks:
        if search.out_of_time():
            break
        draft = draft_of(case)
        calls = _attempts(search.states[task], error) * (_attempts(state, error) if task != state.name else 1)
        calls += _calls_before(result, task, state.name)
        response = {("0" if calls == 1 else f"0-{calls - 1}"): {"Throw": {
            "Error": error, "Cause": f"Suggested by Statewise: '{task}' fails with {error}."}}}
        draft.new_response(task, draft.entries.get(task) if isinstance(draft.entries.get(task), str) else None,
                           response)
        draft.changes.append(f"the mock of '{task}' throws {error}" + (f" on all {calls} attempts" if calls > 1 else ""))
        suggestion = search.offer(target, draft, case.name, error)
        if suggestion is not None:
            return suggestion, ""
    return None, reason


def _error_for(catchers: tuple, index: int) -> str | None:
    """An error name catcher ``index`` takes and no earlier catcher does."""
    names = [n for n in catchers[index].error_equals if n not in ("States.ALL", "States.TaskFailed")]
    names += [SIMULATED_ERROR]
    for name in names:
        if not error_matches(catchers[index].error_equals, name):
            continue
        if not any(error_matches(c.error_equals, name) for c in catchers[:index]):
            return name
    return None


def _attempts(state: Any, error: str) -> int:
    """How many times a state runs when every attempt fails with ``error``."""
    for retrier in state.retriers:
        if error_matches(retrier.error_equals, error):
            return 1 + retrier.max_attempts
    return 1


def _calls_before(result: CaseResult, task: str, container: str) -> int:
    """Calls of ``task`` made before the run first entered ``container``."""
    count = 0
    for e in result.execution.events:
        name = e.details.get("name") if isinstance(e.details, dict) else None
        if e.type.endswith("StateEntered") and name == container:
            break
        if e.type.endswith("StateEntered") and name == task:
            count += 1
    return count


def _tasks_entered_inside(search: Any, state: Any, result: CaseResult) -> list[str]:
    inside: set[str] = set()

    def walk(program) -> None:
        for name, child in program.states.items():
            inside.add(name)
            for sub in child.children():
                walk(sub)

    for program in state.children():
        walk(program)
    out: list[str] = []
    for log in result.logs():
        for e in log:
            name = e.details.get("name") if isinstance(e.details, dict) else None
            if e.type == "TaskStateEntered" and name in inside and name not in out:
                out.append(name)
    return out
