"""Test suites in the editor, as a team uses them on the bank sample: expectations in plain words,
one button to run them, coverage on the graph, a suggested case saved, a broken rule caught."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from chromium import BrowserMixin, needs_chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.mark.browser
@needs_chromium
class SuiteJourney(BrowserMixin, StaticLiveServerTestCase):
    def setUp(self):
        from designer.samples import samples_load

        samples_load()
        self.context = self.browser.new_context(viewport={"width": 1440, "height": 900})
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def tearDown(self):
        self.context.close()
        self.assertEqual(self.errors, [], "the page raised JavaScript errors")

    def case(self, name: str):
        return self.page.locator(f'.test-result[data-case="{name}"]')

    def expectations(self, name: str):
        self.case(name).locator(".edit-expectations").click()
        return self.case(name).locator("form.expectations-form")

    def run_tests(self, summary: str):
        self.page.click("#run-tests")
        self.page.wait_for_selector(f"#tests-summary:text-is('{summary}')")

    def edge(self, edge_id: str):
        from designer.graph import edge_dom_id

        return self.page.locator(f"#graph #{edge_dom_id(edge_id)}")

    def test_expectations_run_coverage_suggestion_and_a_broken_rule(self):
        page = self.page
        self.sign_in(page)
        page.click("text=Bank account application")
        page.wait_for_selector("body[data-editor-ready=true] #graph g.state")
        page.click("#tests > summary")
        page.wait_for_selector('.test-result[data-case="CleanApplication"]')

        # Expectations on the three shipped test cases, in plain words.
        form = self.expectations("CleanApplication")
        form.locator("select[name=neverEnters]").select_option(["Wait For Review"])
        form.locator(".save-expectations").click()
        page.wait_for_selector('.test-result[data-case="CleanApplication"] .words:has-text("never enter")')
        form = self.expectations("FlaggedAddressApprovedByReviewer")
        form.locator("select[name=outputMode]").select_option("contains")
        form.locator("input[name=output]").fill("reviewDecision.approved: true")
        form.locator("select[name=passesThrough]").select_option(["Wait For Review"])
        form.locator(".save-expectations").click()
        page.wait_for_selector('.test-result[data-case="FlaggedAddressApprovedByReviewer"] '
                               '.words:has-text("output should contain")')
        form = self.expectations("IdentityServiceThrottledThenOk")
        form.locator("input[name=maxTransitions]").fill("7")
        form.locator(".save-expectations").click()
        page.wait_for_selector('.test-result[data-case="IdentityServiceThrottledThenOk"] .words:has-text("at most 7")')
        # A bad expectation is refused, naming the field.
        form = self.expectations("IdentityServiceThrottledThenOk")
        form.locator(".expectations-json").evaluate("(t, v) => { t.closest('details').open = true; t.value = v; }",
                                                     json.dumps({"expect": {"path": ["Nowhere"]}}))
        form.locator(".save-json").click()
        page.wait_for_selector(".form-error:has-text(\"There is no step called 'Nowhere'\")")
        self.assertIn("expectations/expect/path/0", form.locator(".form-error").inner_text())

        # One button runs them: 3/3 pass, the coverage drawn on the graph.
        self.run_tests("3/3 pass")
        # ...and the review bar (what a reviewer of this version sees) says so, live.
        page.wait_for_function("document.getElementById('review-tests').textContent === 'Test cases: 3/3 pass'")
        self.assertIn("steps 9/11", page.inner_text("#coverage-summary"))
        self.assertIn("paths 8/13", page.inner_text("#coverage-summary"))
        self.assertEqual(page.inner_text("#coverage-badge"), "Tests cover 81.8 % of the steps and 61.5 % of the paths")
        rule = self.edge("choice.0:Human Review Required?")
        self.assertIn("cov-uncovered", rule.get_attribute("class"))
        self.assertIn("cov-covered", self.edge("choice.1:Human Review Required?").get_attribute("class"))
        dash = rule.locator("path").evaluate("p => getComputedStyle(p).strokeDasharray")
        self.assertNotEqual(dash, "none")
        never = page.locator('#graph g.state[data-state="Checks Could Not Run"]')
        self.assertIn("cov-state-uncovered", never.get_attribute("class"))
        self.assertIn("layer-coverage", never.get_attribute("class"))  # the graph's style layer
        flagged = self.case("FlaggedAddressApprovedByReviewer")
        self.assertIn("Wait For Review", flagged.locator(".path").inner_text())

        # A suggested test case for the uncovered rule, saved in one click; coverage rises.
        page.click("#suggest-tests")
        suggestion = page.locator('.suggestion[data-target="choice.0:Human Review Required?"]')
        suggestion.wait_for()
        self.assertIn("Payload.flagged", suggestion.inner_text())
        suggestion.locator(".save-suggestion").click()
        page.wait_for_selector('.test-result[data-case="Human Review Required?: rule 1"]')
        self.run_tests("4/4 pass")
        self.assertIn("paths 9/13", page.inner_text("#coverage-summary"))
        self.assertIn("cov-covered", rule.get_attribute("class"))
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "suites.png"), full_page=False)

        # Break a Choice rule in the editor: the suite fails, the expectation named in words.
        page.click("#tests > summary")  # the panel folds away from the JSON view
        if page.get_attribute("#drawer-toggle", "aria-expanded") != "true":
            page.click("#drawer-toggle")
        definition = json.loads(page.input_value("#json-view"))
        definition["States"]["Human Review Required?"]["Choices"][1]["Next"] = "Approve Application"
        page.fill("#json-view", json.dumps(definition, indent=2))
        page.wait_for_function("() => !document.querySelector('#json-view').classList.contains('invalid')")
        page.click("#tests > summary")
        self.run_tests("3/4 pass")
        self.assertEqual(flagged.locator(".first-failure").inner_text(),
                         ": expected the run to pass through 'Wait For Review', but it never entered it")
        self.assertIn("Save a version to open", flagged.inner_text())

        # Back to the saved version: open a case's run in the simulator.
        page.goto(re.sub(r"[?#].*", "", page.url))
        page.wait_for_selector("body[data-editor-ready=true] #graph g.state")
        page.evaluate("async () => { await fetch(location.pathname.replace('/workflows/', '/api/workflows/') + 'draft/', "
                      "{method: 'DELETE', headers: {'X-CSRFToken': document.cookie.match(/csrftoken=([^;]+)/)[1]}}); }")
        page.reload()
        page.wait_for_selector("body[data-editor-ready=true] #graph g.state")
        page.click("#tests > summary")
        page.wait_for_selector("#tests-summary:text-is('4/4 pass')")
        self.case("FlaggedAddressApprovedByReviewer").locator(".open-run").click()
        page.wait_for_url("**/executions/*/")
        page.wait_for_selector("text=SUCCEEDED")

        # The version list says how the last suite went, and offers the bundle.
        from designer.models import Workflow

        workflow = Workflow.objects.get(name="Bank account application")
        page.goto(f"{self.live_server_url}/workflows/{workflow.pk}/versions/")
        versions = page.locator("#version-table tr[data-version='1']")
        self.assertEqual(versions.locator("td.suite").inner_text(), "4/4 pass")
        self.assertEqual(page.inner_text("#review-tests"), "Test cases: 4/4 pass")
        self.assertIsNotNone(versions.locator("a.bundle").get_attribute("href"))
