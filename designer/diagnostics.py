"""Problems in a definition, as plain dicts, from the interpreter's validator."""
from __future__ import annotations

from typing import Any

from interpreter.validation import validate

from . import workpool
from .asl_io import count_states


def definition_problems(definition: Any) -> list[dict]:
    """Every problem the validator finds; a crash in it becomes one problem, never an error page.
    A large definition is checked in a child process (``designer/workpool.py``)."""
    if workpool.large(count_states(definition)):
        return workpool.run(_problems, definition, what="Checking this definition")
    return _problems(definition)


def _problems(definition: Any) -> list[dict]:
    try:
        return [d.as_dict() for d in validate(definition)]
    except MemoryError:
        raise  # a bound of the server (designer/workpool.py), not a fault of the validator
    except Exception as exc:  # noqa: BLE001 - the validator promises not to raise; hold it to that here
        return [{"code": "VALIDATOR_FAILED", "severity": "warning", "pointer": "", "state": None,
                 "message": f"The validator could not check this definition ({type(exc).__name__})."}]
