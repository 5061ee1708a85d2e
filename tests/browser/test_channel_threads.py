"""The demo page's channel: a status message's thread reply, and its Run again button."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import snapshot


async def start_revenue_report(page: Page) -> Locator:
    """Run *Revenue report* for EMEA, 2026-Q4 from #general; return its status message."""
    await page.get_by_label("Message", exact=True).fill("/run-workflow Revenue report")
    await page.get_by_label("Message", exact=True).press("Enter")
    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Revenue report", timeout=10_000)
    await modal.get_by_label("EMEA").check()
    await modal.get_by_label("Quarter").select_option(label="2026-Q4")
    await modal.get_by_label("Send to").fill("finance@example.com")
    await modal.get_by_role("button", name="Run").click()
    await expect(page.locator("#modal-backdrop")).to_be_hidden()

    status = page.locator("#messages > .message").first
    await expect(status).to_contain_text("Revenue report")
    return status


async def test_the_thread_reply_sits_under_its_message_and_is_edited_when_the_run_ends(
    page: Page,
) -> None:
    status = await start_revenue_report(page)
    ts = await status.get_attribute("data-ts")
    thread = page.locator(f'#messages > .thread[data-thread-of="{ts}"]')
    await expect(thread.locator("summary")).to_have_text("1 reply")
    reply = thread.locator(".message.reply")
    await expect(reply).to_have_count(1)
    await expect(reply).to_contain_text("Inputs")
    await expect(reply).to_contain_text("EMEA")
    await expect(reply).to_contain_text("finance@example.com")
    # Only the status message and its thread: the reply is not drawn twice.
    await expect(page.locator("#messages > .message")).to_have_count(1)

    await expect(status).to_contain_text("succeeded", timeout=15_000)
    await expect(reply).to_contain_text("took")
    await expect(reply).not_to_contain_text("not ended yet")
    await expect(reply.locator(".edited")).to_be_visible()
    await snapshot(page, "thread-reply-ended")

    await thread.locator("summary").click()
    await expect(reply).to_be_hidden()
    await page.wait_for_timeout(1_500)  # several polls and redraws: it stays folded
    await expect(reply).to_be_hidden()
    await thread.locator("summary").click()
    await expect(reply).to_be_visible()


async def test_run_again_from_the_page_opens_the_form_filled_in_from_that_run(
    page: Page,
) -> None:
    status = await start_revenue_report(page)
    await status.get_by_role("button", name="Run again").click()

    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Revenue report", timeout=10_000)
    await expect(modal.get_by_label("EMEA")).to_be_checked()
    await expect(modal.get_by_label("Quarter").locator("option:checked")).to_have_text("2026-Q4")
    await expect(modal.get_by_label("Send to")).to_have_value("finance@example.com")
    await snapshot(page, "run-again-prefilled")

    await modal.get_by_label("NA", exact=True).check()
    await modal.get_by_role("button", name="Run").click()
    await expect(page.locator("#modal-backdrop")).to_be_hidden()
    await expect(page.locator("#messages > .message")).to_have_count(2)
    await expect(page.locator("#messages > .thread")).to_have_count(2)
    region = page.locator("#messages > .thread").last.locator(".section-field").first
    await expect(region).to_have_text(re.compile(r"^Region\s*NA$"))
