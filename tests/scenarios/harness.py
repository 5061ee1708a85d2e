"""A whole world on loopback: stand-in Slack, the MarketCore simulator and the real bot."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr

from bot.config import Settings
from bot.modals import RUN_CALLBACK_ID
from bot.server import create_asgi_app
from bot.simulator import Simulator, SimulatorServer
from tests.scenarios import slack_requests
from tests.scenarios.servers import running_server
from tests.scenarios.slack_requests import SignedRequest
from tests.scenarios.slack_standin import SlackCall, SlackStandIn

SIGNING_SECRET = "scenario-signing-secret-8b1f"
BOT_TOKEN = "xoxb-scenario-bot-token"
CHANNEL = "C123"
USER = "U123"


def bot_settings(
    slack_url: str,
    marketcore_url: str,
    database: Path,
    *,
    policy_file: Path | None = None,
    marketcore_token: str | None = None,
    **overrides: Any,
) -> Settings:
    """Settings pointing the bot at the stand-ins, never at a `.env` file."""
    fields: dict[str, Any] = {
        "SLACK_BOT_TOKEN": SecretStr(BOT_TOKEN),
        "SLACK_SIGNING_SECRET": SecretStr(SIGNING_SECRET),
        "SLACK_API_URL": f"{slack_url}/api/",
        "MARKETCORE_MCP_URL": marketcore_url,
        "DATABASE_URL": f"sqlite:///{database}",
        "ACCESS_POLICY_FILE": policy_file,
        "MARKETCORE_API_TOKEN": SecretStr(marketcore_token) if marketcore_token else None,
    }
    fields.update(overrides)
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg]


def oauth_overrides(slack: SlackStandIn, slack_url: str) -> dict[str, Any]:
    """Settings for many workspaces: the stand-in's app credentials, no bot token."""
    return {
        "SLACK_BOT_TOKEN": None,
        "SLACK_CLIENT_ID": slack.oauth.client_id,
        "SLACK_CLIENT_SECRET": SecretStr(slack.oauth.client_secret),
        "SLACK_AUTHORIZE_URL": f"{slack_url}/oauth/v2/authorize",
    }


@dataclass
class Response:
    status: int
    body: str
    at: float


@dataclass
class World:
    """What a scenario drives and inspects."""

    slack: SlackStandIn
    simulator: Simulator
    slack_url: str
    bot_url: str
    http: aiohttp.ClientSession
    commands_sent: list[float] = field(default_factory=list)
    marketcore: SimulatorServer | None = None

    async def send(
        self, request: SignedRequest, *, headers: dict[str, str] | None = None
    ) -> Response:
        """POST a request to the bot's `/slack/events`, as Slack would."""
        async with self.http.post(
            f"{self.bot_url}/slack/events",
            data=request.body,
            headers={**request.headers, **(headers or {})},
        ) as response:
            return Response(response.status, await response.text(), time.monotonic())

    async def command(
        self,
        text: str,
        *,
        channel_id: str = CHANNEL,
        user_id: str = USER,
        team_id: str = slack_requests.TEAM_ID,
    ) -> Response:
        """Type `/run-workflow <text>` in `channel_id` (of workspace `team_id`)."""
        request = slack_requests.slash_command(
            SIGNING_SECRET,
            text=text,
            user_id=user_id,
            channel_id=channel_id,
            team_id=team_id,
            trigger_id=self.slack.issue_trigger_id(),
            response_url=self.slack.response_url(self.slack_url),
        )
        self.commands_sent.append(time.monotonic())
        return await self.send(request)

    async def submit(
        self,
        view: dict[str, Any],
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        user_id: str = USER,
        team_id: str = slack_requests.TEAM_ID,
    ) -> Response:
        """Submit `view` with `values` as its state."""
        request = slack_requests.view_submission(
            SIGNING_SECRET, view=view, values=values, user_id=user_id, team_id=team_id
        )
        return await self.send(request)

    async def press(
        self,
        message: dict[str, Any],
        block_id: str,
        button: dict[str, Any],
        *,
        user_id: str = USER,
        trigger_id: str | None = None,
    ) -> Response:
        """Press `button` (a dict from the message's blocks) on a message in a channel."""
        request = slack_requests.block_actions(
            SIGNING_SECRET,
            view=None,
            action={"type": "button", "block_id": block_id, **button},
            user_id=user_id,
            channel_id=message["channel"],
            message_ts=message["ts"],
            trigger_id=trigger_id,
            response_url=self.slack.response_url(self.slack_url),
        )
        return await self.send(request)

    async def install(self, team_id: str) -> Response:
        """A workspace admin installs the app: `/slack/install`, Slack's approval page,
        then back to `/slack/oauth_redirect`, each redirect followed as a browser would."""
        install = f"{self.bot_url}/slack/install"
        async with self.http.get(install, params={"team": team_id}, allow_redirects=False) as sent:
            authorize_url = sent.headers["Location"]
            # The state cookie is Secure; a browser would send it back over https.
            cookie = sent.headers["Set-Cookie"].partition(";")[0]
        async with self.http.get(authorize_url, allow_redirects=False) as approved:
            redirect_url = approved.headers["Location"]
        async with self.http.get(redirect_url, headers={"Cookie": cookie}) as response:
            return Response(response.status, await response.text(), time.monotonic())

    async def pick(self, view: dict[str, Any], workflow_id: str, name: str) -> Response:
        """Choose a workflow in the picker."""
        action = {
            "type": "static_select",
            "action_id": "workflow_picked",
            "block_id": "workflow_picker",
            "selected_option": {"text": {"type": "plain_text", "text": name}, "value": workflow_id},
        }
        request = slack_requests.block_actions(SIGNING_SECRET, view=view, action=action)
        return await self.send(request)

    async def wait_for_view(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0
    ) -> dict[str, Any]:
        """The first current view matching `predicate`, waiting for it."""
        found: list[dict[str, Any]] = []

        def check() -> bool:
            found[:] = [view for view in self.slack.views.values() if predicate(view)]
            return bool(found)

        await self.slack.wait_for(check, timeout=timeout)
        return found[0]

    async def wait_for_form(self, timeout: float = 10.0) -> dict[str, Any]:
        """The run form (or confirmation) the bot showed."""
        return await self.wait_for_view(
            lambda view: view.get("callback_id") == RUN_CALLBACK_ID, timeout=timeout
        )

    def runs_dispatched(self) -> list[dict[str, Any]]:
        """The arguments of every `run_workflow` MarketCore received."""
        return [args for tool, args in self.simulator.calls if tool == "run_workflow"]

    def posts(self) -> list[SlackCall]:
        """Top-level `chat.postMessage` calls; thread replies are in `thread_posts()`."""
        calls = self.slack.calls_to("chat.postMessage")
        return [call for call in calls if not call.args.get("thread_ts")]

    def thread_posts(self) -> list[SlackCall]:
        """`chat.postMessage` calls that replied in a thread."""
        calls = self.slack.calls_to("chat.postMessage")
        return [call for call in calls if call.args.get("thread_ts")]

    def updates(self) -> list[SlackCall]:
        """`chat.update` calls on top-level messages; thread edits are in `thread_updates()`."""
        return [call for call in self.slack.calls_to("chat.update") if not self._in_thread(call)]

    def thread_updates(self) -> list[SlackCall]:
        """`chat.update` calls that edited a thread reply."""
        return [call for call in self.slack.calls_to("chat.update") if self._in_thread(call)]

    def _in_thread(self, call: SlackCall) -> bool:
        message = self.slack.messages.get((call.args.get("channel"), call.args.get("ts")))
        return message is not None and message.get("thread_ts") is not None


