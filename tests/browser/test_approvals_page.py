"""Approvals on the demo page: one member asks, another approves from the channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from bot.demo import SAMPLE_POLICY, running_demo, with_policy
from tests.browser.conftest import demo_settings, opened_page, snapshot


@pytest.fixture
async def approvals_page(browser: Browser, tmp_path: Path) -> AsyncIterator[Page]:
    """The page of a demo started with the sample policy (Revenue report needs bruno)."""
    settings = with_policy(demo_settings(tmp_path / "bot.db"), SAMPLE_POLICY)
    async with running_demo(settings, run_seconds=1.5) as demo, opened_page(browser, demo) as page:
        yield page


async def test_a_second_member_approves_and_the_run_starts(approvals_page: Page) -> None:
    page = approvals_page
    await page.get_by_label("Message", exact=True).fill("/run-workflow Revenue report")
    await page.get_by_label("Message", exact=True).press("Enter")
    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Revenue report", timeout=10_000)
    await modal.get_by_label("EMEA").check()
    await modal.get_by_label("Quarter").select_option(label="2026-Q4")
    await modal.get_by_role("button", name="Run").click()
    await expect(page.locator("#modal-backdrop")).to_be_hidden()

    request = page.locator("#messages > .message").first
    await expect(request.get_by_role("button", name="Approve")).to_be_visible()
    await expect(page.locator("#messages")).to_contain_text("@bruno")
    await request.get_by_role("button", name="Approve").click()
    notes = page.locator("#messages .message.ephemeral")
    await expect(notes.last).to_contain_text("can't approve or reject your own request")

    await page.get_by_label("You are").select_option(label="@bruno")
    await expect(notes).to_have_count(0)  # ana's notes are hers alone
    await snapshot(page, "approval-request")
    await request.get_by_role("button", name="Approve").click()

    await expect(request).to_contain_text("Approved by @bruno", timeout=10_000)
    await expect(request.get_by_role("button", name="Approve")).to_have_count(0)
    status = page.locator("#messages > .message").nth(1)
    await expect(status).to_contain_text("@ana started Revenue report")
    await expect(status).to_contain_text("succeeded", timeout=15_000)
    await expect(page.locator("#messages > .thread")).to_have_count(1)
