"""The page's server: what it serves, and what it refuses from outside this machine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.playground.bridge import BotLink
from bot.playground.page import Playground, create_page_app
from bot.playground.serving import running_server
from bot.playground.slack_api import SlackStandIn


@pytest.fixture
async def page_url() -> AsyncIterator[str]:
    slack = SlackStandIn(token="xoxb-page")
    playground = Playground(slack, BotLink(slack, secret="page-secret"))
    async with running_server(create_page_app(playground)) as url:
        yield url


async def test_the_page_and_its_scripts_are_served_from_the_package(page_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for path, kind in (("/", "text/html"), ("/static/app.js", "javascript")):
            async with http.get(f"{page_url}{path}") as response:
                assert response.status == 200
                assert kind in response.headers["content-type"]


async def test_the_web_api_stand_in_answers_under_slack(page_url: str) -> None:
    headers = {"Authorization": "Bearer xoxb-page"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{page_url}/slack/api/auth.test", headers=headers) as response,
    ):
        assert (await response.json())["ok"] is True


async def test_a_cross_site_form_post_is_refused(page_url: str) -> None:
    body = '{"channel": "C123", "text": "/run-workflow Nightly sync"}'
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{page_url}/playground/command", data=body, headers={"Content-Type": "text/plain"}
        ) as response,
    ):
        assert response.status == 415


async def test_a_request_for_another_host_name_is_refused(page_url: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{page_url}/playground/state", headers={"Host": "evil.example"}) as response,
    ):
        assert response.status == 400


async def test_a_command_other_than_run_workflow_is_explained(page_url: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{page_url}/playground/command", json={"channel": "C1", "text": "/x"}) as sent,
    ):
        assert (await sent.json()) == {"error": "/x is not a command this workspace knows."}
