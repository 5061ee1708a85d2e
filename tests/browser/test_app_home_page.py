"""The playground's App Home tab: the person's runs, a Run button, the DM preference."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import snapshot


async def test_the_home_shows_my_run_runs_it_again_and_keeps_the_preference(page: Page) -> None:
    await page.get_by_role("button", name="App Home").click()
    home = page.locator("#home-view")
    await expect(home).to_contain_text("haven't run any workflows yet", timeout=10_000)

    await page.locator("#channels .nav-item").first.click()
    await page.get_by_label("Message", exact=True).fill("/run-workflow Nightly sync")
    await page.get_by_label("Message", exact=True).press("Enter")
    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Nightly sync", timeout=10_000)
    await modal.get_by_role("button", name="Run").click()
    await expect(page.locator("#modal-backdrop")).to_be_hidden()

    await page.get_by_role("button", name="App Home").click()
    await expect(home).to_contain_text("Nightly sync", timeout=10_000)
    await expect(home).to_contain_text("succeeded", timeout=15_000)
    await expect(home.locator("time").first).not_to_be_empty()
    await snapshot(page, "app-home")

    checkbox = home.get_by_label("Send me a direct message when my runs end")
    await checkbox.check()
    await page.wait_for_timeout(1_500)  # several polls: the republished Home is drawn
    await expect(checkbox).to_be_checked()

    await home.get_by_role("button", name="Run", exact=True).click()
    await expect(modal.locator("#modal-title")).to_have_text("Nightly sync", timeout=10_000)
    await modal.get_by_role("button", name="Run").click()
    await expect(page.locator("#modal-backdrop")).to_be_hidden()
    direct = page.locator("#dms .nav-item")
    await expect(direct).to_have_count(1, timeout=10_000)
