"""The demo page in a real browser: a command, a form, a field error, a run to its end."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from bot.demo import running_demo
from bot.simulator_data import WAREHOUSE_ERROR
from tests.browser.conftest import demo_settings, opened_page, snapshot


async def test_a_run_goes_from_the_command_to_succeeded(page: Page) -> None:
    await page.get_by_label("Message").fill("/run-workflow Revenue report")
    await page.get_by_label("Message").press("Enter")

    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Revenue report", timeout=10_000)
    await modal.get_by_label("EMEA").check()
    await modal.get_by_label("Quarter").select_option(label="2026-Q4")
    await modal.get_by_label("Send to").fill("finance-at-example.com")
    await snapshot(page, "1-form-filled")

    await modal.get_by_role("button", name="Run").click()
    recipients = modal.locator('[data-block-id="/recipients"] .field-error')
    await expect(recipients).not_to_be_empty()
    await expect(modal.locator('[data-block-id="/region"] .field-error')).to_be_empty()
    await snapshot(page, "2-field-error")

    await modal.get_by_label("Send to").fill("finance@example.com")
    await modal.get_by_role("button", name="Run").click()
    await expect(page.locator("#modal-backdrop")).to_be_hidden()

    status = page.locator("#messages .message").first
    await expect(status).to_contain_text("running")
    await snapshot(page, "3-running")
    await expect(status).to_contain_text("succeeded", timeout=15_000)
    await expect(status).to_contain_text("(edited)")
    link = status.get_by_role("link", name="Open run")
    runs = re.compile(r"^https://app\.marketcore\.ai/workflows/[^/]+/runs/[^/]+$")
    await expect(link).to_have_attribute("href", runs)
    await snapshot(page, "4-succeeded")

    # The button opens the run in MarketCore; answered here, since nothing leaves this machine.
    await page.context.route(
        runs, lambda route: route.fulfill(body="<title>MarketCore run</title>")
    )
    async with page.context.expect_page() as opened:
        await link.click()
    run_page = await opened.value
    await expect(run_page).to_have_title("MarketCore run")


async def test_a_failed_dispatch_shows_marketcores_reason(page: Page) -> None:
    await page.get_by_label("Message").fill("/run-workflow Warehouse backfill")
    await page.get_by_label("Message").press("Enter")

    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Warehouse backfill")
    await modal.get_by_label("Days").fill("7")
    await modal.get_by_role("button", name="Run").click()

    status = page.locator("#messages .message").first
    await expect(status).to_contain_text("failed")
    await expect(status).to_contain_text(WAREHOUSE_ERROR)
    await snapshot(page, "failed-at-dispatch")


async def test_the_picker_leads_to_a_confirmation_for_a_workflow_without_inputs(
    page: Page,
) -> None:
    await page.get_by_role("button", name="#finance").click()
    await page.get_by_label("Message").fill("/run-workflow")
    await page.get_by_label("Message").press("Enter")

    modal = page.locator("#modal")
    picker = modal.locator("select")
    await expect(picker).to_be_visible()
    await picker.select_option(label="Nightly sync")
    await expect(modal.locator("#modal-title")).to_have_text("Nightly sync")
    await expect(modal).to_contain_text("This workflow takes no inputs.")
    await modal.get_by_role("button", name="Run").click()

    await expect(page.locator("#channel-name")).to_have_text("#finance")
    status = page.locator("#messages .message").first
    await expect(status).to_contain_text("Nightly sync")
    await expect(status).to_contain_text("succeeded", timeout=15_000)


async def test_a_private_channel_gets_the_status_as_a_direct_message(page: Page) -> None:
    await page.get_by_role("button", name="#leadership (private)").click()
    await page.get_by_label("Message").fill("/run-workflow Nightly sync")
    await page.get_by_label("Message").press("Enter")
    await page.locator("#modal").get_by_role("button", name="Run").click()

    direct = page.get_by_role("button", name="workflow-bot (direct message)")
    await expect(direct).to_be_visible()
    await direct.click()
    status = page.locator("#messages .message").first
    await expect(status).to_contain_text("couldn't post in")
    await expect(status).to_contain_text("Nightly sync")


async def test_the_typeahead_picker_asks_the_bot_for_matches(
    browser: Browser, tmp_path: Path
) -> None:
    settings = demo_settings(tmp_path / "bot.db")
    async with (
        running_demo(settings, extra_workflows=150) as demo,
        opened_page(browser, demo) as page,
    ):
        await page.get_by_label("Message").fill("/run-workflow")
        await page.get_by_label("Message").press("Enter")

        modal = page.locator("#modal")
        search = modal.locator(".typeahead input")
        await search.fill("Revenue")
        await modal.get_by_role("option", name="Revenue report").click()
        await expect(modal.locator("#modal-title")).to_have_text("Revenue report")
        await expect(modal.get_by_label("Quarter")).to_be_visible()


async def test_enter_in_a_number_field_checks_it_at_once(page: Page) -> None:
    await page.get_by_label("Message").fill("/run-workflow Campaign send")
    await page.get_by_label("Message").press("Enter")

    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Campaign send", timeout=10_000)
    await modal.get_by_label("Budget (USD)").fill("-5")
    await modal.get_by_label("Budget (USD)").press("Enter")
    await expect(modal).to_contain_text("Enter 0 or more.", timeout=10_000)
    await snapshot(page, "checked-as-you-type")

    await modal.get_by_label("Budget (USD)").fill("10")
    await modal.get_by_label("Budget (USD)").press("Enter")
    await expect(modal).not_to_contain_text("Enter 0 or more.", timeout=10_000)
