"""Test cases that keep up with the workflow.

- On save, renamed steps are renamed in every test case's mocks and expectations, in the save's
  transaction (:func:`test_cases_follow_renames`). A deleted step's mock is kept: nothing a person
  wrote is dropped behind their back; the fit check names it instead.
- Before a run, :func:`test_case_fit` says in plain words what in a test case no longer fits a
  version (``interpreter.mock_fit``), each with a proposed fix; :func:`test_case_fix` applies one.
"""
from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from interpreter.errors import DefinitionError
from interpreter.mock_edit import add_mock, follow_renames, remove_mock, rename_mock
from interpreter.mock_fit import mock_fit
from interpreter.mocks import Mocks
from interpreter.renames import state_renames
from interpreter.shape import walk

from .. import selectors
from ..errors import InvalidInput
from ..models import TestCase, Workflow, WorkflowVersion
from ..simulation.engine import dumps
from ..simulation.services import machine_name
from .services import expectations_rename

HISTORY = 50          # versions looked through, each way, to tell a renamed step from a removed one
MAX_STATE_NAME = 200  # longer than AWS allows (80): enough to name any state a definition can hold
ACTIONS = ("rename", "remove", "add")


def test_cases_follow_renames(*, workflow: Workflow, renames: dict[str, str]) -> int:
    """Renamed steps followed into every test case's mocks and expectations (called inside the
    transaction that saves the version); returns how many mock configs changed."""
    if not renames:
        return 0
    changed = 0
    for tc in TestCase.objects.select_for_update().filter(workflow=workflow).order_by("pk"):
        config = tc.mock_config
        new = follow_renames(config, renames)
        if new != config:
            tc.mock_config_json = dumps(new)
            tc.save(update_fields=["mock_config_json"])
            changed += 1
    expectations_rename(workflow=workflow, renames=renames)
    return changed


test_cases_follow_renames.__test__ = False


# --- the check before a run --------------------------------------------------------------------

def _case_name(tc: TestCase) -> str:
    return tc.mock_test_case or tc.name


def _names(definition: Any) -> dict[str, Any]:
    return {name: state.get("Type") if isinstance(state, dict) else None for name, _, state, _ in walk(definition)}


class _History:
    """The versions on either side of one, each read once however many names are looked up, and
    the renames between neighbours worked out once: a fit check costs at most ``2 * HISTORY``
    definitions parsed and renames found, whatever the test case holds."""

    def __init__(self, workflow: Workflow, version: WorkflowVersion):
        self.workflow, self.version = workflow, version
        self._sides: dict[bool, list[tuple[Any, dict]]] = {}
        self._renames: dict[tuple[bool, int], dict[str, str]] = {}

    def side(self, older: bool) -> list[tuple[Any, dict]]:
        """(definition, names) from ``version`` outwards, to the end of consecutive history."""
        if older not in self._sides:
            n = self.version.number
            numbers = range(n - 1, max(0, n - HISTORY) - 1, -1) if older else range(n + 1, n + HISTORY + 1)
            rows = dict(WorkflowVersion.objects.filter(workflow=self.workflow, number__in=list(numbers))
                        .values_list("number", "definition_json"))
            definition = self.version.definition
            trail = [(definition, _names(definition))]
            for number in numbers:
                if number not in rows:
                    break
                definition = json.loads(rows[number])
                trail.append((definition, _names(definition)))
            self._sides[older] = trail
        return self._sides[older]

    def renamed_to(self, name: str) -> str | None:
        """What ``name``, a step of a nearby version, is called in ``version``: the renames between
        neighbours followed from the nearest version that has it (an older one first, then a newer
        one). None when it was removed, or the trail is ambiguous or too long."""
        for older in (True, False):
            trail = self.side(older)
            found = next((i for i, (_, names) in enumerate(trail) if name in names), None)
            if not found:
                continue
            current = name
            for i in range(found, 0, -1):  # from the version that has it back to ``version``
                if current not in trail[i - 1][1]:
                    key = (older, i)
                    if key not in self._renames:
                        self._renames[key] = state_renames(trail[i][0], trail[i - 1][0])
                    current = self._renames[key].get(current)
                    if current is None:
                        return None
            return current
        return None


def _answer(state: Any) -> dict:
    """A mock answer that lets a run go on: the shape of a Lambda invocation's result where the
    integration wraps one, else an empty object."""
    resource = state.get("Resource") if isinstance(state, dict) else None
    if isinstance(resource, str) and resource.startswith("arn:aws:states:::lambda:invoke"):
        return {"StatusCode": 200, "Payload": {}}
    return {}


