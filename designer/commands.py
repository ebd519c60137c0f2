"""Control commands, as the websocket and the REST API both accept them: a JSON object with
``command`` and its arguments. One table maps each name to its service; editors only."""
from __future__ import annotations

from typing import Any, Callable

from django.contrib.auth.models import AbstractBaseUser

from . import simulation
from .errors import InvalidInput
from .models import Execution
from .simulation import Update


def _step(user, execution, body):
    let_time_pass = body.get("let_time_pass", False)
    if not isinstance(let_time_pass, bool):
        raise InvalidInput("let_time_pass must be true or false.", field="let_time_pass")
    return simulation.execution_step(user=user, execution=execution, let_time_pass=let_time_pass)


def _continue(user, execution, body):
    return simulation.execution_continue(user=user, execution=execution)


def _pause(user, execution, body):
    return simulation.execution_pause(user=user, execution=execution)


def _abort(user, execution, body):
    return simulation.execution_abort(user=user, execution=execution)


def _breakpoints(user, execution, body):
    return simulation.execution_set_breakpoints(user=user, execution=execution,
                                                breakpoints=_arg(body, "breakpoints"))


def _speed(user, execution, body):
    return simulation.execution_set_speed(user=user, execution=execution, speed=_arg(body, "speed"))


def _success(user, execution, body):
    return simulation.execution_send_task_success(user=user, execution=execution, token=_arg(body, "token"),
                                                  output=_arg(body, "output"))


def _failure(user, execution, body):
    return simulation.execution_send_task_failure(user=user, execution=execution, token=_arg(body, "token"),
                                                  error=body.get("error"), cause=body.get("cause"))


def _redrive(user, execution, body):
    return simulation.redrive_run(user=user, execution=execution, mock_override=body.get("mock_override"))


COMMANDS: dict[str, Callable[[AbstractBaseUser, Execution, dict], Update]] = {
    "step": _step,
    "continue": _continue,
    "pause": _pause,
    "abort": _abort,
    "set_breakpoints": _breakpoints,
    "set_speed": _speed,
    "send_task_success": _success,
    "send_task_failure": _failure,
    "redrive": _redrive,
}


def _arg(body: dict, name: str) -> Any:
    if name not in body:
        raise InvalidInput(f"The command needs '{name}'.", field=name)
    return body[name]


def command_run(*, user: AbstractBaseUser, execution_id: int, body: Any) -> Update:
    """Check and run one command. Raises DomainError (InvalidInput, Forbidden, NotFound...)."""
    if not isinstance(body, dict):
        raise InvalidInput("A command is a JSON object such as {\"command\": \"step\"}.", field="command")
    name = body.get("command")
    if not isinstance(name, str) or name not in COMMANDS:
        raise InvalidInput(f"Unknown command {name!r}: use one of {', '.join(COMMANDS)}.", field="command")
    execution = simulation.execution_get(user=user, execution_id=execution_id)
    return COMMANDS[name](user, execution, body)
