"""Serving: the app's own error pages, and `manage.py serve` refusing a deployment that would
leak or break (DEBUG on, no secret key, no allowed hosts, several workers without Redis)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from designer.devservers import BASE_DIR
from designer.serving.views import server_error

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_apps_own_and_api_clients_get_json(client, users):
    client.force_login(users["owner"])
    page = client.get("/workflows/123456/nothing/")
    assert page.status_code == 404 and "This page does not exist" in page.content.decode()
    assert "Go to your workflows" in page.content.decode() and "URLconf" not in page.content.decode()
    api = client.get("/api/nothing/")
    assert api.status_code == 404 and api.json()["error"] == "not_found"


def test_a_server_error_page_says_so_in_plain_words():
    page = server_error(RequestFactory().get("/workflows/"))
    assert page.status_code == 500 and "Something went wrong on our side" in page.content.decode()
    assert server_error(RequestFactory().get("/api/workflows/")).status_code == 500


def test_debug_is_off_unless_asked_for():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    code = "import designer.settings as s; print(s.DEBUG)"
    assert subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, check=True).stdout.strip() == "False"
    env["DJANGO_DEBUG"] = "1"
    assert subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, check=True).stdout.strip() == "True"


@pytest.mark.parametrize("missing, debug, workers, says", [
    ("DJANGO_SECRET_KEY", False, 1, "DJANGO_SECRET_KEY is not set"),
    ("DJANGO_ALLOWED_HOSTS", False, 1, "DJANGO_ALLOWED_HOSTS is not set"),
    ("REDIS_URL", False, 2, "2 worker processes need REDIS_URL"),
    (None, True, 1, "DEBUG is on"),
])
def test_serve_refuses_a_deployment_that_would_leak_or_break(monkeypatch, settings, missing, debug, workers, says):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "statewise.example.org")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    if missing:
        monkeypatch.delenv(missing)
    settings.DEBUG = debug
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--workers", str(workers))
    assert says in str(refused.value)
