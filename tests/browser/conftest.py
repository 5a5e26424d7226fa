"""Browser fixtures: one Debian Chromium per session, driven by Playwright's sync API.

Tests borrow pages from a pool (one browser context per language / phone / JavaScript setting,
cookies cleared between tests) and drive pytest-django's `live_server`, so every test that uses a
page gets a transactional database. Without /usr/bin/chromium the browser tests are skipped,
unless OMBUDS_REQUIRE_BROWSER=1 (CI), when that is an error. No browser is ever downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import Browser, Page, sync_playwright

from tests import factories

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise
# refuse the test's own database calls (fixtures, flush) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCALES = {"ko": "ko-KR", "en": "en-GB"}

NewPage = Callable[..., Page]


# "package": one browser for the whole run of tests/browser, closed (with Playwright's event
# loop) once the last browser test is done, rather than kept open through the rest of the suite.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Debian's Chromium is not installed at {CHROMIUM}"
        if os.environ.get("OMBUDS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}; the browser tests are required here.", pytrace=False)
        pytest.skip(f"{message}: browser tests skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def _browser_settings(settings: Any) -> None:
    # Each test files several complaints from one address; the limits have their own tests.
    settings.OMBUDS_RATE_LIMITS = {
        "intake": "100/3600",
        "track": "100/600",
        "track_action": "100/3600",
    }


class PagePool:
    """Pages kept open across tests, one context each; a test borrows and returns them.

    A new context costs a renderer process (most of a second on a small machine), so each
    configuration is opened once; between tests its cookies (the session) are cleared.
    """

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.idle: dict[tuple[Any, ...], list[Page]] = {}
        self.lent: list[tuple[tuple[Any, ...], Page]] = []

    def borrow(
        self, *, language: str = "ko", phone: bool = False, javascript: bool = True,
        bypass_csp: bool = False,
    ) -> Page:  # fmt: skip
        key = (language, phone, javascript, bypass_csp)
        idle = self.idle.setdefault(key, [])
        page = idle.pop() if idle else self._open(*key)
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": self.base_url}]
        )
        self.lent.append((key, page))
        return page

    def _open(self, language: str, phone: bool, javascript: bool, bypass_csp: bool) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=LOCALES[language],
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(10_000)
        return context.new_page()

    def give_back(self) -> None:
        while self.lent:
            key, page = self.lent.pop()
            if not page.is_closed():
                page.goto("about:blank")
                self.idle[key].append(page)

    def close(self) -> None:
        for pages in self.idle.values():
            for page in pages:
                page.context.close()


@pytest.fixture(scope="package")
def _page_pool(django_db_setup: None, browser: Browser, live_server: Any) -> Iterator[PagePool]:
    """Pages for the browser tests. It needs the test database first, so it goes before it.

    The live server answers the browser on kept-alive sockets, one thread each; with persistent
    database connections those threads would still hold theirs when the test database is
    dropped at the end (PostgreSQL refuses). Here each request closes its connection.
    """
    pool = PagePool(browser, live_server.url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(connections[DEFAULT_DB_ALIAS].settings_dict, "CONN_MAX_AGE", 0)
        yield pool
        pool.close()


@pytest.fixture
def new_page(_page_pool: PagePool, live_server: Any, _browser_settings: None) -> Iterator[NewPage]:
    """A page in a clean context: `new_page(language="en", phone=True, javascript=False)`."""
    yield _page_pool.borrow
    _page_pool.give_back()


@pytest.fixture
def page_ko(new_page: NewPage) -> Page:
    return new_page(language="ko")


@pytest.fixture
def page_en(new_page: NewPage) -> Page:
    return new_page(language="en")


@pytest.fixture
def phone_page(new_page: NewPage) -> Page:
    return new_page(language="en", phone=True)


@pytest.fixture
def no_js_page(new_page: NewPage) -> Page:
    return new_page(language="en", javascript=False)


@pytest.fixture
def evidence(tmp_path: Path) -> dict[str, Path]:
    """Small real files to attach: a PNG and a PDF."""
    png, pdf = tmp_path / "photo.png", tmp_path / "letter.pdf"
    png.write_bytes(factories.PNG_BYTES)
    pdf.write_bytes(factories.PDF_BYTES)
    return {"png": png, "pdf": pdf}