def _words(code: str, state: str | None, message: str, version: int, kind: Any, to: str | None) -> str:
    if code == "MOCKED_STATE_MISSING":
        if to:
            return (f"'{state}' is not a step of version {version}: it looks renamed to '{to}', and this test "
                    f"case's mock answer still names '{state}'.")
        return f"This test case has a mock answer for '{state}', which is not a step of version {version}."
    if code == "MOCKED_STATE_NOT_A_TASK":
        return (f"'{state}' is a {kind or 'malformed'} step in version {version}, not a task: this test case's "
                f"mock answer for it is never used.")
    if code == "TASK_WITHOUT_MOCK":
        if to:
            return (f"This test case has no mock answer for '{state}' (it still names the step '{to}'): a run "
                    f"that reaches it stops there with an error.")
        return (f"This test case has no mock answer for '{state}': a run that reaches it stops there with "
                f"an error.")
    if code == "CALLBACK_WITHOUT_MOCK":
        return (f"'{state}' waits for someone's answer and this test case has no mock answer for it: a run "
                f"that gets there waits for you to answer it.")
    return f"This test case's mocks cannot be read: {message}"


def test_case_fit(*, user: AbstractBaseUser, workflow: Workflow, test_case: TestCase,
                  version: WorkflowVersion) -> dict:
    """What in ``test_case`` does not fit ``version``, in plain words, each with the fix proposed
    (``{"action", "state", "to"?, "label"}``) or none. Warnings (``severity`` "warning") make a
    run fail or go astray; notes (a callback with no mock: a person answers it) do not."""
    selectors.require(user=user, workflow=workflow, action="read")
    definition = version.definition
    config = test_case.mock_config
    problems = mock_fit(definition, config or None, test_case=_case_name(test_case))
    kinds = _names(definition)
    unmocked = {p.state for p in problems if p.code in ("TASK_WITHOUT_MOCK", "CALLBACK_WITHOUT_MOCK")}
    renamed, history = {}, _History(workflow, version)
    for p in problems:
        if p.code == "MOCKED_STATE_MISSING":
            to = history.renamed_to(p.state)
            if to in unmocked:
                renamed[p.state] = to
    was = {to: old for old, to in renamed.items()}
    out = []
    for p in problems:
        to = renamed.get(p.state) if p.code == "MOCKED_STATE_MISSING" else was.get(p.state)
        if p.code == "MOCK_CONFIG_INVALID":
            fix = None
        elif to and p.code == "MOCKED_STATE_MISSING":
            fix = {"action": "rename", "state": p.state, "to": to, "label": f"Rename the mock to '{to}'"}
        elif to:
            fix = {"action": "rename", "state": to, "to": p.state, "label": f"Rename the mock of '{to}' to '{p.state}'"}
        elif p.code in ("MOCKED_STATE_MISSING", "MOCKED_STATE_NOT_A_TASK"):
            fix = {"action": "remove", "state": p.state, "label": f"Remove the mock for '{p.state}'"}
        else:
            fix = {"action": "add", "state": p.state, "label": f"Add a mock answer for '{p.state}'"}
        out.append({**p.as_dict(), "severity": "note" if p.code == "CALLBACK_WITHOUT_MOCK" else "warning",
                    "words": _words(p.code, p.state, p.message, version.number, kinds.get(p.state), to), "fix": fix})
    return {"testCase": test_case.pk, "name": test_case.name, "version": version.number, "problems": out}


test_case_fit.__test__ = False


# --- one-click fixes ---------------------------------------------------------------------------

def _state_field(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_STATE_NAME:
        raise InvalidInput(f"{field} is the name of a step (1 to {MAX_STATE_NAME} characters).", field=field)
    return value


def test_case_fix(*, user: AbstractBaseUser, workflow: Workflow, test_case: TestCase, version: WorkflowVersion,
                  action: Any, state: Any, to: Any = None) -> TestCase:
    """One proposed fix applied to the test case's mocks, checked against ``version``: ``rename``
    the mock of ``state`` to ``to``, ``remove`` the mock of ``state``, or ``add`` a mock answer
    for the Task ``state``."""
    selectors.require_edit(user=user, workflow=workflow)
    if action not in ACTIONS:
        raise InvalidInput(f"action is one of {', '.join(ACTIONS)}.", field="action")
    state = _state_field(state, "state")
    steps = {name: st for name, _, st, _ in walk(version.definition)}
    if action == "rename":
        to = _state_field(to, "to")
        if to not in steps:
            raise InvalidInput(f"'{to}' is not a step of version {version.number}.", field="to")
    elif action == "add" and (steps.get(state) or {}).get("Type") != "Task":
        raise InvalidInput(f"'{state}' is not a task of version {version.number}: only tasks take mocks.",
                           field="state")
    with transaction.atomic():
        tc = TestCase.objects.select_for_update().get(pk=test_case.pk)
        config = tc.mock_config
        try:
            if action == "rename":
                new = rename_mock(config, _case_name(tc), state, to)
            elif action == "remove":
                new = remove_mock(config, _case_name(tc), state)
            else:
                new = add_mock(config, _case_name(tc), state, _answer(steps[state]), machine=machine_name(workflow.name))
            Mocks.from_config(new, None, _case_name(tc))
        except DefinitionError as e:
            first = e.diagnostics[0]
            raise InvalidInput(f"This test case's mocks cannot be read: {first.message}", pointer=first.pointer,
                               field="mock_config") from None
        except ValueError as e:
            raise InvalidInput(str(e), field="to" if action == "rename" and "already" in str(e) else "state") from None
        tc.mock_config_json = dumps(new)
        tc.save(update_fields=["mock_config_json"])
    return tc


test_case_fix.__test__ = False
