"""Fixtures for the web tests; skips the lot, saying why, when DATABASE_URL's PostgreSQL is down."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "designer" / "samples"


def _postgres_unreachable() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return None
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 5432
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as exc:
        return f"DATABASE_URL names PostgreSQL at {host}:{port}, but nothing answers there ({exc.strerror or exc})"


def pytest_collection_modifyitems(config, items):
    reason = _postgres_unreachable()
    if reason is None:
        return
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def _end_lingering_sessions(django_db_setup, django_db_blocker):
    """Background runner threads of the live tests may still hold a connection when the session
    ends; PostgreSQL then refuses to drop the test database and leaves it for the next run."""
    yield
    from django.db import connection
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def _runner_stopped_after_each_test():
    """A test that moved a run wakes this process's runner; it must not go on looking for
    continuing runs during the next test (whose runs it would then advance behind its back)."""
    yield
    from designer.simulation import runner

    runner.stop()


@pytest.fixture
def bank_definition() -> dict:
    return json.loads((SAMPLES / "account-application.asl.json").read_text())


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {name: make(username=name, password="pw-" + name) for name in ("owner", "editor", "viewer", "stranger")}


@pytest.fixture
def workflow(users, bank_definition):
    from designer import services

    wf = services.workflow_create(owner=users["owner"], name="Bank account application", definition=bank_definition)
    services.membership_set(user=users["owner"], workflow=wf, username="editor", role="editor")
    services.membership_set(user=users["owner"], workflow=wf, username="viewer", role="viewer")
    return wf


@pytest.fixture
def client_for(users):
    from rest_framework.test import APIClient

    def make(name: str | None):
        client = APIClient()
        if name:
            client.force_authenticate(users[name])
        return client
    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
