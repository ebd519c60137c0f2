"""Live simulation in Debian's chromium: two people watch the bank sample's flagged application;
one plays the reviewer. Served by daphne (ChannelsLiveServerTestCase), so websockets are real."""
from __future__ import annotations

import json
import re

import pytest
from channels.testing import ChannelsLiveServerTestCase

from a11y import axe_violations
from chromium import BrowserMixin, needs_chromium

STAGE_LABELS = ["Input", "After InputPath", "After Parameters", "Result", "After ResultSelector",
                "After ResultPath", "Output"]


@pytest.mark.browser
@needs_chromium
class LiveSimulationTests(BrowserMixin, ChannelsLiveServerTestCase):
    forked_server = True

    def setUp(self):
        from django.contrib.auth import get_user_model

        from designer import services
        from designer.models import Workflow
        from designer.samples import samples_load

        self.demo, _ = samples_load()
        self.workflow = Workflow.objects.get(owner=self.demo, name="Bank account application")
        watcher = get_user_model().objects.create_user(username="watcher", password="watcher-pw-123")
        services.membership_set(user=self.demo, workflow=self.workflow, username=watcher.username, role="viewer")
        self.contexts, self.errors = [], []

    def tearDown(self):
        for context in self.contexts:
            context.close()
        self.assertEqual(self.errors, [], "a page raised JavaScript errors")

    # --- helpers ---
    def new_page(self, username, password):
        return super().new_page(username, password, accept_downloads=True)

    def start_run_from_editor(self, page, test_case):
        page.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/")
        page.wait_for_selector("body[data-editor-ready=true]")
        page.click("#simulate summary")
        page.select_option("#simulate-test-case", label=test_case)
        self.assertTrue(page.is_checked("#simulate-manual"), "callbacks are answered by hand by default")
        self.assertIn('"app-1042"', page.input_value("#simulate-input"))
        page.click("#simulate-start")
        page.wait_for_url("**/executions/*/")
        self.wait_live(page)
        return page.url

    def wait_live(self, page):
        page.wait_for_selector("body[data-run-ready=true][data-connection=live]")

    def colours(self, page) -> dict:
        return page.eval_on_selector_all(
            "#graph g.state", "nodes => Object.fromEntries(nodes.map(n => [n.dataset.state, "
            "[n.dataset.runStatus || '', n.classList.contains('current')]]))")

    def history(self, page) -> list:
        return page.eval_on_selector_all("#history-body tr.event",
                                         "rows => rows.map(r => [...r.cells].map(c => c.textContent))")

    def last_seq(self, page) -> int:
        return int(page.get_attribute("body", "data-last-seq") or 0)

    def wait_same(self, a, b):
        """Both pages show the same run, once the same number of events arrived."""
        page_seq = self.last_seq(a)
        b.wait_for_function(f"Number(document.body.dataset.lastSeq) === {page_seq}")
        self.assertEqual(self.colours(a), self.colours(b))
        self.assertEqual(self.history(a), self.history(b))

    def node(self, page, name):
        return page.locator(f'#graph g.state[data-state="{name}"]')

    # --- tests ---
    def test_a_map_runs_counts_move_on_the_page_as_its_children_run(self):
        from designer import services, simulation

        workflow = services.workflow_create(owner=self.demo, name="Fan out", definition={
            "StartAt": "Fan", "States": {"Fan": {
                "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 5, "End": True,
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                  "StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 30,
                                                                           "End": True}}}}}})
        execution, _ = simulation.execution_start(user=self.demo, workflow=workflow, seed=1,
                                                  input={"items": list(range(30))})
        page = self.new_page("demo", "statewise-demo")
        page.goto(f"{self.live_server_url}/executions/{execution.pk}/")
        self.wait_live(page)
        self.assertFalse(page.is_visible("#map-runs-panel"), "no Map Run yet")
        for _ in range(3):  # enter the state, start it, start the Map Run
            page.click("#btn-step")
            page.wait_for_function("!document.querySelector('#btn-step').disabled")
        page.wait_for_selector("#map-runs-panel:not([hidden])")
        page.click("#btn-step")  # one child moves: it sleeps, nothing succeeded yet
        page.wait_for_selector("#map-runs li:has-text('0 of 30 child executions succeeded, 5 running')")
        page.click("#btn-continue")
        page.wait_for_selector("body[data-run-status=SUCCEEDED]")
        self.assertIn("30 of 30 child executions succeeded, 0 running, 0 failed", page.text_content("#map-runs"))
        self.assertIn("SUCCEEDED", page.text_content("#map-runs .badge"))

    def test_two_pages_watch_a_reviewer_approve(self):
        driver = self.new_page("demo", "statewise-demo")
        url = self.start_run_from_editor(driver, "FlaggedAddressApprovedByReviewer")
        watcher = self.new_page("watcher", "watcher-pw-123")
        watcher.goto(url)
        self.wait_live(watcher)
        self.assertTrue(watcher.is_disabled("#btn-step"), "a viewer cannot control the run")

        # Step, one transition at a time, until the run waits for the reviewer.
        for _ in range(40):
            if driver.is_visible("#callback-panel"):
                break
            before = self.last_seq(driver)
            driver.click("#btn-step")
            driver.wait_for_function(f"Number(document.body.dataset.lastSeq) > {before}")
        self.assertTrue(driver.is_visible("#callback-panel"), "the run never waited for the review")
        watcher.wait_for_selector("#callback-panel:not([hidden])")
        self.wait_same(driver, watcher)
        driver.click("#history-pane > summary")
        self.assertEqual(axe_violations(driver), [], "the run page, waiting for a person, history open")
        colours = self.colours(watcher)
        self.assertEqual(colours["Wait For Review"], ["waiting", True])
        self.assertEqual(colours["Check Address"][0], "succeeded")
        self.assertEqual(colours["Approve Application"], ["", False])
        self.assertTrue(watcher.is_disabled(".callback-approve"))

        # The reviewer approves; the run goes on to the end.
        panel = driver.text_content("#callback-panel")
        self.assertIn("Answer for this step", panel)
        self.assertNotIn("token", driver.inner_text("#callback-panel").lower())  # only under "Technical details"
        driver.fill(".callback-output", '{"approved": true, "reviewer": "stakeholder"}')
        driver.click(".callback-approve")
        watcher.wait_for_selector("#callback-panel", state="hidden")
        driver.click("#btn-continue")
        for page in (driver, watcher):
            page.wait_for_selector("body[data-run-status=SUCCEEDED]")
        self.wait_same(driver, watcher)
        colours = self.colours(driver)
        for name in ("Perform Automated Checks", "Human Review Required?", "Wait For Review", "Review Approved?",
                     "Approve Application", "Notify Applicant", "Done"):
            self.assertEqual(colours[name][0], "succeeded", name)
        self.assertEqual(colours["Reject Application"][0], "")
        rows = self.history(watcher)
        self.assertEqual(rows[0][:3], ["1", "ExecutionStarted", ""])
        self.assertEqual(rows[-1][1], "ExecutionSucceeded")
        self.assertIn(["TaskSucceeded", "Wait For Review", "The service answered", "lambda:invoke.waitForTaskToken"],
                      [r[1:5] for r in rows])
        # The history in words: where each Choice went and why; elapsed time in human units, simulated.
        said = [r[3] for r in rows]
        self.assertIn("Went to ‘Wait For Review’ because flagged (first of checks) is true or flagged (second of checks) "
                      "is true", said)
        self.assertIn("Went to ‘Approve Application’ because review decision approved is true", said)
        self.assertEqual(said[0], "The run started")
        units = re.compile(r"\d+(\.\d+)? s|\d+ min( \d+ s)?|\d+ h( \d+ min)?|\d+ days?( \d+ h)?")
        self.assertTrue(all(units.fullmatch(r[5]) for r in rows), [r[5] for r in rows])
        self.assertIn("Elapsed (simulated)", watcher.text_content("#history thead"))
        self.assertEqual([int(r[0]) for r in rows], list(range(1, len(rows) + 1)))

        # Details expand; the export is GetExecutionHistory's shape.
        watcher.click("#history-pane > summary")
        watcher.click('#history-body tr.event[data-id="1"]')
        self.assertIn('"app-1042"', watcher.text_content("#history-body tr.event-details pre"))
        exported = json.loads(watcher.request.get(self.live_server_url + watcher.get_attribute("#export", "href")).text())
        self.assertEqual(len(exported["events"]), len(rows))
        self.assertEqual(exported["events"][-1]["type"], "ExecutionSucceeded")
        approved = [e for e in exported["events"] if e["type"] == "TaskSucceeded"
                    and "waitForTaskToken" in e["taskSucceededEventDetails"]["resource"]]
        self.assertEqual(json.loads(approved[0]["taskSucceededEventDetails"]["output"]),
                         {"approved": True, "reviewer": "stakeholder"})

    def test_a_breakpoint_stops_a_continuing_run_and_the_inspector_shows_stages(self):
        driver = self.new_page("demo", "statewise-demo")
        self.start_run_from_editor(driver, "CleanApplication")
        self.node(driver, "Approve Application").click()
        driver.click("#breakpoint-toggle")
        driver.wait_for_selector('#graph g.state.breakpoint[data-state="Approve Application"]')
        driver.select_option("#speed", "5")  # slow enough to watch, quick enough for a test
        driver.wait_for_function("document.querySelector('#speed').value === '5'")
        driver.click("#btn-continue")
        driver.wait_for_selector("#stop-reason:has-text('breakpoint: Approve Application')")
        self.assertEqual(driver.get_attribute("body", "data-run-status"), "RUNNING")
        self.assertEqual(self.colours(driver)["Approve Application"], ["", True])
        self.assertEqual(self.colours(driver)["Human Review Required?"][0], "succeeded")

        # The inspector: the Parallel state's data flow under TestState's stage names.
        self.node(driver, "Perform Automated Checks").click()
        driver.wait_for_selector("#inspector .stages")
        labels = driver.eval_on_selector_all("#inspector .stages dt", "dts => dts.map(d => d.textContent)")
        self.assertEqual(labels, STAGE_LABELS)
        after_result_path = json.loads(driver.text_content('#inspector pre[data-stage="afterResultPath"]'))
        self.assertEqual(after_result_path["checks"], [{"flagged": False, "reason": None}] * 2)
        self.assertEqual(after_result_path["application"]["id"], "app-1042")

        # Shift-click toggles a breakpoint straight from the graph.
        self.node(driver, "Notify Applicant").click(modifiers=["Shift"])
        driver.wait_for_selector('#graph g.state.breakpoint[data-state="Notify Applicant"]')
        self.node(driver, "Notify Applicant").click(modifiers=["Shift"])
        driver.wait_for_selector('#graph g.state.breakpoint[data-state="Notify Applicant"]', state="detached")
        driver.select_option("#speed", "0")
        driver.wait_for_function("document.querySelector('#speed').value === '0'")
        driver.click("#btn-continue")
        driver.wait_for_selector("body[data-run-status=SUCCEEDED]")
        self.assertEqual(self.colours(driver)["Approve Application"][0], "succeeded")

    def test_the_page_works_without_javascript(self):
        from designer import simulation
        from designer.models import TestCase

        context = self.browser.new_context(java_script_enabled=False)
        self.contexts.append(context)
        page = context.new_page()
        self.sign_in(page)
        tc = TestCase.objects.get(workflow=self.workflow, name="FlaggedAddressApprovedByReviewer")
        execution, _ = simulation.execution_start(user=self.demo, workflow=self.workflow, test_case_id=tc.pk)
        page.goto(f"{self.live_server_url}/executions/{execution.pk}/")
        # Each control is a plain form post: wait for its page to load before reading or reloading.
        with page.expect_navigation():
            page.click("#btn-continue")  # the server goes on in the background
        for _ in range(50):  # without scripts, the page shows what was true when it was drawn
            if page.is_visible("#callback-panel button[value=send_task_success]"):
                break
            page.wait_for_timeout(100)
            page.reload()
        page.wait_for_selector("#callback-panel:not([hidden]) button[value=send_task_success]")
        with page.expect_navigation():
            page.click("#callback-panel button[value=send_task_success]")
        with page.expect_navigation():
            page.click("#btn-continue")
        for _ in range(50):
            execution.refresh_from_db()
            if execution.status != "RUNNING":
                break
            page.wait_for_timeout(100)
        self.assertEqual(execution.status, "SUCCEEDED")
        page.reload()
        self.assertEqual(page.text_content("#run-status").strip(), "SUCCEEDED")
        self.assertIn("ExecutionSucceeded", page.text_content("#history-body"))

    def test_nothing_is_stale_saving_then_simulating_and_run_lists_update_live(self):
        watcher = self.new_page("demo", "statewise-demo")
        watcher.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/")
        watcher.wait_for_selector("body[data-editor-ready=true]")
        watcher.click("#simulate summary")
        watcher.wait_for_selector("#recent-runs[data-live=true]", state="attached")
        self.assertTrue(watcher.locator("[data-runs-box]").is_hidden(), "no runs yet")

        # Save a new version, then simulate at once: the run is of the version just saved.
        driver = self.new_page("demo", "statewise-demo")
        driver.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/")
        driver.wait_for_selector("body[data-editor-ready=true]")
        self.node(driver, "Done").click()
        driver.fill("#inspector [data-key=Comment]", "The account is open.")
        driver.press("#inspector [data-key=Comment]", "Tab")
        driver.fill("#save-message", "A note on Done")
        driver.click("#save-version")
        driver.wait_for_selector("#version-badge:has-text('version 2')")
        driver.click("#simulate summary")
        self.assertEqual(driver.text_content("#simulate-start").strip(), "Start run of version 2")
        driver.select_option("#simulate-test-case", label="CleanApplication")
        driver.click("#simulate-start")
        driver.wait_for_url("**/executions/*/")
        self.wait_live(driver)
        self.assertIn("version 2", driver.text_content("header"))

        # The other page's run list shows the new run and follows it to the end, without a reload.
        run = watcher.locator("#recent-runs li").first
        run.wait_for()
        self.assertIn("CleanApplication · v2", run.inner_text())
        driver.click("#btn-continue")
        driver.wait_for_selector("body[data-run-status=SUCCEEDED]")
        watcher.wait_for_selector("#recent-runs li[data-status=SUCCEEDED] .badge:has-text('succeeded')")
        # The run's own page lists it as the current one, with its status as it is now.
        driver.wait_for_selector("#recent-runs li[data-status=SUCCEEDED] a[aria-current=page]")

    def test_a_renamed_step_keeps_the_shipped_test_case_running(self):
        from designer import simulation

        # A test case whose mocks name a step the workflow no longer has.
        shipped = self.workflow.test_cases.get(name="CleanApplication")
        config = shipped.mock_config
        config["StateMachines"]["account-application"]["TestCases"]["CleanApplication"]["Send Welcome Pack"] = \
            "PublishOk"
        stale = simulation.test_case_create(user=self.demo, workflow=self.workflow, name="Welcome pack",
                                            input=shipped.input, mock_config=config,
                                            mock_test_case="CleanApplication")
        page = self.new_page("demo", "statewise-demo")
        page.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/")
        page.wait_for_selector("body[data-editor-ready=true]")

        # Rename a step the shipped test case mocks, and save.
        self.node(page, "Approve Application").click()
        page.fill("#state-name", "Open The Account")
        page.press("#state-name", "Tab")
        self.node(page, "Open The Account").wait_for(state="visible")
        page.fill("#save-message", "Say what the step does")
        page.click("#save-version")
        page.wait_for_selector("#version-badge:has-text('version 2')")

        # Choosing the stale test case warns before any run, in words, and one click fixes it.
        page.click("#simulate summary")
        page.select_option("#simulate-test-case", label="Welcome pack")
        warning = page.locator("#simulate-fit li[data-code=MOCKED_STATE_MISSING]")
        warning.wait_for()
        self.assertIn("'Send Welcome Pack', which is not a step of version 2", warning.inner_text())
        self.assertFalse(warning.locator("details").evaluate("d => d.open"), "the code is one click away")
        self.assertEqual(axe_violations(page), [], "the simulate panel with a warning")
        warning.locator("button.fit-fix:has-text('Remove the mock for')").click()
        page.wait_for_selector("#simulate-fit[data-count='0']", state="attached")
        self.assertTrue(page.locator("#simulate-fit").is_hidden())
        stale.refresh_from_db()
        self.assertNotIn("Send Welcome Pack", json.dumps(stale.mock_config["StateMachines"]))

        # The shipped test case followed the rename: nothing to warn about, and it runs to the end.
        page.select_option("#simulate-test-case", label="CleanApplication")
        page.wait_for_selector(f"#simulate-fit[data-test-case='{shipped.pk}'][data-count='0']", state="attached")
        self.assertEqual(page.text_content("#simulate-start").strip(), "Start run of version 2")
        page.click("#simulate-start")
        page.wait_for_url("**/executions/*/")
        self.wait_live(page)
        page.click("#btn-continue")
        page.wait_for_selector("body[data-run-status=SUCCEEDED]")
        self.assertEqual(self.colours(page)["Open The Account"][0], "succeeded")

    def test_a_failed_run_is_explained_in_words(self):
        driver = self.new_page("demo", "statewise-demo")
        driver.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/")
        driver.wait_for_selector("body[data-editor-ready=true]")
        driver.click("#simulate summary")
        driver.select_option("#simulate-test-case", index=0)  # no mocks, my input only
        driver.click("#simulate-json-toggle")
        driver.fill("#simulate-input", '{"application": {"id": "a-1"}}')
        driver.click("#simulate-start")
        driver.wait_for_url("**/executions/*/")
        self.wait_live(driver)
        driver.click("#btn-continue")
        driver.wait_for_selector("body[data-run-status=FAILED]")
        explanation = driver.text_content("#result .explanation")
        self.assertIn("needed the field `application.name` in its input, and there was none", explanation)
        self.assertFalse(driver.is_visible("#result .aws-error dd code"))
        driver.click("#result .aws-error summary")
        self.assertEqual(driver.text_content("#result .aws-error dd code"), "States.Runtime")
        self.assertIn("could not be found in the input", driver.text_content("#result .aws-error .cause"))

    def test_importing_a_template_offers_its_placeholders_then_it_runs_as_express(self):
        # Issue 10: a SAM template (states named Yes/No, placeholders, Type: EXPRESS) imported through the
        # import page, its placeholders filled or kept, then simulated as the Express workflow it declares.
        template = (
            "Transform: AWS::Serverless-2016-10-31\n"
            "Resources:\n"
            "  Checker: {Type: AWS::Serverless::Function, Properties: {FunctionName: checker}}\n"
            "  Approval:\n"
            "    Type: AWS::Serverless::StateMachine\n"
            "    Properties:\n"
            "      Type: EXPRESS\n"
            "      DefinitionSubstitutions: {CheckerArn: !GetAtt Checker.Arn, Greeting: hello}\n"
            "      Definition:\n"
            "        StartAt: Approved?\n"
            "        States:\n"
            "          Approved?:\n"
            "            Type: Choice\n"
            "            Choices: [{Variable: $.ok, BooleanEquals: true, Next: Yes}]\n"
            "            Default: No\n"
            "          Yes: {Type: Pass, Result: '${Greeting}', End: true}\n"
            "          No: {Type: Task, Resource: '${CheckerArn}', End: true}\n")
        page = self.new_page("demo", "statewise-demo")
        page.goto(f"{self.live_server_url}/workflows/import/")
        page.fill("textarea[name=text]", template)
        page.click("#import-upload button[type=submit]")
        page.wait_for_selector("#placeholders")
        rows = page.locator("#placeholders tbody tr")
        self.assertEqual([rows.nth(i).get_attribute("data-placeholder") for i in range(rows.count())],
                         ["Greeting", "CheckerArn"])
        self.assertEqual(page.input_value("[aria-label='Value for ${CheckerArn}']"),
                         "arn:aws:lambda:us-east-1:123456789012:function:checker")
        self.assertIn("Express", page.text_content("#import-review"))
        self.assertEqual(axe_violations(page), [], "the import page listing placeholders")
        page.fill("[aria-label='Value for ${Greeting}']", "bonjour")
        page.check("[aria-label='Keep ${CheckerArn} as written']")
        page.fill("input[name=name]", "Approval")
        page.click("#import-confirm")
        page.wait_for_url(re.compile(r".*/workflows/\d+/$"))
        page.wait_for_selector("body[data-editor-ready=true]")
        workflow_id = re.search(r"/workflows/(\d+)/", page.url).group(1)
        version = page.request.get(f"{self.live_server_url}/api/workflows/{workflow_id}/versions/1/").json()
        self.assertEqual(version["definition"]["States"]["Yes"]["Result"], "bonjour")
        self.assertEqual(version["definition"]["States"]["No"]["Resource"], "${CheckerArn}")
        page.click("#simulate summary")
        self.assertEqual(page.input_value("#simulate-type"), "EXPRESS")
        page.click("#simulate-json-toggle")
        page.fill("#simulate-input", '{"ok": true}')
        page.click("#simulate-start")
        page.wait_for_url("**/executions/*/")
        self.wait_live(page)
        self.assertTrue(page.is_visible("#run-type"))
        page.click("#btn-continue")
        page.wait_for_selector("#run-status:text('SUCCEEDED')")
