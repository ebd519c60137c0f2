"""A real server process is killed while a run waits for its reviewer (and while another run is
continuing), then started again: the page reconnects, the answer goes through, both runs end."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from chromium import launch, needs_chromium
from designer.devservers import BASE_DIR, ServerProcess, free_port

LOOP = {"StartAt": "Check", "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.count", "NumericLessThan": 40, "Next": "Increment"}],
              "Default": "Done"},
    "Increment": {"Type": "Pass", "Parameters": {"count.$": "States.MathAdd($.count, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}}

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180), needs_chromium]


@pytest.fixture
def database():
    with tempfile.TemporaryDirectory(prefix="statewise-restart-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'restart.sqlite3'}"
        env = {**os.environ, "DATABASE_URL": url}
        env.pop("REDIS_URL", None)
        for command in (["migrate", "--noinput", "-v0"], ["load_samples"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True,
                           capture_output=True)
        yield url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


def _login(page, base):
    page.goto(f"{base}/")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "statewise-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/workflows/")


def test_a_run_waiting_for_review_survives_a_server_restart(database, browser):
    port = free_port()
    server = ServerProcess(database_url=database, port=port).start()
    errors: list[str] = []
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # `make run` shows people the app's own page for a wrong address, not Django's debug page.
        page.goto(f"{server.url}/no-such-page/")
        assert page.title() == "Page not found · Statewise" and "URLconf" not in page.content()
        _login(page, server.url)
        page.click("text=Bank account application")
        page.wait_for_selector("body[data-editor-ready=true]")
        page.click("#simulate summary")
        page.select_option("#simulate-test-case", label="FlaggedAddressApprovedByReviewer")
        page.click("#simulate-start")
        page.wait_for_selector("body[data-run-ready=true][data-connection=live]")
        page.click("#btn-continue")
        page.wait_for_selector("#callback-panel:not([hidden])")
        waiting_at = int(page.get_attribute("body", "data-last-seq"))

        server.kill()  # no goodbye: the run's state is whatever was committed
        page.wait_for_selector("body[data-connection=reconnecting]")
        server = ServerProcess(database_url=database, port=port).start()
        page.wait_for_selector("body[data-connection=live]")

        page.click(".callback-approve")
        page.wait_for_selector("#callback-panel", state="hidden")
        page.click("#btn-continue")
        page.wait_for_selector("body[data-run-status=SUCCEEDED]")
        rows = page.eval_on_selector_all("#history-body tr.event", "rows => rows.map(r => r.cells[1].textContent)")
        ids = page.eval_on_selector_all("#history-body tr.event", "rows => rows.map(r => Number(r.cells[0].textContent))")
        assert ids == list(range(1, len(ids) + 1)) and len(ids) > waiting_at
        assert rows[-1] == "ExecutionSucceeded" and "TaskSucceeded" in rows[waiting_at:]
        colour = page.get_attribute('#graph g.state[data-state="Approve Application"]', "data-run-status")
        assert colour == "succeeded"
    finally:
        server.stop()
    assert errors == []


def test_a_continuing_run_is_picked_up_after_a_restart_with_nobody_watching(database, browser):
    port = free_port()
    server = ServerProcess(database_url=database, port=port).start()
    try:
        page = browser.new_page()
        page.set_default_timeout(20_000)
        _login(page, server.url)
        csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")

        def api(method, path, body=None):
            response = page.request.fetch(f"{server.url}{path}", method=method, data=body,
                                          headers={"X-CSRFToken": csrf, "Referer": server.url})
            assert response.ok, response.text()
            return response.json()

        workflow = api("POST", "/api/workflows/", {"name": "Counting loop", "definition": LOOP})
        run = api("POST", f"/api/workflows/{workflow['id']}/executions/", {"input": {"count": 0}, "speed": 20})
        api("POST", f"/api/executions/{run['id']}/control/", {"command": "continue"})
        for _ in range(100):  # until the server is well into it
            before = api("GET", f"/api/executions/{run['id']}/")
            if before["lastSeq"] > 10:
                break
            page.wait_for_timeout(100)
        assert before["status"] == "RUNNING" and before["mode"] == "continuing" and before["lastSeq"] > 1

        server.kill()
        server = ServerProcess(database_url=database, port=port).start()
        # Nobody opens the run: the restarted server's runner finds it and finishes it.
        for _ in range(300):
            done = api("GET", f"/api/executions/{run['id']}/")
            if done["status"] != "RUNNING":
                break
            page.wait_for_timeout(100)
        page.goto(f"{server.url}/executions/{run['id']}/")
        page.wait_for_selector("body[data-run-status=SUCCEEDED]")
        events = api("GET", f"/api/executions/{run['id']}/events/?after=0")["events"]
        assert [e["id"] for e in events] == list(range(1, done["lastSeq"] + 1))
        assert done["output"] == {"count": 40}
    finally:
        server.stop()
