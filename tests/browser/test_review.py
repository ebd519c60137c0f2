"""A design review in Debian's chromium, two people in two pages at once (served by daphne, so the
websockets are real): the owner asks a reviewer to review version 2; the reviewer sees it arrive,
comments on "Check Address", replies and requests changes; the owner sees the badge and the thread
appear, resolves it, saves version 3 and asks again; the reviewer approves; the versions page says
"approved"; a share link opened with no login shows the graph and the comments and nothing else,
and is 404 once revoked; a run's share link follows the run live. Then the members page: the
owner adds a second person, invites a third by e-mail, and sees them join."""
from __future__ import annotations

import re

import pytest
from channels.testing import ChannelsLiveServerTestCase

from a11y import axe_violations
from chromium import BrowserMixin, needs_chromium


@pytest.mark.browser
@needs_chromium
class DesignReviewTests(BrowserMixin, ChannelsLiveServerTestCase):
    forked_server = True

    def setUp(self):
        from django.contrib.auth import get_user_model

        from designer import selectors, services
        from designer.models import Workflow
        from designer.samples import samples_load

        self.demo, _ = samples_load()
        self.workflow = Workflow.objects.get(owner=self.demo, name="Bank account application")
        User = get_user_model()
        User.objects.create_user(username="rita", password="rita-reviews-123", email="rita@example.com")
        services.membership_set(user=self.demo, workflow=self.workflow, username="rita", role="reviewer")
        latest = selectors.version_latest(workflow=self.workflow)
        definition = latest.definition
        definition["Comment"] = "Second draft"
        services.version_create(user=self.demo, workflow=self.workflow, definition=definition,
                                base_version=latest.number, message="Second draft")
        self.contexts, self.errors = [], []

    def tearDown(self):
        for context in self.contexts:
            context.close()
        self.assertEqual(self.errors, [], "a page raised JavaScript errors")

    def new_page(self, username=None, password=None):
        return super().new_page(username, password, timeout=20_000)

    def open_editor(self, page, version=None):
        query = f"?version={version}" if version else ""
        page.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/{query}")
        page.wait_for_selector("body[data-editor-ready=true][data-review-ready=true][data-review-feed=live]")

    def status(self, page) -> str:
        return page.text_content("#review-status").strip()

    def test_a_review_from_request_to_approval_and_a_share_link(self):
        owner = self.new_page("demo", "statewise-demo")
        rita = self.new_page("rita", "rita-reviews-123")
        self.open_editor(owner)
        self.open_editor(rita)
        self.assertEqual(self.status(rita), "not reviewed")
        self.assertEqual(rita.text_content("#review-tests"), "Test cases: not run for this version")
        self.assertIn("compare/?from=1&to=2", rita.get_attribute("#review-compare", "href"))
        owner.wait_for_function("document.body.dataset.presence === 'rita'")  # who else is here

        # The owner asks Rita to review version 2.
        owner.click("#review-ask summary")
        owner.check("input.reviewer-choice[value=rita]")
        owner.fill("#review-message", "Is the address check right?")
        owner.click("#review-ask-send")
        owner.wait_for_function("document.querySelector('#review-status').textContent.includes('approved by 0 of 1')")

        # Rita sees it arrive, without reloading.
        rita.wait_for_function("document.querySelector('#review-status').textContent.includes('in review')")
        rita.wait_for_selector("#review-answer")
        rita.wait_for_function("document.querySelector('#inbox-count').textContent.trim() === '1'")

        # Rita comments on "Check Address", replies to herself, and requests changes.
        rita.click('#graph g.state[data-state="Check Address"]')
        rita.click("#comments-toggle")
        self.assertEqual(rita.input_value("#comments-panel select.comment-target"), "state:Check Address")
        rita.fill("#comments-panel textarea.new-comment", "Should this also check the postcode? <b>not bold</b>\n"
                                                          "See https://example.com/rules.")
        rita.click("#comments-panel button.post-comment")
        rita.wait_for_selector('#graph g.comment-badge[data-anchor="state:Check Address"]')
        # @ lists the members (keyboard: Down, Enter) and writes the one chosen.
        rita.click("#comments-panel .thread textarea.reply-text")
        rita.keyboard.type("And the country, @d")
        rita.wait_for_selector("#comments-panel .mention-list:not([hidden]) .mention-option[aria-selected=true]")
        self.assertEqual(rita.locator("#comments-panel .mention-option").all_text_contents(), ["@demo"])
        rita.keyboard.press("ArrowDown")
        rita.keyboard.press("Enter")
        rita.keyboard.type("please.")
        self.assertEqual(rita.input_value("#comments-panel .thread textarea.reply-text"), "And the country, @demo please.")
        rita.click("#comments-panel .thread button.reply")
        rita.wait_for_function("document.querySelectorAll('#comments-panel .thread .comment').length === 2")
        text = rita.inner_html("#comments-panel .thread .comment-text")
        self.assertIn("&lt;b&gt;not bold&lt;/b&gt;", text)  # text, never markup
        self.assertIn('<a href="https://example.com/rules" rel="noopener noreferrer nofollow"', text)
        rita.click("#review-answer summary")
        rita.fill("#review-comment", "Please add the postcode check.")
        rita.click("#review-request-changes")
        rita.wait_for_function("document.querySelector('#review-status').textContent === 'changes requested'")

        # The owner sees the badge, the thread and the answer appear, and resolves the thread.
        badge = '#graph g.comment-badge[data-anchor="state:Check Address"]'
        owner.wait_for_selector(badge)
        self.assertEqual(owner.text_content(f"{badge} text"), "1")
        owner.wait_for_function("document.querySelector('#review-status').textContent === 'changes requested'")
        owner.click(badge)
        owner.wait_for_function("document.querySelectorAll('#comments-panel .thread .comment').length === 2")
        self.assertIn("And the country", owner.text_content("#comments-panel .thread"))
        self.assertEqual(owner.text_content("#comments-panel .mention"), "@demo")
        self.assertEqual(axe_violations(owner), [], "the editor with the comments panel open")
        owner.click("#comments-panel .thread button.resolve")
        owner.wait_for_selector(f"{badge}", state="detached")
        rita.wait_for_selector(badge, state="detached")

        # The owner saves version 3 and asks again; Rita is told and approves it.
        owner.fill("#save-message", "Postcode check added")
        owner.click("#save-version")
        owner.wait_for_function("document.querySelector('#review-status').textContent === 'not reviewed'")
        owner.click("#review-ask summary")
        owner.check("input.reviewer-choice[value=rita]")
        owner.click("#review-ask-send")
        rita.wait_for_function("document.querySelector('.review-notice')?.textContent.includes("
                               "'demo asks you to review version 3')")
        rita.click(".review-notice-link")
        rita.wait_for_url("**/?version=3")
        rita.wait_for_selector("body[data-review-ready=true][data-review-feed=live]")
        rita.click("#review-answer summary")
        rita.click("#review-approve")
        rita.wait_for_function("document.querySelector('#review-status').textContent === 'approved'")
        owner.wait_for_function("document.querySelector('#review-status').textContent === 'approved'")

        # The versions page says so; version 2 keeps what it got.
        owner.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/versions/")
        self.assertEqual(owner.text_content('[data-review-version="3"]').strip(), "approved")
        self.assertEqual(owner.text_content('[data-review-version="2"]').strip(),
                         "changes requested, then superseded by version 3")

        self.assertEqual(axe_violations(owner), [], "the versions page with reviews")
        rita.goto(f"{self.live_server_url}/inbox/")
        self.assertIn("/compare/?from=2&to=3", rita.get_attribute("#inbox li.note a.note-compare", "href"))
        self.assertEqual(axe_violations(rita), [], "the inbox")
        rita.goto(f"{self.live_server_url}/workflows/{self.workflow.pk}/activity/")
        self.assertIn("rita approved version 3", rita.text_content("#activity"))
        self.assertEqual(axe_violations(rita), [], "the activity page")

        # A share link, opened by someone without an account.
        owner.click("#share-menu summary")
        owner.select_option("#share-expiry", "1")
        owner.click("#share-create")
        url = owner.input_value("#share-links input.share-url")
        self.assertRegex(url, r"/s/\d+-[\w-]+\.[\w-]+/$")
        guest = self.new_page()
        guest.goto(url)
        guest.wait_for_selector("body[data-share-ready=true][data-review-feed=live]")
        self.assertGreater(guest.locator("#graph g.state").count(), 5)
        guest.click('#graph g.state[data-state="Check Address"]')
        guest.wait_for_selector("#inspector h2")
        guest.click("#comments-toggle")
        self.assertIn("Should this also check the postcode?", guest.text_content("#comments-panel"))
        self.assertEqual(guest.locator("#comments-panel textarea, #comments-panel button.resolve").count(), 0)
        links = guest.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        self.assertEqual([h for h in links if not h.startswith("https://example.com")], [])  # nothing else of the site
        self.assertEqual(guest.locator("#review-bar, #inbox-link").count(), 0)
        owner.wait_for_function("document.body.dataset.presence.includes('Guest with a share link')")
        self.assertEqual(axe_violations(guest), [], "a share link's page")

        # Revoked: the open page is told at once, and its next load is 404.
        owner.click("#share-links button.share-revoke")
        guest.wait_for_selector("body[data-share-gone=true]")
        self.assertEqual(guest.reload().status, 404)

    def test_arrow_badges_removed_steps_older_versions_and_deleted_comments_on_the_page(self):
        """What the journey above does not reach: a badge on an arrow (clicking it opens its
        thread), a thread whose step a later version removed ("on a removed step"), the version
        each comment was written on, and a deleted comment whose reply stays."""
        import copy

        from django.contrib.auth import get_user_model

        from designer import selectors, services
        from designer.review import comments

        rita = get_user_model().objects.get(username="rita")
        on_arrow = comments.comment_create(user=rita, workflow=self.workflow, text_="Is 'flagged' the right test?",
                                           edge={"source": "Human Review Required?", "to": "Wait For Review",
                                                 "kind": "choice"})
        on_step = comments.comment_create(user=rita, workflow=self.workflow, text_="Postcode too?", state="Check Address")
        gone = comments.comment_create(user=rita, workflow=self.workflow, text_="Drop this?", state="Approve Application")
        comments.comment_create(user=self.demo, workflow=self.workflow, text_="It stays.", parent=gone.pk)
        comments.comment_delete(user=rita, comment=gone)
        # Version 3 removes "Check Address" from its branch.
        latest = selectors.version_latest(workflow=self.workflow)
        definition = copy.deepcopy(latest.definition)
        branch = next(b for b in definition["States"]["Perform Automated Checks"]["Branches"]
                      if "Check Address" in b["States"])
        branch["StartAt"], branch["States"] = "Only", {"Only": {"Type": "Pass", "End": True}}
        services.version_create(user=self.demo, workflow=self.workflow, definition=definition,
                                base_version=latest.number, message="No address check")

        owner = self.new_page("demo", "statewise-demo")
        self.open_editor(owner)
        badge = owner.locator("#graph g.comment-badge[aria-label*='the arrow']")
        self.assertEqual(badge.count(), 1)
        self.assertEqual(badge.get_attribute("aria-label"), "1 open comment thread on the arrow "
                         "\u201cHuman Review Required?\u201d \u2192 \u201cWait For Review\u201d (if)")
        badge.click()
        owner.wait_for_selector(f'#comments-panel .thread[data-thread="{on_arrow.pk}"]')
        self.assertEqual(owner.locator("#comments-panel .thread").count(), 1)  # only that arrow's
        # Every thread: the removed step's says so; each comment says the version it was written on.
        owner.click("#comments-panel button.show-all")
        removed = owner.locator(f'#comments-panel .thread[data-thread="{on_step.pk}"]')
        removed.wait_for()
        self.assertIn("on a removed step", removed.text_content())
        self.assertEqual(removed.locator(".badge.version").first.text_content(), "v2")
        deleted = owner.locator(f'#comments-panel .thread[data-thread="{gone.pk}"]')
        self.assertIn("comment deleted", deleted.text_content())
        self.assertIn("It stays.", deleted.text_content())
        self.assertNotIn("Drop this?", owner.text_content("#comments-panel"))

    def test_a_run_share_link_replays_the_run_live(self):
        """The guest's page follows the run as the server's runner advances it, without reloading."""
        from designer import services, simulation
        from designer.review import sharing

        steps = {f"Step {i}": {"Type": "Pass", "Next": f"Step {i + 1}"} for i in range(1, 4)}
        steps["Step 4"] = {"Type": "Succeed"}
        workflow = services.workflow_create(owner=self.demo, name="Four steps",
                                            definition={"StartAt": "Step 1", "States": steps})
        execution, _ = simulation.execution_start(user=self.demo, workflow=workflow, input={}, seed=1)
        simulation.execution_set_speed(user=self.demo, execution=execution, speed=10)
        link = sharing.share_link_create(user=self.demo, workflow=workflow, execution=execution.pk)
        guest = self.new_page()
        guest.goto(f"{self.live_server_url}{sharing.share_link_path(link)}")
        guest.wait_for_selector("body[data-share-ready=true][data-connection=live]")
        self.assertEqual(guest.text_content("#run-status"), "RUNNING")
        before = guest.locator("#history-body tr").count()
        # Continued by its owner: the server's runner picks it up and advances it, one step a tenth of a second.
        simulation.execution_continue(user=self.demo, execution=execution)
        guest.wait_for_selector("body[data-run-status=SUCCEEDED]")
        ids = [int(t) for t in guest.locator("#history-body tr td:first-child").all_text_contents()]
        self.assertEqual(ids, list(range(1, len(ids) + 1)))  # every event once, in order
        self.assertGreater(len(ids), before)
        self.assertIn("run-succeeded", guest.get_attribute('#graph g.state[data-state="Step 4"]', "class"))

    def test_the_members_page_invites_and_they_join(self):
        from django.contrib.auth import get_user_model

        get_user_model().objects.create_user(username="sam", password="sam-pw-12345", email="sam@example.com")
        owner = self.new_page("demo", "statewise-demo")
        members = f"{self.live_server_url}/workflows/{self.workflow.pk}/members/"
        owner.goto(members)
        owner.fill("#invite-who", "sam@example.com")
        owner.select_option("#invite-role", "editor")
        owner.click("#invite-submit")
        owner.wait_for_selector('#member-table tr[data-user="sam"]')
        self.assertEqual(owner.input_value('#member-table tr[data-user="sam"] select.member-role'), "editor")

        owner.fill("#invite-who", "nina@example.com")
        owner.select_option("#invite-role", "reviewer")
        owner.click("#invite-submit")
        link = owner.input_value('#invitation-table tr[data-email="nina@example.com"] input.invitation-url')
        self.assertEqual(axe_violations(owner), [], "the members page")
        owner.wait_for_selector("body[data-review-feed=live]")

        nina = self.new_page()
        nina.goto(link)
        self.assertEqual(axe_violations(nina), [], "the invitation page")
        nina.fill("#invite-username", "nina")
        nina.fill("#invite-password", "nina-joins-2024")
        nina.fill("#invite-password2", "nina-joins-2024")
        nina.click("#invitation-accept")
        nina.wait_for_url(re.compile(rf".*/workflows/{self.workflow.pk}/$"))
        nina.wait_for_selector("body[data-review-ready=true]")
        self.assertEqual(nina.text_content(".badge.role").strip(), "reviewer")

        # The owner sees them join without reloading, then in the table.
        owner.wait_for_selector(".review-notice")
        self.assertIn("nina accepted an invitation and joined as a reviewer", owner.text_content(".review-notice"))
        owner.reload()
        owner.wait_for_selector('#member-table tr[data-user="nina"]')
        self.assertIn("accepted by nina", owner.text_content('#invitation-table tr[data-email="nina@example.com"]'))
        self.assertEqual(nina.goto(link).status, 404)  # single use
