"""Browser harness: Debian's Chromium driven by Playwright against the app on a local port.

Locally the browser tests skip when no Chromium is found; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Browser tests must run in CI.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def whole_bodies(app):
    """The app with each response body read (and its file closed) before it is sent.

    Werkzeug's development server closes a response's iterator only after it has drained
    the connection; when Chromium drops a connection mid-response (a navigation while a
    stylesheet loads), that raises first, the static file is never closed and its
    ResourceWarning fails whichever test runs when it is collected. Production serves with
    gunicorn; here the small bodies are simply read whole."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture
def live_server(app):
    """Serve the test application on a free local port in a background thread."""
    server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _new_page(browser, live_server, request, **context_options):
    context = browser.new_context(base_url=live_server, locale="en-US", **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, live_server, request):
    """A desktop-sized page; a screenshot is kept under test-output/ when the test fails."""
    yield from _new_page(browser, live_server, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, live_server, request):
    """A phone-sized page (390 × 844, touch)."""
    yield from _new_page(
        browser, live_server, request, viewport={"width": 390, "height": 844}, has_touch=True
    )
