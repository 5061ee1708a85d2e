"""Slack's side of a submission: signed as Slack signs, the answer applied as Slack does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.playground.bridge import BotLink
from bot.playground.serving import running_server
from bot.playground.slack_api import SlackStandIn

SECRET = "bridge-test-secret"
FORM = {
    "type": "modal",
    "callback_id": "run_workflow",
    "title": {"type": "plain_text", "text": "Form"},
    "submit": {"type": "plain_text", "text": "Run"},
    "blocks": [
        {
            "type": "input",
            "block_id": "/name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
DONE = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Done"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "All done"}}],
}


class FakeBot:
    """An app that checks Slack's signature and answers submissions with `answer`."""

    def __init__(self) -> None:
        self.answer: dict[str, Any] | None = None
        self.payloads: list[dict[str, Any]] = []

    async def events(self, request: Request) -> Response:
        body = await request.body()
        if not SignatureVerifier(SECRET).is_valid_request(body, dict(request.headers)):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        self.payloads.append(json.loads(parse_qs(body.decode())["payload"][0]))
        return Response() if self.answer is None else JSONResponse(self.answer)


@pytest.fixture
async def world() -> AsyncIterator[tuple[BotLink, FakeBot, str]]:
    slack = SlackStandIn(token="xoxb-bridge")
    fake = FakeBot()
    app = Starlette(routes=[Route("/slack/events", fake.events, methods=["POST"])])
    async with running_server(app) as url:
        link = BotLink(slack, secret=SECRET)
        link.bot_url = url
        view_id = str(slack.open_view(FORM)["id"])
        yield link, fake, view_id


STATE = {"/name": {"value": {"type": "plain_text_input", "value": "x"}}}


async def test_field_errors_come_back_and_the_modal_stays(
    world: tuple[BotLink, FakeBot, str],
) -> None:
    link, fake, view_id = world
    fake.answer = {"response_action": "errors", "errors": {"/name": "Too short."}}

    assert await link.submit(view_id, STATE) == {"errors": {"/name": "Too short."}}
    assert link.slack.top_view() is not None
    assert fake.payloads[0]["view"]["state"] == {"values": STATE}
    assert fake.payloads[0]["type"] == "view_submission"


async def test_an_update_answer_replaces_the_view_in_place(
    world: tuple[BotLink, FakeBot, str],
) -> None:
    link, fake, view_id = world
    before = link.slack.views[view_id]["hash"]
    fake.answer = {"response_action": "update", "view": DONE}

    assert await link.submit(view_id, STATE) == {}
    shown = link.slack.top_view()
    assert shown is not None
    assert (shown["id"], shown["title"]["text"]) == (view_id, "Done")
    assert shown["hash"] != before


async def test_an_empty_answer_closes_the_modal(world: tuple[BotLink, FakeBot, str]) -> None:
    link, _, view_id = world

    assert await link.submit(view_id, STATE) == {}
    assert link.slack.top_view() is None


async def test_an_app_that_does_not_answer_leaves_the_modal_open_with_a_note(
    world: tuple[BotLink, FakeBot, str],
) -> None:
    link, _, view_id = world
    link.bot_url = None  # not started

    answer = await link.submit(view_id, STATE)

    assert "trouble connecting" in answer["trouble"]
    assert link.slack.top_view() is not None
