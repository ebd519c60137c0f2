"""Looking at a run from outside: which state each history event belongs to, what the next step
will enter, and a state's data flow recomputed from what its events recorded.

Pure Python and read-only: nothing here changes an execution. The data-flow stages carry the
names AWS's TestState API uses in ``inspectionData``: input, afterInputPath, afterParameters,
result, afterResultSelector, afterResultPath, output (and variables, error where there are any);
for JSONata states: input, afterArguments, result, output, variables, error.
Recorded values win over recomputed ones: a Task's Parameters are taken from its
``TaskScheduled`` (or ``LambdaFunctionScheduled``) event, since intrinsics such as
``States.UUID()`` would not give the same value twice.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from .definition import StateMachine
from .jsonpath import PathNotFound, ResultPathMatchFailure, set_reference_path
from .states.base import IDENTITY, select
from .timestamps import format_millis

# ------------------------------------------------------------------------------------------
# which state an event belongs to (the AWS console's "Step" column)
# ------------------------------------------------------------------------------------------

_CONTAINER_EVENTS = {"ParallelState": "Parallel", "MapState": "Map"}


def state_parents(machine: StateMachine) -> dict[str, tuple[str, str | None]]:
    """Every state name (ASL names are unique in a whole machine) -> (its type, the Parallel or
    Map state it is nested in, or None at the top level)."""
    out: dict[str, tuple[str, str | None]] = {}

    def walk(program, parent):
        for name, state in program.states.items():
            out[name] = (state.type, parent)
            for child in state.children():
                walk(child, name)

    walk(machine.program, None)
    return out


class EventSteps:
    """Assigns each event the state it belongs to, in the order the events were written.

    ``lookup(event_id)`` answers for events seen before this object existed (say, in the database)
    with ``(step, type)`` or None; give it when the log is fed in several sittings.
    """

    def __init__(self, machine: StateMachine, lookup: Callable[[int], tuple[str, str] | None] | None = None):
        self.parents = state_parents(machine)
        self.lookup = lookup
        self.known: dict[int, tuple[str, str]] = {}

    def _prev(self, event_id: int) -> tuple[str, str]:
        found = self.known.get(event_id)
        if found is None and self.lookup is not None and event_id:
            found = self.lookup(event_id)
        return found or ("", "")

    def step(self, event_id: int, previous_event_id: int, type: str, details: Mapping | None) -> str:
        name = details.get("name") if isinstance(details, Mapping) else None
        if type.startswith("Execution"):
            step = ""
        elif isinstance(name, str) and (type.endswith(("StateEntered", "StateExited")) or type.startswith("Map")):
            step = name
        else:
            prev_step, prev_type = self._prev(previous_event_id)
            step = prev_step
            container = next((kind for prefix, kind in _CONTAINER_EVENTS.items() if type.startswith(prefix)), None)
            if container is not None and step:
                own = self.parents.get(step, ("", None))[0] == container and prev_type.startswith(container)
                if not own:
                    # The event follows a child's last event: climb to the enclosing container.
                    parent = self.parents.get(step, ("", None))[1]
                    while parent is not None and self.parents.get(parent, ("", None))[0] != container:
                        parent = self.parents[parent][1]
                    step = parent or step
        self.known[event_id] = (step, type)
        return step


def about_to_enter(execution: Any) -> str | None:
    """The state the next ``step()`` enters, or None when it goes on inside a state (or nothing is
    ready). Reads the ready stack the way ``Execution.run`` does to honour breakpoints."""
    ready = getattr(execution, "_ready", None)
    if not ready:
        return None
    thread = ready[-1]
    return thread.state if thread.phase == "enter" else None


def resource_of(details: Mapping | None) -> str:
    """The resource a task event names, as the console's Resource column shows it."""
    if not isinstance(details, Mapping):
        return ""
    resource, kind = details.get("resource"), details.get("resourceType")
    if isinstance(resource, str):
        return f"{kind}:{resource}" if isinstance(kind, str) and not resource.startswith("arn:") else resource
    return ""


