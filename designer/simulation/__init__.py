"""Simulated runs: what the rest of the app calls.

- ``engine``: the interpreter objects kept between writes, and how every write is locked and persisted;
- ``services``: the writes people make (start, step, continue, pause, breakpoints, speed, callbacks,
  abort, test cases); ``redrive``: redriving a run that failed, timed out or was aborted;
- ``selectors``: the reads, with their access checks;
- ``runner``: advances continuing runs, batch by batch (import it as ``simulation.runner``; it
  broadcasts, so it is not imported here).
"""
from .engine import Update, execution_state, forget, machine_of
from .redrive import NotRedrivable, StillRunning, redrive_options, redrive_run
from .selectors import execution_events_after, execution_get, execution_list, test_case_get, test_case_list
from .services import (
    CheckedTestCase, NothingToDo, NotRunning, execution_abort, execution_continue, execution_pause, execution_send_task_failure,
    execution_send_task_success, execution_set_breakpoints, execution_set_speed, execution_start, execution_step,
    test_case_checked, test_case_create, test_case_delete,
)

__all__ = [
    "Update", "execution_state", "forget", "machine_of",
    "execution_events_after", "execution_get", "execution_list", "test_case_get", "test_case_list",
    "CheckedTestCase", "NothingToDo", "NotRunning", "execution_abort", "execution_continue", "execution_pause",
    "execution_send_task_failure", "execution_send_task_success", "execution_set_breakpoints",
    "execution_set_speed", "execution_start", "execution_step", "test_case_checked", "test_case_create", "test_case_delete",
    "NotRedrivable", "StillRunning", "redrive_options", "redrive_run",
]
