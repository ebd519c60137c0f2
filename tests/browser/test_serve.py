"""Statewise as a team runs it (`manage.py serve`: uvicorn with two worker processes, DEBUG off,
WhiteNoise, Redis) in Debian's chromium: the error pages are the app's own, and a reviewer's run
goes from the editor to SUCCEEDED across workers."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chromium import launch, needs_chromium
from designer.devservers import BASE_DIR, ServerProcess, redis_reachable

REDIS_URL = os.environ.get("STATEWISE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
pytestmark = [pytest.mark.browser, pytest.mark.timeout(180), needs_chromium]


@pytest.fixture
def server():
    reason = redis_reachable(REDIS_URL)
    if reason:
        pytest.skip(f"Two workers need Redis: {reason} (start one with redis-server)")
    with tempfile.TemporaryDirectory(prefix="statewise-serve-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'serve.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url}
        for command in (["migrate", "--noinput", "-v0"], ["load_samples"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True,
                           capture_output=True)
        process = ServerProcess(database_url=url, redis_url=REDIS_URL, kind="serve", workers=2).start()
        try:
            yield process
        finally:
            process.stop()


def test_a_team_server_serves_the_app_its_error_pages_and_live_runs(server):
    from playwright.sync_api import sync_playwright

    # API clients get JSON for an address that does not exist; static files come from WhiteNoise.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server.url}/api/no-such-thing/", timeout=10)
    assert missing.value.code == 404 and missing.value.headers["Content-Type"] == "application/json"
    with urllib.request.urlopen(f"{server.url}/static/css/app.css", timeout=10) as css:
        assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")

    errors: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            response = page.goto(f"{server.url}/workflows/999999/no-such-page/")
            assert response.status == 404
            assert page.title() == "Page not found · Statewise"
            assert page.inner_text("h1") == "This page does not exist"
            assert "URLconf" not in page.content() and "Traceback" not in page.content()
            assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).display") != "inline"  # styled

            page.click("text=Go to your workflows")
            page.fill("input[name=username]", "demo")
            page.fill("input[name=password]", "statewise-demo")
            page.click("button[type=submit]")
            page.wait_for_url("**/workflows/")
            page.click("text=Bank account application")
            page.wait_for_selector("body[data-editor-ready=true]")
            page.click("#simulate summary")
            page.select_option("#simulate-test-case", label="FlaggedAddressApprovedByReviewer")
            page.click("#simulate-start")
            page.wait_for_selector("body[data-run-ready=true][data-connection=live]")
            page.click("#btn-continue")
            page.wait_for_selector("#callback-panel:not([hidden])")
            page.click(".callback-approve")
            page.wait_for_selector("#callback-panel", state="hidden")
            page.click("#btn-continue")
            page.wait_for_selector("body[data-run-status=SUCCEEDED]")
            rows = page.eval_on_selector_all("#history-body tr.event", "rows => rows.map(r => r.cells[1].textContent)")
            assert rows[-1] == "ExecutionSucceeded"
        finally:
            browser.close()
    assert errors == []