# ------------------------------------------------------------------------------------------
# a state's data flow
# ------------------------------------------------------------------------------------------

STAGES = (
    ("input", "Input"),
    ("afterInputPath", "After InputPath"),
    ("afterParameters", "After Parameters"),
    ("result", "Result"),
    ("afterResultSelector", "After ResultSelector"),
    ("afterResultPath", "After ResultPath"),
    ("output", "Output"),
    ("variables", "Variables"),
    ("error", "Error"),
)
JSONATA_STAGES = (
    ("input", "Input"),
    ("afterArguments", "After Arguments"),
    ("result", "Result"),
    ("output", "Output"),
    ("variables", "Variables"),
    ("error", "Error"),
)
_ABSENT = object()
_RESULT_EVENTS = ("TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded")
_FAILED_SUFFIXES = ("Failed", "TimedOut", "StartFailed", "ScheduleFailed", "SubmitFailed")
_SCHEDULED = {"TaskScheduled": "parameters", "LambdaFunctionScheduled": "input", "ActivityScheduled": "input"}


class _Scope:
    """What paths and intrinsics read while recomputing: a context object, no variables."""
    variables = None

    def __init__(self, context: dict):
        import random

        self.context = context
        self.rng = random.Random(0)


def context_object(*, state: str, entered_at: int, retry_count: int = 0, execution: Mapping | None = None) -> dict:
    """A context object good enough to recompute paths that read ``$$``."""
    execution = dict(execution or {})
    return {"Execution": execution, "StateMachine": {"Id": execution.get("StateMachineId", ""),
                                                     "Name": execution.get("StateMachineName", "")},
            "State": {"Name": state, "EnteredTime": format_millis(entered_at), "RetryCount": retry_count}}


def visits(machine: StateMachine, events: Iterable[Mapping], state_name: str, *,
           execution: Mapping | None = None) -> list[dict]:
    """Each time the run entered ``state_name``: its stages, from events in the ``Event.to_json``
    shape plus ``step`` (as EventSteps assigns it), oldest first."""
    state = _find_state(machine, state_name)
    if state is None:
        return []
    out: list[dict] = []
    current: dict | None = None
    for event in events:
        if event.get("step") != state_name:
            continue
        type, details = event["type"], event.get("details") or {}
        if type.endswith("StateEntered"):
            current = {"enteredEventId": event["id"], "enteredAt": event["timestamp"], "input": details.get("input"),
                       "parameters": _ABSENT, "result": _ABSENT, "output": _ABSENT, "error": None,
                       "variables": None, "retries": 0, "events": [event["id"]]}
            out.append(current)
            continue
        if current is None:
            continue
        current["events"].append(event["id"])
        if type in _SCHEDULED and _SCHEDULED[type] in details:
            if current["error"] is not None:
                current["retries"] += 1
                current["error"] = None
            current["parameters"] = details[_SCHEDULED[type]]
        elif type in _RESULT_EVENTS:
            current["result"] = details.get("output")
        elif type.endswith(_FAILED_SUFFIXES) and ("error" in details or "cause" in details or type.endswith("TimedOut")):
            current["error"] = {"error": details.get("error"), "cause": details.get("cause")}
        elif type.endswith("StateExited"):
            current["output"] = details.get("output")
            if "assignedVariables" in details:
                current["variables"] = details["assignedVariables"]
    return [_stages(state, v, execution) for v in out]


def _find_state(machine: StateMachine, name: str):
    for program in machine.programs.values():
        state = program.states.get(name)
        if state is not None:
            return state
    return None


