"""`workflow-bot demo`: the MarketCore simulator, the bot and a page playing Slack's part.

Everything runs in this process on loopback. The bot is the real one, unmodified: its
`SLACK_API_URL` points at the playground's stand-in Web API, and the page's server
sends it the signed requests Slack would. No Slack account is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bot.config import Settings
from bot.errors import ConfigError
from bot.playground.bridge import BotLink
from bot.playground.page import Playground, create_page_app
from bot.playground.serving import running_server
from bot.playground.slack_api import SlackStandIn
from bot.playground.workspace import private_channel_ids
from bot.policy import load_policy
from bot.server import create_asgi_app
from bot.simulator import Simulator, SimulatorServer

# One approval rule on *Revenue report*, decided by the playground's second member.
SAMPLE_POLICY = Path(__file__).resolve().parent / "playground" / "approval-policy.toml"


@dataclass(frozen=True)
class RunningDemo:
    """Where each part of a running demo answers, and the stand-ins behind the page."""

    page: str
    bot: str
    marketcore: str
    slack: SlackStandIn
    simulator: Simulator


async def run_demo(
    settings: Settings, *, port: int, simulator_port: int, policy: Path | None = None
) -> int:
    """Start everything, print the page's address, and serve until interrupted.

    `policy` is an access policy file for this session (see `SAMPLE_POLICY`), in place
    of `ACCESS_POLICY_FILE`.
    """
    settings = with_policy(settings, policy)
    async with running_demo(settings, port=port, simulator_port=simulator_port) as demo:
        print(
            f"MarketCore simulator: {demo.marketcore} ({len(demo.simulator.workflows)} workflows)"
        )
        print(f"Bot: {demo.bot}/slack/events (health: /healthz)")
        print(f"Open the playground: {demo.page}/  (Ctrl-C stops everything)", flush=True)
        await _forever()
    return 0


@contextlib.asynccontextmanager
async def running_demo(
    settings: Settings,
    *,
    port: int = 0,
    simulator_port: int = 0,
    run_seconds: float = 4.0,
    extra_workflows: int = 0,
) -> AsyncIterator[RunningDemo]:
    """The simulator, the page (on `port`) and the bot, started in that order.

    `run_seconds` and `extra_workflows` shape the simulator, so tests can finish runs
    quickly or make the workflow picker a typeahead.
    """
    token = settings.MARKETCORE_API_TOKEN
    simulator = Simulator(
        token=token.get_secret_value() if token else None,
        run_seconds=run_seconds,
        extra_workflows=extra_workflows,
    )
    session = session_settings(settings)
    bot_token, secret = (
        _secret_text(session.SLACK_BOT_TOKEN),
        _secret_text(session.SLACK_SIGNING_SECRET),
    )

    slack = SlackStandIn(token=bot_token)
    slack.not_member_channels |= private_channel_ids()
    with tempfile.TemporaryDirectory(prefix="workflow-bot-demo-") as scratch:
        async with SimulatorServer(simulator, port=simulator_port) as marketcore:
            link = BotLink(slack, secret=secret)
            page_app = create_page_app(Playground(slack, link))
            async with running_server(page_app, port=port) as page:
                link.slack_base = f"{page}/slack"  # response URLs are served by the page
                bot_settings = _pointed_at(session, page, marketcore.url, Path(scratch))
                async with running_server(create_asgi_app(bot_settings)) as bot:
                    link.bot_url = bot
                    yield RunningDemo(page, bot, marketcore.url, slack, simulator)


def with_policy(settings: Settings, policy: Path | None) -> Settings:
    """The settings with `policy` as their access policy file, checked as at start-up."""
    if policy is None:
        return settings
    if not policy.is_file():
        raise ConfigError(f"--policy: no such file: {policy}")
    load_policy(policy)  # a broken file stops the demo here, naming the line at fault
    return settings.model_copy(update={"ACCESS_POLICY_FILE": policy})


def session_settings(settings: Settings) -> Settings:
    """The settings with a bot token and signing secret, made up for this session if absent.

    The stand-in Slack accepts whatever token it is given, so nothing real is needed.
    """
    update: dict[str, SecretStr] = {}
    if settings.SLACK_BOT_TOKEN is None:
        update["SLACK_BOT_TOKEN"] = SecretStr(f"xoxb-demo-{secrets.token_hex(12)}")
    if settings.SLACK_SIGNING_SECRET is None:
        update["SLACK_SIGNING_SECRET"] = SecretStr(secrets.token_hex(16))
    return settings.model_copy(update=update)


def _pointed_at(settings: Settings, page: str, marketcore: str, scratch: Path) -> Settings:
    update: dict[str, str | None] = {
        "SLACK_API_URL": f"{page}/slack/api/",
        "MARKETCORE_MCP_URL": marketcore,
        # The page plays one workspace, on the session's bot token: no OAuth installs.
        "SLACK_CLIENT_ID": None,
        "SLACK_CLIENT_SECRET": None,
    }
    if "DATABASE_URL" not in settings.model_fields_set:
        # The stand-in Slack forgets its messages when the demo stops, so runs tracked
        # in a lasting database would point at messages that no longer exist.
        update["DATABASE_URL"] = f"sqlite:///{scratch / 'demo.db'}"
    return settings.model_copy(update=update)


def _secret_text(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


async def _forever() -> None:
    await asyncio.Event().wait()  # until Ctrl-C cancels the main task
