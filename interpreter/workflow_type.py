"""Standard and Express workflows: what AWS refuses in an Express one, and its time limit.

From AWS's developer guide ("Choosing workflow type in Step Functions", "Integrating optimized
services with Step Functions", "RedriveExecution"):

- Express workflows "only support Request Response integrations": no Run a Job (``.sync``,
  ``.sync:2``) and no Wait for Callback (``.waitForTaskToken``), and "Step Functions activities"
  are not supported. AWS refuses such a definition when the state machine is created
  (CreateStateMachine answers ``InvalidDefinition``, ``SCHEMA_VALIDATION_FAILED: Express state
  machine does not support ...``), so nothing of it runs.
- The child workflows of a Distributed Map whose ``ProcessorConfig.ExecutionType`` is EXPRESS
  are Express workflows, whatever the parent's type: the same rules hold inside them.
- An Express execution runs for at most five minutes (the machine's own ``TimeoutSeconds`` may
  end it sooner); it ends ``TIMED_OUT`` as a Standard one does at its ``TimeoutSeconds``.
- RedriveExecution "is not supported by EXPRESS state machines".
- Express executions keep no execution history in Step Functions (GetExecutionHistory does not
  take them): their events go only to CloudWatch Logs when logging is on, and AWS's 25,000-event
  history quota does not apply.
"""
from __future__ import annotations

from typing import Any, Iterator

from .diagnostic import Diagnostic, pointer
from .services import describe

STANDARD, EXPRESS = "STANDARD", "EXPRESS"
TYPES = (STANDARD, EXPRESS)
CODE = "EXPRESS_UNSUPPORTED"


def express_problems(definition: Any, workflow_type: str = EXPRESS) -> list[Diagnostic]:
    """What AWS refuses when a definition is created as ``workflow_type`` (for STANDARD: only
    inside Distributed Maps whose children run as EXPRESS)."""
    problems: list[Diagnostic] = []
    for path, name, state in _tasks(definition, (), workflow_type == EXPRESS):
        resource = state.get("Resource")
        if not isinstance(resource, str):
            continue
        described = describe(resource)
        if described.kind == "activity":
            what, aws = "gives its work to an activity", "Activity ARN"
        elif described.pattern == "sync":
            what, aws = "waits for a job to finish (.sync)", "'.sync' service integration"
        elif described.pattern == "waitForTaskToken":
            what, aws = "waits for a callback (.waitForTaskToken)", "'.waitForTaskToken' service integration"
        else:
            continue
        problems.append(Diagnostic(
            CODE, pointer(*path, "Resource"),
            f"State '{name}' {what}, which Express workflows cannot do: AWS refuses to create this "
            f"state machine as EXPRESS (SCHEMA_VALIDATION_FAILED: Express state machine does not support {aws}). "
            f"Run it as STANDARD, or call the service without waiting.", "error", name))
    return problems


def _tasks(machine: Any, path: tuple, express: bool) -> Iterator[tuple[tuple, str, dict]]:
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = (*path, "States", name)
        kind = state.get("Type")
        if kind == "Task" and express:
            yield here, name, state
        elif kind == "Parallel" and isinstance(state.get("Branches"), list):
            for i, branch in enumerate(state["Branches"]):
                yield from _tasks(branch, (*here, "Branches", i), express)
        elif kind == "Map":
            key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
            processor = state.get(key)
            config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
            config = config if isinstance(config, dict) else {}
            children_express = express or (config.get("Mode") == "DISTRIBUTED" and
                                           config.get("ExecutionType") == EXPRESS)
            yield from _tasks(processor, (*here, key), children_express)
