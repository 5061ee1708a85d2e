"""Browser tests: the demo on loopback, driven through Debian's Chromium with Playwright.

Playwright's own browser download cannot work here, so the system Chromium is launched
through `executable_path`, headless, with its background network traffic turned off.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.config import Settings
from bot.demo import RunningDemo, running_demo

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without these Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[RunningDemo]:
    """The whole demo, with runs that end after a second and a fresh database."""
    async with running_demo(demo_settings(tmp_path / "bot.db"), run_seconds=1.5) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser, demo: RunningDemo) -> AsyncIterator[Page]:
    """The playground page, opened and drawn."""
    async with opened_page(browser, demo) as opened:
        yield opened


@contextlib.asynccontextmanager
async def opened_page(browser: Browser, demo: RunningDemo) -> AsyncIterator[Page]:
    """A fresh browser context on the demo's page, once the page has drawn the workspace."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(f"{demo.page}/")
        await page.wait_for_selector("#channels .nav-item")
        yield page
    finally:
        await context.close()


def demo_settings(database: Path) -> Settings:
    """Settings as on a machine with no `.env`: no Slack account, a throwaway database."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        DATABASE_URL=f"sqlite:///{database}",
    )


async def snapshot(page: Page, name: str) -> None:
    """Keep a screenshot in test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
