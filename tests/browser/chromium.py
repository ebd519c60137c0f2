"""Debian's chromium under Playwright, as every browser test launches it: headless, and able to
reach nothing but the test server."""
from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"{CHROMIUM} is missing: apt-get install chromium")


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class BrowserMixin:
    """One browser per test class. Playwright's sync API keeps an event loop running in this
    thread, which makes Django's ORM refuse to run here; allowed only while these tests run.
    Put it before the live-server test case in the bases, so its class set-up wraps the server's."""

    # Channels' live server is a process forked from this one. If earlier tests ran
    # thread-sensitive sync_to_async code here, asgiref's one-thread executor has a worker thread,
    # which a fork does not copy: the child would queue database calls forever.
    forked_server = False

    @classmethod
    def setUpClass(cls):
        cls.start_browser()
        if cls.forked_server:
            from concurrent.futures import ThreadPoolExecutor

            from asgiref.sync import SyncToAsync

            SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        super().setUpClass()
        cls.launch_browser()

    @classmethod
    def tearDownClass(cls):
        cls.stop_browser()
        super().tearDownClass()
        cls.restore_environment()

    def sign_in(self, page, username="demo", password="statewise-demo"):
        page.goto(f"{self.live_server_url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/workflows/")

    def new_page(self, username=None, password=None, *, timeout=15_000, **context_options):
        """A page in its own context (closed by the test's tearDown through self.contexts), its
        JavaScript errors collected in self.errors, signed in when a username is given."""
        context = self.browser.new_context(viewport={"width": 1440, "height": 900}, **context_options)
        context.set_default_timeout(timeout)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        if username:
            self.sign_in(page, username, password)
        return page

    @classmethod
    def start_browser(cls) -> None:
        cls._async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    @classmethod
    def launch_browser(cls) -> None:
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = launch(cls.playwright)

    @classmethod
    def stop_browser(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()

    @classmethod
    def restore_environment(cls) -> None:
        if cls._async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._async_unsafe
