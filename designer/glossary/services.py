"""Writes to the data glossary."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import selectors
from ..errors import InvalidInput
from ..models import Workflow
from .models import GlossaryTerm

MAX_TERMS = 500
MAX_NAME = 200
MAX_PATH = 500


def glossary_set(*, user: AbstractBaseUser, workflow: Workflow, terms: Any) -> None:
    """Give fields their names (``{"$.a": "the amount"}``); an empty name goes back to the proposed one."""
    selectors.require(user=user, workflow=workflow, action="edit")
    if not isinstance(terms, dict):
        raise InvalidInput("terms must be an object of paths and names.", field="terms")
    if len(terms) > MAX_TERMS:
        raise InvalidInput(f"At most {MAX_TERMS} names at once.", field="terms")
    for path, name in terms.items():
        if not isinstance(path, str) or not path.startswith("$") or len(path) > MAX_PATH:
            raise InvalidInput(f"{str(path)[:80]!r} is not a path like $.order.total.", field="terms")
        if not isinstance(name, str) or len(name) > MAX_NAME:
            raise InvalidInput(f"The name of {path} must be text of at most {MAX_NAME} characters.", field="terms")
    with transaction.atomic():
        for path, name in terms.items():
            name = " ".join(name.split())
            if name:
                GlossaryTerm.objects.update_or_create(workflow=workflow, path=path,
                                                      defaults={"name": name, "updated_by": user})
            else:
                GlossaryTerm.objects.filter(workflow=workflow, path=path).delete()
        if GlossaryTerm.objects.filter(workflow=workflow).count() > MAX_TERMS:
            raise InvalidInput(f"A workflow's glossary holds at most {MAX_TERMS} names.", field="terms")
