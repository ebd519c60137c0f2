"""The editor as a new user meets it, in Debian's chromium driven by Playwright."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from a11y import axe_violations
from chromium import BrowserMixin, needs_chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SAMPLE = Path(__file__).resolve().parents[2] / "designer" / "samples" / "account-application.asl.json"


def _all_state_names(machine: dict) -> list[str]:
    names = []
    for name, state in machine["States"].items():
        names.append(name)
        for branch in state.get("Branches", []):
            names += _all_state_names(branch)
        if "ItemProcessor" in state:
            names += _all_state_names(state["ItemProcessor"])
    return names


def _renamed(definition: dict, old: str, new: str) -> dict:
    """What the editor should produce: the key renamed in place, every reference following it."""
    text = json.dumps(definition)
    data = json.loads(text)
    data["States"] = {new if k == old else k: v for k, v in data["States"].items()}
    for state in data["States"].values():
        for key in ("Next", "Default"):
            if state.get(key) == old:
                state[key] = new
        for item in state.get("Choices", []) + state.get("Catch", []):
            if item.get("Next") == old:
                item["Next"] = new
    return data


@pytest.mark.browser
@needs_chromium
class EditorTests(BrowserMixin, StaticLiveServerTestCase):
    def setUp(self):
        from designer.samples import samples_load

        self.demo, _ = samples_load()
        self.context = self.browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def tearDown(self):
        self.context.close()
        self.assertEqual(self.errors, [], "the page raised JavaScript errors")

    # --- helpers ---
    def login(self, username="demo", password="statewise-demo"):
        self.sign_in(self.page, username, password)

    def open_bank_sample(self):
        self.page.click("text=Bank account application")
        self.wait_ready()

    def wait_ready(self):
        self.page.wait_for_selector("body[data-editor-ready=true] #graph g.state")

    def node(self, name):
        return self.page.locator(f'#graph g.state[data-state="{name}"]')

    def json_view(self) -> dict:
        return json.loads(self.page.input_value("#json-view"))

    def wait_json(self, predicate, message):
        for _ in range(50):
            if predicate(self.json_view()):
                return
            self.page.wait_for_timeout(100)
        self.fail(message)

    def label_sizes(self) -> list[float]:
        """The rendered size, in CSS pixels, of every label in the graph."""
        return self.page.evaluate("""() => [...document.querySelectorAll('#graph svg text')].map(
            (t) => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a)""")

    def drawing_in_view(self) -> bool:
        view = [float(x) for x in self.page.get_attribute("#graph svg", "viewBox").split()]
        drawing = [float(x) for x in self.page.get_attribute("#graph svg", "data-drawing").split()]
        return (view[0] <= drawing[0] + 1 and view[1] <= drawing[1] + 1 and view[0] + view[2] >= drawing[2] - 1
                and view[1] + view[3] >= drawing[3] - 1)

    # --- tests ---
    def test_legible_at_first_sight(self):
        from designer import services

        self.login()
        self.open_bank_sample()
        # At 1440x900 the whole bank sample is in view and every label is at least 12 px.
        sizes = self.label_sizes()
        self.assertGreater(len(sizes), 30)
        self.assertGreaterEqual(min(sizes), 12, sizes)
        self.assertTrue(self.drawing_in_view())
        self.assertTrue(self.page.locator(".minimap").is_hidden())
        self.assertEqual(axe_violations(self.page), [])
        self.page.click("#drawer-toggle")
        self.page.click("#simulate summary")
        self.assertEqual(axe_violations(self.page), [], "with the drawer and the simulate panel open")
        # Long labels wrap; hovering an edge gives its whole text, and a node its whole name.
        self.assertEqual(self.page.locator('#graph g.edge[data-from="Review Approved?"][data-kind="choice"] > title')
                         .text_content(), "if review decision approved is true → Approve Application")
        self.assertEqual(self.page.locator('#graph g.state[data-state="Wait For Review"] text').count(), 4)

        # 25 steps in a row do not fit legibly: the graph opens legible at the start, with a minimap.
        chain = {f"Step {i}": {"Type": "Pass", **({"Next": f"Step {i + 1}"} if i < 24 else {"End": True})} for i in range(25)}
        wf = services.workflow_create(owner=self.demo, name="Long chain", definition={"StartAt": "Step 0", "States": chain})
        self.page.goto(f"{self.live_server_url}/workflows/{wf.pk}/")
        self.wait_ready()
        self.assertGreaterEqual(min(self.label_sizes()), 12)
        self.assertFalse(self.drawing_in_view())
        self.assertTrue(self.node("Step 0").is_visible() and self.page.locator(".minimap").is_visible())
        self.assertLess(self.node("Step 0").bounding_box()["y"], 300)
        # Clicking low in the minimap brings the end of the chain into view.
        box = self.page.locator(".minimap").bounding_box()
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
        graph_box = self.page.locator("#graph").bounding_box()
        last = self.node("Step 24").bounding_box()
        self.assertTrue(graph_box["y"] <= last["y"] <= graph_box["y"] + graph_box["height"], (last, graph_box))

        # A wide graph (a Parallel of four branches) opens legible too; a Distributed Map and a step
        # that waits for an answer say so, in words, on the page.
        def branch(k):
            return {"StartAt": f"Check {k} Records", "States": {
                f"Check {k} Records": {"Type": "Pass", "Next": f"Score {k} Result"},
                f"Score {k} Result": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                                      "Parameters": {"FunctionName": "score", "Payload": {"token.$": "$$.Task.Token"}},
                                      "End": True}}}
        reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                  "Parameters": {"Bucket": "shop", "Key": "exports/orders.csv"}}
        wide = {"StartAt": "Gather", "States": {
            "Gather": {"Type": "Parallel", "Branches": [branch(k) for k in "ABCD"], "Next": "Each Order"},
            "Each Order": {"Type": "Map", "ItemReader": reader, "MaxConcurrency": 1000, "End": True, "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Ship",
                "States": {"Ship": {"Type": "Pass", "End": True}}}}}}
        wf = services.workflow_create(owner=self.demo, name="Wide", definition=wide)
        self.page.goto(f"{self.live_server_url}/workflows/{wf.pk}/")
        self.wait_ready()
        self.assertGreaterEqual(min(self.label_sizes()), 12)
        self.assertTrue(self.node("Gather").is_visible())
        self.assertIn("wait for an answer", " ".join(self.node("Score C Result").locator("text").all_text_contents()))
        self.assertIn("map-distributed", self.node("Each Order").get_attribute("class"))
        self.assertIn("for each row of orders.csv in S3, as separate runs, 1,000 at a time",
                      " ".join(self.page.locator("#graph g.item-processor text").all_text_contents()))

        # Bigger than 30 steps: it opens fitted, with the minimap, and is legible once zoomed in.
        chain = {f"Step {i}": {"Type": "Pass", **({"Next": f"Step {i + 1}"} if i < 59 else {"End": True})} for i in range(60)}
        wf = services.workflow_create(owner=self.demo, name="Longer chain", definition={"StartAt": "Step 0", "States": chain})
        self.page.goto(f"{self.live_server_url}/workflows/{wf.pk}/")
        self.wait_ready()
        self.assertTrue(self.drawing_in_view())
        self.assertLess(min(self.label_sizes()), 12)
        self.page.focus("#graph")
        for _ in range(12):
            if min(self.label_sizes()) >= 12:
                break
            self.page.keyboard.press("+")
        self.assertGreaterEqual(min(self.label_sizes()), 12)
        self.assertTrue(self.page.locator(".minimap").is_visible())

        # A thousand steps: the lighter layout, every step drawn, never a blank graph.
        chain = {f"Step {i}": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                               **({"Next": f"Step {i + 1}"} if i < 999 else {"End": True})} for i in range(1000)}
        wf = services.workflow_create(owner=self.demo, name="Thousand", definition={"StartAt": "Step 0", "States": chain})
        self.page.goto(f"{self.live_server_url}/workflows/{wf.pk}/")
        self.wait_ready()
        self.assertEqual(self.page.get_attribute("#graph svg", "data-layout"), "light")
        self.assertEqual(self.page.locator("#graph g.state").count(), 1000)
        self.assertTrue(self.drawing_in_view() and self.page.locator(".minimap").is_visible())
        self.node("Step 999").focus()
        self.page.keyboard.press("Enter")
        self.assertEqual(self.page.input_value("#state-name"), "Step 999")

    def test_a_new_users_journey(self):
        sample = json.loads(SAMPLE.read_text())
        self.login()
        self.open_bank_sample()

        # Every state of the sample is on the graph, nested branch states included.
        for name in _all_state_names(sample):
            self.node(name).wait_for(state="visible")

        # Rename through the inspector's form: the graph and the JSON follow, references too.
        self.node("Reject Application").click()
        self.page.fill("#state-name", "Decline Application")
        self.page.press("#state-name", "Tab")
        self.node("Decline Application").wait_for(state="visible")
        self.assertEqual(self.node("Reject Application").count(), 0)
        definition = self.json_view()
        self.assertIn("Decline Application", definition["States"])
        self.assertEqual(definition["States"]["Review Approved?"]["Default"], "Decline Application")

        # Add a Wait from the palette and connect it to Notify Applicant.
        self.page.click(".palette button:has-text('Wait')")
        self.node("Wait").wait_for(state="visible")
        self.page.click("#connect")
        self.node("Notify Applicant").click()
        self.wait_json(lambda d: d["States"].get("Wait", {}).get("Next") == "Notify Applicant",
                       "connecting did not set Wait's Next")
        self.assertNotIn("End", self.json_view()["States"]["Wait"])

        # Undo the connection, then the new state.
        self.page.click("#undo")
        self.wait_json(lambda d: d["States"]["Wait"].get("End") is True and "Next" not in d["States"]["Wait"],
                       "undo did not take back the connection")
        self.page.click("#undo")
        self.wait_json(lambda d: "Wait" not in d["States"], "undo did not remove the Wait state")
        self.node("Wait").wait_for(state="detached")
        self.assertEqual(self.json_view(), _renamed(sample, "Reject Application", "Decline Application"))

        # The draft was autosaved on the way.
        self.page.wait_for_selector("#draft-status:has-text('Draft saved')")

        # Save a version with a message.
        self.page.fill("#save-message", "Say decline, not reject")
        self.page.click("#save-version")
        self.page.wait_for_selector("#version-badge:has-text('version 2')")
        ARTIFACTS.mkdir(exist_ok=True)
        self.node("Notify Applicant").click()
        self.page.screenshot(path=str(ARTIFACTS / "editor.png"))

        # The version list shows it; its ASL export is exactly the renamed sample.
        self.page.click("#versions-link")
        self.page.wait_for_selector("#version-table")
        self.assertEqual(axe_violations(self.page), [])
        row = self.page.locator("#version-table tr[data-version='2']")
        self.assertIn("Say decline, not reject", row.inner_text())
        with self.page.expect_download() as download_info:
            row.locator("text=ASL JSON").click()
        exported = json.loads(Path(download_info.value.path()).read_text())
        self.assertEqual(exported, _renamed(sample, "Reject Application", "Decline Application"))

    def test_inspector_forms_in_plain_words_and_the_autosaved_draft(self):
        self.login()
        self.open_bank_sample()

        # A Wait's duration in hours.
        self.page.click(".palette button:has-text('Wait')")
        self.page.fill("#wait-amount", "2")
        self.page.select_option("#wait-unit", "hours")
        self.wait_json(lambda d: d["States"].get("Wait", {}).get("Seconds") == 7200, "the duration form did not set Seconds")
        self.page.wait_for_selector('#graph g.state[data-state="Wait"] text:has-text("Wait 2 hours")')

        # A Task's integration from the resource picker, and a retry rule (the node gets its badge).
        self.node("Approve Application").click()
        self.page.select_option("#resource-picker", label="Send an SNS notification")
        self.page.click("#add-retry")
        self.wait_json(lambda d: d["States"]["Approve Application"]["Resource"] == "arn:aws:states:::sns:publish"
                       and d["States"]["Approve Application"]["Retry"][0]["ErrorEquals"] == ["States.ALL"],
                       "the resource picker or retry editor did not change the state")
        self.page.wait_for_selector('#graph g.state.has-retry[data-state="Approve Application"]')

        # A Choice rule through the rule builder: "if [field] [comparison] [value] go to [step]".
        self.node("Review Approved?").click()
        self.page.click("#add-rule")
        rule = self.page.locator("#choice-rules .rule").nth(1)
        rule.locator(".rule-variable").fill("$.score")
        rule.locator(".rule-variable").press("Tab")
        rule.locator(".rule-op").select_option("NumericGreaterThan")
        rule.locator(".rule-value").fill("700")
        rule.locator(".rule-value").press("Tab")
        rule.locator("select").last.select_option("Approve Application")
        self.wait_json(lambda d: d["States"]["Review Approved?"]["Choices"][1] ==
                       {"Variable": "$.score", "NumericGreaterThan": 700, "Next": "Approve Application"},
                       "the rule builder did not write the rule")
        self.page.wait_for_selector('#graph .edge-choice text:has-text("if score is greater than 700")')

        # The data glossary: with nothing selected, name a field in plain words; the arrows say it.
        self.page.keyboard.press("Escape")
        self.page.mouse.click(*self._empty_graph_point())
        term = self.page.locator('#glossary input[data-path="$.reviewDecision.approved"]')
        self.assertEqual(term.input_value(), "review decision approved")  # proposed from the path
        term.fill("the reviewer approved")
        term.press("Tab")
        self.page.wait_for_function("""() => [...document.querySelectorAll('#graph g.edge-choice > title')].some(
            (t) => t.textContent === 'if the reviewer approved is true → Approve Application')""")
        self.node("Review Approved?").click()
        self.page.wait_for_selector("#choice-rules .field-name:has-text('the field: the reviewer approved')")

        # Everything was autosaved: a reload brings the draft back, and it can be discarded.
        self.page.wait_for_selector("#draft-status:has-text('Draft saved')")
        self.page.reload()
        self.wait_ready()
        self.page.wait_for_selector("#notice:has-text('Restored your unsaved changes')")
        self.assertEqual(self.json_view()["States"]["Wait"]["Seconds"], 7200)
        self.node("Wait").wait_for(state="visible")
        self.page.click("#discard-draft")
        self.wait_json(lambda d: "Wait" not in d["States"], "discarding the draft did not restore the saved version")
        self.page.reload()
        self.wait_ready()
        self.assertNotIn("Wait", self.json_view()["States"])

    def test_breaking_a_next_in_the_json_view_marks_the_node(self):
        self.login()
        self.open_bank_sample()
        # Problems and the JSON live in a drawer under the graph, closed until asked for.
        self.assertFalse(self.page.is_visible("#json-view"))
        self.page.click("#drawer-toggle")
        definition = self.json_view()
        definition["States"]["Notify Applicant"]["Next"] = "Gone Fishing"
        self.page.fill("#json-view", json.dumps(definition, indent=2))
        self.page.wait_for_selector('#graph g.state.has-problem[data-state="Notify Applicant"]')
        problem = self.page.locator('#problems li[data-state="Notify Applicant"]').first
        self.assertIn("Gone Fishing", problem.inner_text())
        self.assertIn("missing: Gone Fishing", self.page.inner_text("#graph"))
        # Clicking the problem selects its state.
        problem.click()
        self.assertEqual(self.page.input_value("#state-name"), "Notify Applicant")
        self.assertIn("selected", self.node("Notify Applicant").get_attribute("class"))

    def test_delete_flags_references_and_the_workflow_form(self):
        self.login()
        self.open_bank_sample()
        self.node("Done").click()
        self.page.click("#delete-state")
        self.node("Done").wait_for(state="detached")
        # The step that went there keeps its transition, now marked as a problem to fix.
        self.page.wait_for_selector('#graph g.state.has-problem[data-state="Notify Applicant"]')
        self.assertEqual(self.json_view()["States"]["Notify Applicant"]["Next"], "Done")

        # With nothing selected the inspector shows the workflow's own settings.
        self.page.keyboard.press("Escape")
        self.page.mouse.click(*self._empty_graph_point())
        self.page.wait_for_selector("#workflow-start")
        self.page.select_option("#workflow-start", "Human Review Required?")
        self.wait_json(lambda d: d["StartAt"] == "Human Review Required?", "StartAt did not change")
        self.page.wait_for_selector('#graph g.state[data-state="Human Review Required?"]')

    def _empty_graph_point(self):
        box = self.page.locator("#graph").bounding_box()
        return box["x"] + 5, box["y"] + box["height"] - 5

    def test_saving_on_a_stale_base_keeps_the_work(self):
        from designer import services

        self.login()
        self.open_bank_sample()
        workflow = self.demo.owned_workflows.get(name="Bank account application")
        # Someone else saves while this editor is open.
        services.version_create(user=self.demo, workflow=workflow, definition=workflow.versions.get().definition,
                                message="meanwhile", base_version=1)
        self.page.click(".palette button:has-text('Pass data')")
        self.page.fill("#save-message", "mine")
        self.page.click("#save-version")
        self.page.wait_for_selector("#notice.error:has-text('Version 2 was saved since')")
        self.assertEqual(workflow.versions.count(), 2)
        self.page.wait_for_selector("#draft-status:has-text('Draft saved')")
        self.assertIn("Pass data", services.selectors.draft_get(workflow=workflow, user=self.demo).definition["States"])

    def test_every_step_and_control_by_keyboard(self):
        self.login()
        self.open_bank_sample()
        focused = lambda: self.page.evaluate(  # noqa: E731
            "() => { const a = document.activeElement; return a.closest('g.state')?.dataset.state || a.id || a.tagName; }")
        # Tab from the toolbar's start reaches every step of the graph, in order, without a mouse.
        self.page.focus("#undo")
        reached = []
        for _ in range(80):
            self.page.keyboard.press("Tab")
            now = focused()
            if now in _all_state_names(self.json_view()) and now not in reached:
                reached.append(now)
        self.assertEqual(set(reached), set(_all_state_names(self.json_view())))
        # The graph pans with the arrow keys and zooms with + and -.
        self.page.focus("#graph")
        before = self.page.get_attribute("#graph svg", "viewBox")
        self.page.keyboard.press("ArrowRight")
        self.assertNotEqual(self.page.get_attribute("#graph svg", "viewBox"), before)
        self.page.keyboard.press("+")
        self.page.keyboard.press("0")
        self.assertTrue(self.drawing_in_view())
        # The drawer opens from the keyboard; the problems and the JSON are then reachable.
        self.page.focus("#drawer-toggle")
        self.page.keyboard.press("Enter")
        self.assertEqual(self.page.get_attribute("#drawer-toggle", "aria-expanded"), "true")
        self.page.keyboard.press("Tab")  # no problems to list: straight to the JSON
        self.assertEqual(focused(), "json-view")
        # Simulate opens from the keyboard too.
        self.page.focus("#simulate summary")
        self.page.keyboard.press("Enter")
        self.assertTrue(self.page.is_visible("#simulate-start"))

    def test_keyboard_opens_a_step(self):
        self.login()
        self.open_bank_sample()
        self.node("Done").focus()
        self.page.keyboard.press("Enter")
        self.assertEqual(self.page.input_value("#state-name"), "Done")

    def test_pan_zoom_redo_and_export_buttons(self):
        self.login()
        self.open_bank_sample()
        view = lambda: [float(x) for x in self.page.get_attribute("#graph svg", "viewBox").split()]  # noqa: E731
        drawing = [float(x) for x in self.page.get_attribute("#graph svg", "data-drawing").split()]
        full = view()
        # The bank sample fits the pane as it opens: the whole drawing is in view.
        self.assertTrue(full[0] <= drawing[0] and full[1] <= drawing[1] and full[0] + full[2] >= drawing[2]
                        and full[1] + full[3] >= drawing[3], (full, drawing))
        self.page.click("#zoom-in")
        zoomed = view()
        self.assertLess(zoomed[2], full[2])
        box = self.page.locator("#graph").bounding_box()
        self.page.mouse.move(box["x"] + 200, box["y"] + 200)
        self.page.mouse.down()
        self.page.mouse.move(box["x"] + 300, box["y"] + 260, steps=5)
        self.page.mouse.up()
        panned = view()
        self.assertLess(panned[0], zoomed[0])
        self.assertEqual(panned[2], zoomed[2])
        self.page.mouse.wheel(0, 400)
        self.assertGreater(view()[2], panned[2])
        self.page.click("#zoom-fit")
        self.assertEqual(view(), full)

        # Redo brings back what undo took.
        self.page.click(".palette button:has-text('Succeed')")
        self.node("Succeed").wait_for(state="visible")
        self.page.click("#undo")
        self.node("Succeed").wait_for(state="detached")
        self.page.click("#redo")
        self.node("Succeed").wait_for(state="visible")
        self.assertEqual(self.json_view()["States"]["Succeed"], {"Type": "Succeed"})

        # The editor's export buttons download the saved version.
        with self.page.expect_download() as svg_download:
            self.page.click("#export-svg")
        svg = Path(svg_download.value.path()).read_text()
        self.assertIn('data-state="Wait For Review"', svg)
        with self.page.expect_download() as png_download:
            self.page.click("#export-png")
        self.assertEqual(Path(png_download.value.path()).read_bytes()[:4], b"\x89PNG")

    def test_branches_items_catch_and_fail_forms(self):
        self.login()
        self.open_bank_sample()

        # "Do in parallel": a new branch shows up as a cluster on the graph.
        self.node("Perform Automated Checks").click()
        self.page.click("#branches button:has-text('Add a branch')")
        self.node("Branch 3 step").wait_for(state="visible")
        self.assertEqual(len(self.json_view()["States"]["Perform Automated Checks"]["Branches"]), 3)
        self.assertEqual(self.page.locator("#graph g.cluster.branch").count(), 3)

        # An error handler on a task draws a dashed edge to where it goes.
        self.node("Approve Application").click()
        self.page.click("#add-catch")
        self.page.locator("#catch-editor .catch-rule select").select_option("Checks Could Not Run")
        self.wait_json(lambda d: d["States"]["Approve Application"].get("Catch") ==
                       [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Checks Could Not Run"}],
                       "the error handler was not written")
        self.page.wait_for_function(
            "() => document.querySelectorAll('#graph g.edge-catch').length === 3")

        # "Fail": its error name, in words on the node.
        self.node("Checks Could Not Run").click()
        self.page.fill("#inspector [data-key=Error]", "ChecksBroken")
        self.page.press("#inspector [data-key=Error]", "Tab")
        self.page.wait_for_selector('#graph g.state[data-state="Checks Could Not Run"] text:has-text("(ChecksBroken)")')

        # "For each item": items path and how to run.
        self.page.click(".palette button:has-text('For each item')")
        self.node("Handle one item").wait_for(state="visible")
        self.page.fill("#inspector [data-key=ItemsPath]", "$.applications")
        self.page.press("#inspector [data-key=ItemsPath]", "Tab")
        self.page.select_option("#map-mode", "DISTRIBUTED")
        self.wait_json(lambda d: d["States"]["For each item"]["ItemsPath"] == "$.applications"
                       and d["States"]["For each item"]["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED",
                       "the Map form did not write ItemsPath and the mode")

    def test_a_state_named_like_a_script_is_harmless(self):
        from designer import services

        evil = "<img src=x onerror=window.__pwned=1>"
        wf = services.workflow_create(owner=self.demo, name="Evil", definition={
            "StartAt": evil, "States": {evil: {"Type": "Pass", "End": True}}})
        self.login()
        self.page.goto(f"{self.live_server_url}/workflows/{wf.pk}/")
        self.wait_ready()
        self.node(evil).click()
        self.assertEqual(self.page.input_value("#state-name"), evil)
        self.page.wait_for_timeout(300)
        self.assertIsNone(self.page.evaluate("window.__pwned"))
        self.assertEqual(self.page.locator("#graph img").count(), 0)

    def test_a_non_member_is_denied(self):
        from django.contrib.auth import get_user_model

        get_user_model().objects.create_user(username="outsider", password="outsider-pw-123")
        workflow = self.demo.owned_workflows.get(name="Bank account application")
        self.login("outsider", "outsider-pw-123")
        self.assertNotIn("Bank account application", self.page.inner_text("body"))
        response = self.page.goto(f"{self.live_server_url}/workflows/{workflow.pk}/")
        self.assertEqual(response.status, 404)
        api = self.page.goto(f"{self.live_server_url}/api/workflows/{workflow.pk}/versions/1/export/asl/")
        self.assertEqual(api.status, 404)

    def test_a_viewer_cannot_change_anything(self):
        from designer import services

        from django.contrib.auth import get_user_model

        get_user_model().objects.create_user(username="reader", password="reader-pw-123")
        workflow = self.demo.owned_workflows.get(name="Bank account application")
        services.membership_set(user=self.demo, workflow=workflow, username="reader", role="viewer")
        self.login("reader", "reader-pw-123")
        self.open_bank_sample()
        self.page.wait_for_selector("body.read-only")
        self.assertTrue(self.page.is_disabled("#save-version"))
        self.assertTrue(self.page.is_disabled(".palette button:has-text('Wait')"))
        self.node("Done").click()
        self.assertTrue(self.page.is_disabled("#state-name"))
