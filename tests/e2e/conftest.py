"""End-to-end journeys: the app served on a free loopback port, driven by Debian's headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.axe import Audit
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    return path


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The test app (same database as the tests) served by a threaded WSGI server in the background."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def axe_audit() -> Audit:
    """What axe-core found on the pages the test's browser contexts opened."""
    return Audit()


@pytest.fixture
def open_page(browser, request, live_server, axe_audit):
    """open_page(locale="ar-MA"): a fresh browser context (no cookies) with the base URL set.

    Every page opened is screenshotted (with its HTML) into test-artifacts/ when the test fails, and
    checked with axe-core (tests/e2e/axe.py): a serious or critical violation fails the test.
    """
    contexts = []
    audit = axe_audit

    def do(locale: str = "en-GB", width: int = 1280, height: int = 900):
        context = browser.new_context(base_url=live_server, locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        audit.watch(context)
        contexts.append(context)
        tab = context.new_page()
        audit.hold(tab)
        return tab

    yield do
    report = getattr(request.node, "report_call", None)
    for context in contexts:
        for tab in context.pages:
            audit.finish(tab)
    for n, context in enumerate(contexts):
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid) + f"-{n}"
            for tab in context.pages:
                tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(tab.content())
        context.close()
    if audit.violations:
        pytest.fail("axe-core found serious or critical violations:\n  " + "\n  ".join(audit.violations))


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def browser_login(page):
    """Sign in through the real login page."""

    def do(email: str, password: str):
        page.goto("/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(re.compile(r".*/my/forums$"))
        return page

    return do
