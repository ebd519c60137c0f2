"""Compare and explain, in Debian's chromium driven by Playwright: a second version saved in the
editor, the compare page's colours, words, side-by-side view and test cases, the review document,
and the editor's Read tab."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from a11y import axe_violations
from chromium import BrowserMixin, needs_chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SAMPLE = Path(__file__).resolve().parents[2] / "designer" / "samples" / "account-application.asl.json"


def version_two() -> dict:
    """The bank sample with one step added, one removed and one Retry changed."""
    v2 = json.loads(SAMPLE.read_text())
    states = v2["States"]
    states["Perform Automated Checks"]["Branches"][0]["States"]["Verify Identity Documents"]["Retry"][0]["MaxAttempts"] = 5
    states["Record Decision"] = {"Type": "Pass", "Next": "Done"}
    states["Notify Applicant"]["Next"] = "Record Decision"
    del states["Checks Could Not Run"]
    states["Perform Automated Checks"]["Catch"][0]["Next"] = "Reject Application"
    return v2


@pytest.mark.browser
@needs_chromium
class CompareTests(BrowserMixin, StaticLiveServerTestCase):
    maxDiff = None
    def setUp(self):
        from designer.samples import samples_load

        self.demo, _ = samples_load()
        self.context = self.browser.new_context(viewport={"width": 1440, "height": 900})
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def tearDown(self):
        self.context.close()
        self.assertEqual(self.errors, [], "the page raised JavaScript errors")

    def login(self):
        self.sign_in(self.page)

    def review_version_two(self):
        from django.contrib.auth import get_user_model

        from designer import services
        from designer.models import Workflow
        from designer.review.comments import comment_create
        from designer.review.reviews import review_answer, review_request

        self.workflow = Workflow.objects.get(owner=self.demo, name="Bank account application")
        get_user_model().objects.create_user(username="rita", password="pw-rita")
        services.membership_set(user=self.demo, workflow=self.workflow, username="rita", role="reviewer")
        rita = get_user_model().objects.get(username="rita")
        request = review_request(user=self.demo, workflow=self.workflow, version=2, reviewers=["rita"])
        review_answer(user=rita, request=request, decision="approved", comment="The new step reads well")
        comment_create(user=rita, workflow=self.workflow, text_="Are 5 tries too many?",
                       state="Verify Identity Documents")

    def fill_of(self, selector: str) -> str:
        return self.page.eval_on_selector(f"{selector} > :is(polygon, path)", "e => getComputedStyle(e).fill")

    def test_compare_two_versions_then_read_the_review_document(self):
        page = self.page
        self.login()
        page.click("text=Bank account application")
        page.wait_for_selector("body[data-editor-ready=true]")

        # Save version 2 through the editor's JSON view.
        page.click("#drawer-toggle")
        page.fill("#json-view", json.dumps(version_two(), indent=2))
        page.wait_for_selector("#graph g.state[data-state='Record Decision']")
        page.fill("#save-message", "Record the decision; no separate failure")
        page.click("#save-version")
        page.wait_for_function("document.getElementById('draft-status').textContent.includes('version 2')")

        # The Read tab tells the workflow in plain words.
        page.click("#tab-read")
        page.wait_for_selector("#read-panel[data-ready=true]")
        read = page.inner_text("#read-panel")
        assert "1.1. Verify Identity Documents: Calls the Lambda function VerifyIdDocs." in read
        assert "it tries again up to 5 times" in read
        page.click("#read-panel li[data-state='Notify Applicant'] .step-name")
        assert page.input_value("#state-name") == "Notify Applicant"
        assert "selected" in page.get_attribute("#read-panel li[data-state='Notify Applicant']", "class")
        page.click("#tab-graph")

        # Version 2 goes to review; a reviewer approves it.
        self.review_version_two()

        # The version list links each version to its comparison with the one before.
        page.click("#versions-link")
        self.assertEqual(axe_violations(page), [], "the version list")
        assert page.get_attribute("tr[data-version='2'] a.compare-link", "href").endswith("/compare/?from=1&to=2")

        # From the review request (the review bar over version 2) to Compare v1 with v2.
        page.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/?version=2")
        page.click("#review-compare")
        page.wait_for_url("**/compare/?from=1&to=2")
        assert page.inner_text("#compare-title") == "Compare v1 with v2"
        assert page.inner_text("#summary") == "1 step added, 1 removed, 3 changed"

        # The colours: added green, changed amber, removed ghosted in red where it was.
        union = "#graph-union g.state"
        assert self.fill_of(f"{union}[data-state='Record Decision']") == "rgb(220, 252, 231)"
        assert self.fill_of(f"{union}[data-state='Verify Identity Documents']") == "rgb(254, 243, 199)"
        assert self.fill_of(f"{union}[data-state='Checks Could Not Run']") == "rgb(254, 226, 226)"
        ghost_opacity = page.eval_on_selector(f"{union}[data-state='Checks Could Not Run']", "e => getComputedStyle(e).opacity")
        assert float(ghost_opacity) < 1
        assert page.query_selector("#graph-union g.edge.edge-catch.diff-removed") is not None
        assert page.query_selector("#graph-union g.edge.edge-catch.diff-added") is not None
        # Notify Applicant's old Next, to a step still there, ghosted beside its new one.
        former = "#graph-union g.edge.edge-next.diff-removed[data-from='Notify Applicant'][data-to='Done']"
        assert "before" in page.text_content(former)
        assert page.query_selector("#graph-union g.edge.edge-next.diff-added[data-from='Notify Applicant']"
                                   "[data-to='Record Decision']") is not None

        # Clicking the changed step says what changed in plain words, the JSON one click away.
        page.click(f"{union}[data-state='Verify Identity Documents']")
        assert "Retry: now tries 5 times instead of 3." in page.inner_text("#inspector-changes")
        assert not page.is_visible("#inspector-raw pre")
        page.click("#inspector-raw summary")
        raw = json.loads(page.inner_text("#inspector-raw pre"))
        assert raw[0]["pointer"].endswith("/Retry/0/MaxAttempts") and (raw[0]["old"], raw[0]["new"]) == (3, 5)

        # The test case whose path changed is highlighted, and its path drawn on the graph.
        page.wait_for_selector("#behaviour-table")
        assert "3 of 3 test cases behave differently." in page.inner_text("#behaviour-summary")
        clean = page.locator("#behaviour-table tr[data-case='CleanApplication']")
        assert "path changed" in clean.inner_text()
        assert "case-changed" in clean.get_attribute("class") and "selected" in clean.get_attribute("class")
        assert "it now goes to 'Record Decision'; in v1 it went to 'Done'" in clean.inner_text()
        assert page.query_selector(f"{union}.path-after[data-state='Record Decision']") is not None
        assert page.query_selector(f"{union}.path-parts[data-state='Notify Applicant']") is not None

        # Side by side: two graphs, panned and zoomed together.
        page.click("#mode-side")
        assert page.is_visible("#graph-old") and page.is_visible("#graph-new") and not page.is_visible("#graph-union")
        before = page.get_attribute("#graph-new svg", "viewBox")
        page.click("#zoom-in")
        page.click("#zoom-in")
        old_box = [float(x) for x in page.get_attribute("#graph-old svg", "viewBox").split()]
        new_box = [float(x) for x in page.get_attribute("#graph-new svg", "viewBox").split()]
        assert page.get_attribute("#graph-new svg", "viewBox") != before
        assert abs(old_box[2] - new_box[2]) < 0.5 and abs(old_box[3] - new_box[3]) < 0.5  # the same scale
        assert "diff-removed" in page.get_attribute("#graph-old g.state[data-state='Checks Could Not Run']", "class")
        assert page.query_selector("#graph-new g.state[data-state='Checks Could Not Run']") is None
        self.assertEqual(axe_violations(page), [], "the compare page, side by side")
        ARTIFACTS.mkdir(exist_ok=True)
        page.click("#mode-union")
        self.assertEqual(axe_violations(page), [], "the compare page, one graph")
        page.screenshot(path=str(ARTIFACTS / "compare.png"))

        # The review document: the version, its words, its test cases and the changes.
        page.click("#review-document-link")
        page.wait_for_selector("#review-document")
        assert page.inner_text("#doc-title") == "Bank account application · version 2"
        assert "Calls the Lambda function VerifyIdDocs." in page.inner_text("#narrative")
        assert "1 step added, 1 removed, 3 changed" in page.inner_text("#doc-changes")
        assert page.locator("#doc-tests-table tbody tr").count() == 3
        assert page.inner_text("#doc-review-status") == "approved"
        approvals = page.inner_text("#doc-approvals")
        assert "rita" in approvals and "approved" in approvals and "The new step reads well" in approvals
        assert "Are 5 tries too many?" in page.inner_text("#doc-threads")
        self.assertEqual(axe_violations(page), [], "the review document")
        page.emulate_media(media="print")
        assert not page.is_visible("#doc-tools") and not page.is_visible(".topbar")
        assert page.is_visible("#doc-graph svg")
