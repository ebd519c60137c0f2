"""The reviewer role sits between viewer and editor: reads everything, changes nothing of the design
and controls no run (comments and approvals are covered by tests/designer/review/)."""
from __future__ import annotations

import pytest

from designer import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(users, workflow, django_user_model):
    user = django_user_model.objects.create_user(username="reviewer", password="pw-reviewer")
    services.membership_set(user=users["owner"], workflow=workflow, username="reviewer", role="reviewer")
    return user


def test_reviewer_reads_but_cannot_change_or_run(workflow, reviewer, bank_definition):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(reviewer)
    assert client.get(f"/api/workflows/{workflow.pk}/").json()["role"] == "reviewer"
    assert client.get(f"/api/workflows/{workflow.pk}/versions/1/").status_code == 200
    saved = client.post(f"/api/workflows/{workflow.pk}/versions/",
                        {"definition": bank_definition, "base_version": 1}, format="json")
    assert saved.status_code == 403 and saved.json()["error"] == "forbidden"
    run = client.post(f"/api/workflows/{workflow.pk}/executions/", {}, format="json")
    assert run.status_code == 403 and "start or control" in run.json()["detail"]
    assert workflow.versions.count() == 1 and not workflow.executions.exists()


def test_editor_page_is_read_only_for_a_reviewer(client, workflow, reviewer):
    client.force_login(reviewer)
    html = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert 'data-can-edit="false"' in html
    assert 'id="simulate"' not in html  # no Simulate panel: a reviewer does not start runs
    assert '<button type="submit" id="save-version" class="primary" disabled>' in html


def test_roles_are_ordered_each_can_do_what_the_one_below_can():
    order = ["viewer", "reviewer", "editor", "owner"]
    for lower, higher in zip(order, order[1:]):
        allowed_lower = {a for a, ok in selectors.permissions_of(lower).items() if ok}
        allowed_higher = {a for a, ok in selectors.permissions_of(higher).items() if ok}
        assert allowed_lower < allowed_higher, (lower, higher)
    assert not any(selectors.permissions_of(None).values())