def _stages(state: Any, visit: dict, execution: Mapping | None) -> dict:
    scope = _Scope(context_object(state=state.name, entered_at=visit["enteredAt"], retry_count=visit["retries"],
                                  execution=execution))
    stages: dict[str, Any] = {}
    notes: list[str] = []
    raw = visit["input"]
    stages["input"] = raw
    try:
        after_input = select(state.input_path, raw, scope)
    except Exception as e:  # noqa: BLE001 - the run failed here too; say so instead of raising
        notes.append(f"InputPath: {_message(e)}")
        after_input = _ABSENT
    if after_input is not _ABSENT:
        stages["afterInputPath"] = after_input
    has_parameters = getattr(state, "parameters", None) is not None
    if visit["parameters"] is not _ABSENT:
        after_params = visit["parameters"]
    elif after_input is _ABSENT:
        after_params = _ABSENT
    elif has_parameters:
        try:
            after_params = state.parameters(after_input, scope)
        except Exception as e:  # noqa: BLE001
            notes.append(f"Parameters: {_message(e)}")
            after_params = _ABSENT
    else:
        after_params = after_input
    if after_params is not _ABSENT and state.type not in ("Choice", "Wait", "Succeed", "Fail"):
        stages["afterParameters"] = after_params

    failed = visit["error"] is not None
    result = visit["result"]
    if result is _ABSENT and state.type == "Pass" and after_params is not _ABSENT:
        given = getattr(state, "result", _ABSENT)
        result = after_params if given is _ABSENT or type(given).__name__ == "object" else given
    has_result_fields = state.type in ("Task", "Pass", "Parallel", "Map")
    output = visit["output"]
    if has_result_fields and not failed:
        selector = getattr(state, "result_selector", None)
        after_selector = _ABSENT
        if result is not _ABSENT:
            stages["result"] = result
            try:
                after_selector = selector(result, scope) if selector is not None else result
            except Exception as e:  # noqa: BLE001
                notes.append(f"ResultSelector: {_message(e)}")
        elif output is not _ABSENT and state.output_path is IDENTITY and state.result_path is not None:
            # Parallel and Map write no event with their result: read it back out of the output.
            try:
                after_selector = output if state.result_path is IDENTITY else state.result_path.evaluate(output, scope)
            except (PathNotFound, LookupError, TypeError):
                after_selector = _ABSENT
            if after_selector is not _ABSENT and selector is None:
                stages["result"] = after_selector
        if after_selector is not _ABSENT:
            stages["afterResultSelector"] = after_selector
            try:
                stages["afterResultPath"] = _place(state, raw, after_selector)
            except Exception as e:  # noqa: BLE001
                notes.append(f"ResultPath: {_message(e)}")
    if output is not _ABSENT:
        stages["output"] = output
    if visit["variables"]:
        stages["variables"] = visit["variables"]
    if failed:
        stages["error"] = visit["error"]
    if getattr(state, "jsonata", False):
        # JSONata states have Arguments and Output, not the JSONPath fields: TestState's names.
        stages = {("afterArguments" if k == "afterParameters" else k): v for k, v in stages.items()
                  if k not in ("afterInputPath", "afterResultSelector", "afterResultPath")}
        ordered = [{"key": key, "label": label, "value": stages[key]} for key, label in JSONATA_STAGES if key in stages]
    else:
        ordered = [{"key": key, "label": label, "value": stages[key]} for key, label in STAGES if key in stages]
    return {"state": state.name, "type": state.type, "enteredEventId": visit["enteredEventId"],
            "retries": visit["retries"], "complete": output is not _ABSENT or failed,
            "stages": ordered, "notes": notes}


def _place(state: Any, raw: Any, result: Any) -> Any:
    path = state.result_path
    if path is IDENTITY:
        return result
    if path is None:
        return raw
    try:
        return set_reference_path(raw, path, result)
    except ResultPathMatchFailure as e:
        raise ValueError(f"Unable to apply step \"{e.args[0]}\" to the input") from None


def _message(e: Exception) -> str:
    return getattr(e, "cause", None) or str(e) or type(e).__name__
