"""`workflow-bot demo`: the MarketCore simulator and the bot, both on this machine."""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from bot.config import Settings
from bot.server import create_asgi_app
from bot.simulator import serve_simulator

logger = logging.getLogger(__name__)

_NEEDED = (
    ("SLACK_BOT_TOKEN", "Slack app settings → OAuth & Permissions → Bot User OAuth Token"),
    ("SLACK_SIGNING_SECRET", "Slack app settings → Basic Information → Signing Secret"),
)


async def run_demo(settings: Settings, *, port: int, simulator_port: int) -> int:
    """Start the simulator and, when Slack settings are present, the bot in front of it."""
    simulator_url = f"http://127.0.0.1:{simulator_port}/mcp"
    simulator = asyncio.create_task(serve_simulator("127.0.0.1", simulator_port))
    print(f"MarketCore simulator: {simulator_url}")

    missing = [(name, where) for name, where in _NEEDED if getattr(settings, name) is None]
    if missing:
        print("To connect Slack, put these in .env (see README → Slack setup) and run again:")
        for name, where in missing:
            print(f"  {name}: {where}")
        print("The simulator keeps running meanwhile; press Ctrl-C to stop.")
        await simulator
        return 0

    bot_settings = settings.model_copy(update={"MARKETCORE_MCP_URL": simulator_url})
    config = uvicorn.Config(
        create_asgi_app(bot_settings),
        host="127.0.0.1",
        port=port,
        log_level="info",
        access_log=False,
    )
    print(f"Bot: http://127.0.0.1:{port}/slack/events (health: /healthz)")
    await asyncio.gather(simulator, uvicorn.Server(config).serve())
    return 0
