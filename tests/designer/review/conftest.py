"""A workflow with a member of each role, for the review tests."""
from __future__ import annotations

import copy

import pytest


@pytest.fixture
def reviewer(users, workflow, django_user_model):
    from designer import services

    user = django_user_model.objects.create_user(username="reviewer", password="pw-reviewer", email="rev@example.com")
    services.membership_set(user=users["owner"], workflow=workflow, username="reviewer", role="reviewer")
    users["reviewer"] = user
    return user


@pytest.fixture
def save(users, workflow, bank_definition):
    """Save the next version: the bank sample, changed by ``change(definition)``."""
    from designer import selectors, services

    def run(change=None, user="owner"):
        latest = selectors.version_latest(workflow=workflow)
        definition = copy.deepcopy(latest.definition)
        if change:
            change(definition)
        return services.version_create(user=users[user], workflow=workflow, definition=definition,
                                       base_version=latest.number)
    return run


@pytest.fixture
def rename():
    def run(definition: dict, old: str, new: str) -> None:
        """As the editor renames: the key and every transition naming it (in place)."""
        import json

        text = json.dumps(definition).replace(json.dumps(old), json.dumps(new))
        definition.clear()
        definition.update(json.loads(text))
    return run
