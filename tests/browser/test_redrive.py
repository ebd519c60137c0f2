"""Redrive from the run page in Debian's chromium: the bank sample fails at a Task because of its
mock; the editor changes that step's mocked answer and presses Redrive; a second person watching
the same run sees it go on and succeed live. Served by daphne, so the websockets are real."""
from __future__ import annotations

import json

import pytest
from channels.testing import ChannelsLiveServerTestCase

from a11y import axe_violations
from chromium import BrowserMixin, needs_chromium


@pytest.mark.browser
@needs_chromium
class RedriveTests(BrowserMixin, ChannelsLiveServerTestCase):
    forked_server = True

    def setUp(self):
        self.contexts, self.errors = [], []

    def tearDown(self):
        for context in self.contexts:
            context.close()
        self.assertEqual(self.errors, [], "a page raised JavaScript errors")

    def run_page(self, username, password, url):
        page = self.new_page(username, password)
        page.goto(url)
        page.wait_for_selector("body[data-run-ready=true][data-connection=live]")
        return page

    def failed_run(self):
        """The bank sample's clean application, whose account-creating step the mock makes fail."""
        from django.contrib.auth import get_user_model

        from designer import services, simulation
        from designer.models import Execution, Workflow
        from designer.samples import SAMPLES_DIR, samples_load

        demo, _ = samples_load()
        workflow = Workflow.objects.get(owner=demo, name="Bank account application")
        get_user_model().objects.create_user(username="watcher", password="watcher-pw-123")
        services.membership_set(user=demo, workflow=workflow, username="watcher", role="viewer")
        config = json.loads((SAMPLES_DIR / "account-application.mocks.json").read_text())
        config["MockedResponses"]["PutItemOk"] = {"0": {"Throw": {
            "Error": "DynamoDB.ProvisionedThroughputExceededException", "Cause": "Too many writes"}}}
        execution, _ = simulation.execution_start(
            user=demo, workflow=workflow, mock_config=config, mock_test_case="CleanApplication",
            input=json.loads((SAMPLES_DIR / "account-application.input.json").read_text()), seed=11)
        for _ in range(100):  # stepped, not continued: the server's runner leaves a paused run alone
            execution = Execution.objects.get(pk=execution.pk)
            if execution.status != "RUNNING":
                break
            simulation.execution_step(user=demo, execution=execution)
        self.assertEqual(execution.status, "FAILED")
        return execution

    def test_change_the_failed_steps_answer_redrive_and_a_second_page_sees_it_live(self):
        execution = self.failed_run()
        url = f"{self.live_server_url}/executions/{execution.pk}/"
        driver = self.run_page("demo", "statewise-demo", url)
        watcher = self.run_page("watcher", "watcher-pw-123", url)
        self.assertTrue(driver.is_visible("#btn-redrive") and driver.is_enabled("#btn-redrive"))
        self.assertIn("Run again from the step that failed", driver.text_content("#redrive-panel"))
        self.assertTrue(watcher.is_visible("#redrive-panel") and not watcher.is_visible("#btn-redrive"),
                        "a viewer sees the panel but has no button")

        driver.click("#redrive-change summary")
        self.assertEqual(driver.input_value("#redrive-state"), "Approve Application")
        prefilled = json.loads(driver.input_value("#redrive-response"))
        self.assertEqual(prefilled["0"]["Throw"]["Error"], "DynamoDB.ProvisionedThroughputExceededException")
        self.assertEqual(axe_violations(driver), [], "the run page, its redrive form open")
        driver.fill("#redrive-response", '{"0": {"Return": {"created": true}}}')
        driver.click("#btn-redrive")

        for page in (driver, watcher):
            page.wait_for_selector("body[data-run-status=SUCCEEDED]")
            page.wait_for_selector("#redrive-log li:has-text('Approve Application')")
        driver.wait_for_function(
            f"Number(document.body.dataset.lastSeq) === {int(watcher.get_attribute('body', 'data-last-seq'))}")
        rows = {page: page.eval_on_selector_all("#history-body tr.event", "rows => rows.map(r => [...r.cells]"
                                                ".map(c => c.textContent))") for page in (driver, watcher)}
        self.assertEqual(rows[driver], rows[watcher])
        types = [r[1] for r in rows[watcher]]
        redriven = types.index("ExecutionRedriven")
        self.assertEqual(types[redriven - 1], "ExecutionFailed")  # the same history, appended to
        self.assertEqual(rows[watcher][redriven][3], "The run started again where it failed")
        self.assertEqual(rows[watcher][redriven + 1][1:3], ["TaskStateEntered", "Approve Application"])
        self.assertEqual(types[-1], "ExecutionSucceeded")
        self.assertEqual([int(r[0]) for r in rows[watcher]], list(range(1, len(types) + 1)))
        self.assertIn("demo redrove the run", watcher.text_content("#redrive-log"))
        self.assertTrue(watcher.is_hidden("#redrive-form") and driver.is_hidden("#redrive-form"))
        self.assertIn(["TaskSucceeded", "Approve Application"], [r[1:3] for r in rows[watcher][redriven:]])
        self.assertEqual(watcher.get_attribute('#graph g.state[data-state="Approve Application"]', "data-run-status"),
                         "succeeded")