def block_ids(view: dict[str, Any]) -> list[str]:
    return [str(block.get("block_id")) for block in view.get("blocks", [])]


def message_text(call: SlackCall) -> str:
    """Everything a person would read in a posted or edited message."""
    return f"{call.args.get('text', '')} {call.args.get('blocks', '')}"


def top_level_messages(slack: SlackStandIn) -> list[dict[str, Any]]:
    """The messages in channels as they stand now; thread replies are left out."""
    return [message for message in slack.messages.values() if message["thread_ts"] is None]


def shown_text(message: dict[str, Any]) -> str:
    """Everything a person reads in a message as it stands now."""
    return f"{message['text']} {message['blocks']}"


async def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running_world(
    database: Path,
    *,
    run_seconds: float = 1.0,
    first_poll: float = 0.2,
    extra_workflows: int = 0,
    policy_file: Path | None = None,
    marketcore_token: str | None = None,
    simulator_token: str | None = None,
    oauth: bool = False,
    **overrides: Any,
) -> AsyncIterator[World]:
    """Stand-in Slack, the simulator and the bot, each served by uvicorn on loopback.

    `oauth` serves many workspaces, each installed through the OAuth flow (`World.install`)
    instead of one bot token; `overrides` are further settings, by variable name.
    """
    slack = SlackStandIn(token=BOT_TOKEN)
    simulator = Simulator(
        token=simulator_token or marketcore_token,
        run_seconds=run_seconds,
        extra_workflows=extra_workflows,
    )
    async with (
        running_server(slack.asgi_app()) as slack_url,
        SimulatorServer(simulator) as marketcore,
    ):
        if oauth:
            overrides = {**oauth_overrides(slack, slack_url), **overrides}
        settings = bot_settings(
            slack_url,
            marketcore.url,
            database,
            policy_file=policy_file,
            marketcore_token=marketcore_token,
            **overrides,
        )
        app = create_asgi_app(settings, first_poll=first_poll)
        async with running_server(app) as bot_url, aiohttp.ClientSession() as http:
            slack.oauth.redirect_url = f"{bot_url}/slack/oauth_redirect"
            yield World(slack, simulator, slack_url, bot_url, http, marketcore=marketcore)


def element_of(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The input element of the block `block_id` in a stored view."""
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id:
            return dict(block["element"])
    raise AssertionError(f"no block {block_id!r} in {block_ids(view)}")


def chosen(view: dict[str, Any], block_id: str, *texts: str) -> dict[str, Any]:
    """The state a person leaves by choosing the options labelled `texts`, as Slack sends it."""
    element = element_of(view, block_id)
    options = {option["text"]["text"]: option for option in element.get("options", [])}
    picked = [options[text] for text in texts]
    if element["type"] in ("checkboxes", "multi_static_select"):
        return {"type": element["type"], "selected_options": picked}
    return {"type": element["type"], "selected_option": picked[0]}


def typed(view: dict[str, Any], block_id: str, value: str) -> dict[str, Any]:
    """The state a text-like input (text, number, email, url) sends when `value` is typed."""
    return {"type": element_of(view, block_id)["type"], "value": value}
