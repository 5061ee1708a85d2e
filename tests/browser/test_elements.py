"""Every input element the forms use, drawn by the page and read back in Slack's state shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp
from playwright.async_api import Page, expect

from bot.demo import RunningDemo
from tests.browser.conftest import snapshot


def _text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _options(*values: str) -> list[dict[str, Any]]:
    return [{"text": _text(value.title()), "value": value} for value in values]


def _input(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _text(label),
        "element": {"action_id": "value", **element},
        **extra,
    }


EVERY_ELEMENT_VIEW = {
    "type": "modal",
    "callback_id": "every_element",
    "title": _text("Every element"),
    "submit": _text("Send"),
    "close": _text("Cancel"),
    "blocks": [
        {"type": "header", "text": _text("All the inputs")},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Bold* and `code` <@U234>"}},
        {"type": "divider"},
        _input("/title", "Title", {"type": "plain_text_input"}),
        _input("/notes", "Notes", {"type": "plain_text_input", "multiline": True}, optional=True),
        _input("/count", "Count", {"type": "number_input", "is_decimal_allowed": False}),
        _input("/email", "Email", {"type": "email_text_input"}),
        _input("/site", "Site", {"type": "url_text_input"}),
        _input("/day", "Day", {"type": "datepicker"}),
        _input("/at", "At", {"type": "timepicker"}),
        _input("/when", "When", {"type": "datetimepicker"}),
        _input("/size", "Size", {"type": "static_select", "options": _options("s", "m", "l")}),
        _input("/tags", "Tags", {"type": "multi_static_select", "options": _options("a", "b")}),
        _input("/flags", "Flags", {"type": "checkboxes", "options": _options("x", "y")}),
        _input("/mode", "Mode", {"type": "radio_buttons", "options": _options("on", "off")}),
        _input("/owner", "Owner", {"type": "users_select"}),
        _input("/team", "Team", {"type": "multi_users_select"}),
        _input("/room", "Room", {"type": "conversations_select"}),
        _input("/rooms", "Rooms", {"type": "multi_channels_select"}),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "A context line"}]},
    ],
}


async def _open_view(demo: RunningDemo, view: dict[str, Any]) -> None:
    # As the bot would: views.open over the Web API with a fresh trigger id.
    arguments = {"trigger_id": demo.slack.issue_trigger_id(), "view": view}
    headers = {"Authorization": f"Bearer {demo.slack.token}"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{demo.page}/slack/api/views.open", json=arguments, headers=headers) as sent,
    ):
        answer = await sent.json()
    assert answer["ok"], answer


async def _state(page: Page) -> dict[str, Any]:
    script = """async () => {
        const blocks = await import('/static/blocks.js');
        return blocks.readState(document.querySelector('#modal-body .blocks'));
    }"""
    state: dict[str, Any] = await page.evaluate(script)
    return {block_id: action["value"] for block_id, action in state.items()}


async def test_every_element_sends_its_value_as_slack_does(page: Page, demo: RunningDemo) -> None:
    await _open_view(demo, EVERY_ELEMENT_VIEW)
    modal = page.locator("#modal")
    await expect(modal.locator("#modal-title")).to_have_text("Every element")

    await modal.get_by_label("Title").fill("Quarterly")
    await modal.get_by_label("Count").fill("12")
    await modal.get_by_label("Email").fill("ana@example.com")
    await modal.get_by_label("Site").fill("https://example.com/x")
    await modal.get_by_label("Day").fill("2026-12-24")
    await modal.get_by_label("At").fill("09:30")
    await modal.get_by_label("When").fill("2026-12-24T10:00")
    await modal.get_by_label("Size").select_option(label="M")
    await modal.get_by_label("Tags").select_option(label=["A", "B"])
    await modal.get_by_label("Y", exact=True).check()
    await modal.get_by_label("Off", exact=True).check()
    await modal.get_by_label("Owner").select_option(label="@bruno")
    await modal.get_by_label("Team").select_option(label=["@chen", "@dara"])
    await modal.get_by_label("Room", exact=True).select_option(label="#finance")
    await modal.get_by_label("Rooms").select_option(label=["#general", "#marketing"])
    await snapshot(page, "elements-filled")

    state = await _state(page)
    when = int(datetime(2026, 12, 24, 10, 0).timestamp())  # the browser's zone is ours
    assert state == {
        "/title": {"type": "plain_text_input", "value": "Quarterly"},
        "/notes": {"type": "plain_text_input", "value": None},
        "/count": {"type": "number_input", "value": "12"},
        "/email": {"type": "email_text_input", "value": "ana@example.com"},
        "/site": {"type": "url_text_input", "value": "https://example.com/x"},
        "/day": {"type": "datepicker", "selected_date": "2026-12-24"},
        "/at": {"type": "timepicker", "selected_time": "09:30"},
        "/when": {"type": "datetimepicker", "selected_date_time": when},
        "/size": {"type": "static_select", "selected_option": _options("m")[0]},
        "/tags": {"type": "multi_static_select", "selected_options": _options("a", "b")},
        "/flags": {"type": "checkboxes", "selected_options": _options("y")},
        "/mode": {"type": "radio_buttons", "selected_option": _options("off")[0]},
        "/owner": {"type": "users_select", "selected_user": "U234"},
        "/team": {"type": "multi_users_select", "selected_users": ["U345", "U456"]},
        "/room": {"type": "conversations_select", "selected_conversation": "C234"},
        "/rooms": {"type": "multi_channels_select", "selected_channels": ["C123", "C345"]},
    }


async def test_empty_required_inputs_are_stopped_before_sending(
    page: Page, demo: RunningDemo
) -> None:
    await _open_view(demo, EVERY_ELEMENT_VIEW)
    modal = page.locator("#modal")
    await modal.get_by_role("button", name="Send").click()

    title_error = modal.locator('[data-block-id="/title"] .field-error')
    await expect(title_error).to_have_text("Please complete this required field.")
    await expect(modal.locator('[data-block-id="/notes"] .field-error')).to_be_empty()
    await expect(page.locator("#modal-backdrop")).to_be_visible()  # nothing was sent
