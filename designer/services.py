"""Writes. Keyword-only functions named <entity>_<action>; each checks who is asking first."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from interpreter.renames import state_renames

from . import live, selectors
from .asl_io import check_shape, to_text
from .diagnostics import definition_problems
from .access import services as members
from .errors import InvalidInput, StaleBaseVersion
from .models import Draft, Membership, Workflow, WorkflowType, WorkflowVersion
from .review.reviews import version_saved
from .suites.fit import test_cases_follow_renames

EMPTY_DEFINITION = {
    "Comment": "A new workflow.",
    "StartAt": "Start here",
    "States": {"Start here": {"Type": "Pass", "End": True}},
}


def _plain(text: str) -> str:
    """Text a database can store: no NUL characters, no lone surrogates (file names, query strings
    and definition comments reach here without a serializer's checks)."""
    return str(text or "").replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def workflow_create(*, owner: AbstractBaseUser, name: str, description: str = "",
                    definition: dict | None = None, message: str = "First version",
                    workflow_type: str | None = None) -> Workflow:
    """A new workflow with its first version (a one-state placeholder when no definition is given)."""
    name, description, message = _plain(name).strip(), _plain(description), _plain(message)
    if not name:
        raise InvalidInput("Give the workflow a name.", field="name")
    definition = EMPTY_DEFINITION if definition is None else definition
    check_shape(definition)
    with transaction.atomic():
        workflow = Workflow.objects.create(name=name[:200], description=description or "", owner=owner,
                                           workflow_type=_workflow_type(workflow_type))
        _version_insert(workflow=workflow, number=1, definition=definition, author=owner, message=message)
    return workflow


def workflow_update(*, user: AbstractBaseUser, workflow: Workflow, name: str | None = None,
                    description: str | None = None, workflow_type: str | None = None) -> Workflow:
    selectors.require_edit(user=user, workflow=workflow)
    if workflow_type is not None:
        workflow.workflow_type = _workflow_type(workflow_type)
    if name is not None:
        if not name.strip():
            raise InvalidInput("The name cannot be empty.", field="name")
        workflow.name = name.strip()[:200]
    if description is not None:
        workflow.description = description
    workflow.save()
    return workflow


def _workflow_type(value: str | None) -> str:
    if value is None:
        return WorkflowType.STANDARD
    if value not in WorkflowType.values:
        raise InvalidInput("The workflow type is STANDARD or EXPRESS.", field="type")
    return value


def workflow_delete(*, user: AbstractBaseUser, workflow: Workflow) -> None:
    selectors.require_owner(user=user, workflow=workflow)
    workflow_id = workflow.pk
    workflow.delete()
    live.announce_access_change(workflow_id)


@dataclass(frozen=True)
class CheckedDefinition:
    """A definition worked on before the save, in a child process (``api/large.py``): its shape
    checked, its text as stored, its problems as stored, and its renames from the version
    ``compared_with`` (a primary key; None: there was none). Plain strings and small lists, so
    that it costs the server a pipe read."""
    text: str
    problems: list[dict]
    compared_with: int | None = None
    renames: dict[str, str] = field(default_factory=dict)


def definition_checked(*, definition: Any, previous_pk: int | None = None,
                       previous_text: str | None = None) -> CheckedDefinition:
    """What ``version_create`` would work out for ``definition`` (already through ``check_shape``,
    as the API's serializer does), against the version ``previous_pk`` whose text is given."""
    renames = state_renames(json.loads(previous_text), definition) if previous_text is not None else {}
    return CheckedDefinition(text=to_text(definition), problems=_storable(definition_problems(definition)),
                             compared_with=previous_pk if previous_text is not None else None, renames=renames)


def version_create(*, user: AbstractBaseUser, workflow: Workflow, definition: Any = None, message: str = "",
                   base_version: int | None, checked: CheckedDefinition | None = None) -> WorkflowVersion:
    """Save the next version. ``base_version`` is the number the client started from; if someone
    saved since, nothing is written and StaleBaseVersion says which version is now the latest.
    Invalid definitions are saved too, with their problems: work is never blocked. ``checked``
    (instead of ``definition``): the work on it done already (``definition_checked``)."""
    selectors.require_edit(user=user, workflow=workflow)
    if checked is None:
        check_shape(definition)
    message = _plain(message)
    with transaction.atomic():
        # Lock the workflow row so two saves on the same base cannot both pass the check.
        Workflow.objects.select_for_update().filter(pk=workflow.pk).first()
        latest = selectors.version_latest(workflow=workflow)
        latest_number = latest.number if latest else 0
        if base_version is not None and base_version != latest_number:
            raise StaleBaseVersion(
                f"Version {latest_number} was saved since you started from version {base_version}: "
                f"your changes are kept in your draft; reload to merge them.",
                field="base_version", latest_version=latest_number)
        try:
            version = _version_insert(workflow=workflow, number=latest_number + 1, definition=definition,
                                      author=user, message=message, checked=checked)
        except IntegrityError:
            raise StaleBaseVersion("Another version was saved at the same moment; try again.",
                                   field="base_version") from None
        Draft.objects.filter(workflow=workflow, user=user).delete()
        workflow.save(update_fields=["updated"])
        # Comments, test cases' mocks and expectations follow renamed steps; older versions' open
        # reviews are superseded.
        # Renames found before the save hold only if nobody saved between (else they are found again).
        known = checked.renames if checked is not None and checked.compared_with == (latest.pk if latest else None) \
            else None
        renames = version_saved(user=user, version=version, previous=latest, renames=known)
        test_cases_follow_renames(workflow=workflow, renames=renames)
    return version


def _version_insert(*, workflow: Workflow, number: int, definition: Any, author, message: str,
                    checked: CheckedDefinition | None = None) -> WorkflowVersion:
    if checked is None:
        checked = CheckedDefinition(text=to_text(definition), problems=_storable(definition_problems(definition)))
    return WorkflowVersion.objects.create(
        workflow=workflow, number=number, definition_json=checked.text, author=author,
        message=message or "", problems=checked.problems)


def _storable(problems: list[dict]) -> list[dict]:
    # PostgreSQL's jsonb refuses NUL characters, and messages quote state names, which may hold one.
    return json.loads(json.dumps(problems).replace("\\u0000", "\\ufffd"))


def draft_save(*, user: AbstractBaseUser, workflow: Workflow, definition: Any,
               base_version: int | None) -> Draft:
    """Autosave: one draft per user and workflow, overwritten each time."""
    selectors.require_edit(user=user, workflow=workflow)
    check_shape(definition)
    draft, _ = Draft.objects.update_or_create(
        workflow=workflow, user=user,
        defaults={"definition_json": to_text(definition), "base_version": base_version})
    return draft


def draft_discard(*, user: AbstractBaseUser, workflow: Workflow) -> None:
    Draft.objects.filter(workflow=workflow, user=user).delete()


def membership_set(*, user: AbstractBaseUser, workflow: Workflow, username: str, role: str) -> Membership:
    """Give someone a role on the workflow (or change it). Only the owner may (see access.services)."""
    return members.member_set(user=user, workflow=workflow, who=username, role=role)


def membership_remove(*, user: AbstractBaseUser, workflow: Workflow, member_id: int) -> None:
    members.member_remove(user=user, workflow=workflow, member_id=member_id)
