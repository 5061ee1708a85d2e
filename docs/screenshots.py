"""Draw the README's screenshots from the local demo page into docs/images/.

    .venv/bin/python docs/screenshots.py

Starts the demo (as `workflow-bot demo` does, on free loopback ports), drives the page
in Debian's Chromium (`/usr/bin/chromium`) with Playwright, and writes one PNG per
feature, cropped to the part of the page that shows it.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, async_playwright, expect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: `bot` is imported from here

from bot.config import Settings  # noqa: E402
from bot.demo import SAMPLE_POLICY, RunningDemo, running_demo, with_policy  # noqa: E402

IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
# Headless, as root, and without Chromium's calls home (this network refuses them).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARGIN = 12  # pixels of page kept around a cropped region
SLOW = 15_000  # ms: a run takes a couple of seconds to end


async def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        with tempfile.TemporaryDirectory(prefix="workflow-bot-shots-") as scratch:
            async with running_demo(_settings(Path(scratch) / "a.db"), run_seconds=2) as demo:
                await _form_channel_and_home(browser, demo)
            settings = with_policy(_settings(Path(scratch) / "b.db"), SAMPLE_POLICY)
            async with running_demo(settings, run_seconds=2) as demo:
                await _approval(browser, demo)
        await browser.close()


async def _form_channel_and_home(browser: Browser, demo: RunningDemo) -> None:
    page = await _open(browser, demo)
    modal = await _revenue_report_form(page)
    await modal.get_by_label("Send to").fill("finance-at-example.com")
    await modal.get_by_role("button", name="Run").click()
    await expect(modal.locator('[data-block-id="/recipients"] .field-error')).not_to_be_empty()
    await _shoot(page, "form-field-error", page.locator("#modal"), margin=0)

    await modal.get_by_label("Send to").fill("finance@example.com")
    await modal.get_by_role("button", name="Run").click()
    status = page.locator("#messages > .message").first
    thread = page.locator("#messages > .thread").first
    await expect(status).to_contain_text("succeeded", timeout=SLOW)
    await expect(thread).to_contain_text("took", timeout=SLOW)
    await _shoot(page, "channel-thread", status, thread)

    await page.get_by_role("button", name="App Home").click()
    home = page.locator("#home-view > .blocks")
    await expect(home).to_contain_text("succeeded", timeout=SLOW)
    await _shoot(page, "app-home", home)
    await page.context.close()


async def _approval(browser: Browser, demo: RunningDemo) -> None:
    page = await _open(browser, demo)
    modal = await _revenue_report_form(page)
    await modal.get_by_role("button", name="Run").click()
    await page.get_by_label("You are").select_option(label="@bruno")
    request = page.locator("#messages > .message").first
    await expect(request.get_by_role("button", name="Approve")).to_be_visible()
    await _shoot(page, "approval-request", request)
    await page.context.close()


async def _open(browser: Browser, demo: RunningDemo) -> Page:
    context = await browser.new_context(
        # Tall enough for the whole form: a modal's body scrolls past 90% of the window.
        viewport={"width": 1000, "height": 1100},
        device_scale_factor=1.5,
    )
    page = await context.new_page()
    await page.goto(f"{demo.page}/")
    await page.wait_for_selector("#channels .nav-item")
    return page


async def _revenue_report_form(page: Page) -> Locator:
    await page.get_by_label("Message", exact=True).fill("/run-workflow Revenue report")
    await page.get_by_label("Message", exact=True).press("Enter")
    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Revenue report", timeout=SLOW)
    await modal.get_by_label("EMEA").check()
    await modal.get_by_label("Quarter").select_option(label="2026-Q4")
    return modal


async def _shoot(page: Page, name: str, *parts: Locator, margin: int = MARGIN) -> None:
    """Save the smallest rectangle holding `parts`, with `margin` around, as `name`.png."""
    boxes = [box for part in parts if (box := await part.bounding_box()) is not None]
    left = min(box["x"] for box in boxes) - margin
    top = min(box["y"] for box in boxes) - margin
    right = max(box["x"] + box["width"] for box in boxes) + margin
    bottom = max(box["y"] + box["height"] for box in boxes) + margin
    clip = {"x": max(left, 0), "y": max(top, 0), "width": right - left, "height": bottom - top}
    path = IMAGES / f"{name}.png"
    await page.screenshot(path=str(path), clip=clip)  # type: ignore[arg-type]
    print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


def _settings(database: Path) -> Settings:
    # As on a machine with no .env: made-up Slack secrets, a throwaway database.
    return Settings(_env_file=None, DATABASE_URL=f"sqlite:///{database}")


if __name__ == "__main__":
    asyncio.run(main())
