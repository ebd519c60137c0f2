"""Issue 13 point 5 in Debian's chromium: three real-world-style workflows (tests/realworld, the
project's own) imported through the import page and simulated to an end with nothing but the
proposed starting input and default answers: a Distributed Map over S3, a job poller and a
JSONata workflow whose one Task is answered in the callback panel ("Stop and ask me")."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from channels.testing import ChannelsLiveServerTestCase

from chromium import BrowserMixin, needs_chromium

CORPUS = Path(__file__).resolve().parents[1] / "realworld"


@pytest.mark.browser
@needs_chromium
class SimulateWithoutJsonTests(BrowserMixin, ChannelsLiveServerTestCase):
    forked_server = True

    def setUp(self):
        from django.contrib.auth import get_user_model

        get_user_model().objects.create_user(username="ana", password="ana-pw-12345")
        self.errors: list[str] = []
        self.context = self.browser.new_context(viewport={"width": 1440, "height": 900})
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.sign_in(self.page, "ana", "ana-pw-12345")

    def tearDown(self):
        self.context.close()
        self.assertEqual(self.errors, [], "a page raised JavaScript errors")

    def import_and_propose(self, filename: str, name: str) -> None:
        page = self.page
        page.goto(f"{self.live_server_url}/workflows/import/")
        page.fill("textarea[name=text]", (CORPUS / filename).read_text())
        page.click("#import-upload button[type=submit]")
        page.wait_for_selector("#import-confirm, body[data-editor-ready=true]")
        if page.is_visible("#import-confirm"):
            page.fill("#import-review input[name=name], form:has(#import-confirm) input[name=name]", name)
            page.click("#import-confirm")
        page.wait_for_url(re.compile(r".*/workflows/\d+/$"))
        page.wait_for_selector("body[data-editor-ready=true]")
        page.click("#simulate summary")
        page.wait_for_selector("#start-input[data-proposed=true]")

    def field(self, path: str):
        return self.page.locator(f"#start-fields input[data-path='{path}']")

    def start_and_continue(self) -> None:
        page = self.page
        page.click("#simulate-start")
        page.wait_for_url("**/executions/*/")
        page.wait_for_selector("body[data-run-ready=true][data-connection=live]")
        page.click("#btn-continue")

    def test_three_imported_workflows_run_to_an_end_without_writing_json(self):
        page = self.page
        # 1. A Distributed Map over a CSV object in S3 that nobody mocked: made-up rows, said so.
        self.import_and_propose("asl-distributed-map-csv.asl.json", "Catalogue re-pricing")
        self.assertEqual(self.field("$.feedKey").get_attribute("type"), "text")
        self.assertIn("made-up", page.text_content("#start-note"))
        self.assertTrue(page.is_checked("input[name=unmocked][value=return_input]"))
        # the form and the JSON stay in sync
        self.field("$.feedKey").fill("feeds/today.csv")
        self.assertEqual(json.loads(page.input_value("#simulate-input"))["feedKey"], "feeds/today.csv")
        self.start_and_continue()
        page.wait_for_selector("body[data-run-status=SUCCEEDED]")

        # 2. A job poller: the check's answer says the job finished, so the run leaves the loop.
        self.import_and_propose("asl-sync-poller-glue-crawler.asl.json", "Table export")
        self.assertEqual(self.field("$.pollSeconds").get_attribute("type"), "number")
        self.assertIn("reaches 'Exported'", page.text_content("#start-note"))
        self.start_and_continue()
        page.wait_for_selector("body[data-run-status=SUCCEEDED]")

        # 3. JSONata, its one Task asked of the person running it, answered once.
        self.import_and_propose("asl-jsonata-http-enrichment.asl.json", "Company enrichment")
        self.assertEqual(self.field("$.domain").input_value(), "domain-1")
        page.check("input[name=unmocked][value=ask]")
        self.start_and_continue()
        page.wait_for_selector("#callback-panel:not([hidden])")
        answer = json.loads(page.input_value(".callback-form[data-state='Call the partner API'] .callback-output"))
        self.assertGreaterEqual(answer["ResponseBody"]["size"]["employees"], 50)  # what the workflow reads
        page.click(".callback-approve")
        page.wait_for_selector("#callback-panel", state="hidden")
        page.click("#btn-continue")
        page.wait_for_selector("body[data-run-status=SUCCEEDED]")
