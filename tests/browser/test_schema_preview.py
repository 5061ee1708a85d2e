"""The schema preview: a pasted JSON Schema becomes the bot's modal, or says why it can't."""

from __future__ import annotations

import json

from playwright.async_api import Page, expect

from bot.playground.preview import preview_form
from tests.browser.conftest import snapshot

SCHEMA = {
    "type": "object",
    "properties": {
        "audience": {"type": "string", "title": "Audience", "description": "A saved segment."},
        "channels": {
            "type": "array",
            "title": "Channels",
            "items": {"type": "string", "enum": ["email", "sms", "push"]},
        },
        "send_at": {"type": "string", "format": "date-time", "title": "Send at"},
        "budget": {"type": "number", "title": "Budget", "minimum": 0},
        "landing": {"type": "string", "format": "uri", "title": "Landing page"},
        "throttle": {
            "type": "object",
            "title": "Throttle",
            "properties": {"per_minute": {"type": "integer", "title": "Per minute"}},
        },
    },
    "required": ["audience"],
}


async def test_a_pasted_schema_shows_as_the_modal_the_bot_would_open(page: Page) -> None:
    await page.get_by_role("button", name="Schema preview").click()
    await page.get_by_label("JSON Schema").fill(json.dumps(SCHEMA, indent=2))
    await page.get_by_role("button", name="Preview", exact=True).click()

    preview = page.locator("#preview-view")
    for label in ("Audience", "Send at", "Budget", "Landing page", "Per minute"):
        await expect(preview.get_by_label(label)).to_be_visible()
    await expect(preview).to_contain_text("A saved segment.")
    await expect(preview.get_by_label("Sms")).to_be_visible()
    await expect(page.locator("#preview-error")).to_be_empty()
    await snapshot(page, "schema-preview")


async def test_a_schema_that_cannot_be_shown_says_why(page: Page) -> None:
    await page.get_by_role("button", name="Schema preview").click()
    await page.get_by_label("JSON Schema").fill('{"type": "string"}')
    await page.get_by_role("button", name="Preview", exact=True).click()

    error = page.locator("#preview-error")
    await expect(error).to_contain_text("can't be shown in Slack")
    await expect(error).to_contain_text('"type": "object"')
    await expect(page.locator("#preview-view")).to_be_empty()


def test_preview_refuses_text_that_is_not_a_json_object() -> None:
    assert preview_form("not json")["error"].startswith("That is not JSON")
    assert preview_form("[1, 2]") == {"error": "A workflow's inputs schema is a JSON object."}


def test_preview_refuses_a_remote_reference_without_fetching_it() -> None:
    answer = preview_form('{"$ref": "https://example.com/schema.json"}')

    assert "only local references" in answer["error"]
