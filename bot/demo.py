"""`workflow-bot demo`: the MarketCore simulator and the bot, both on this machine."""

from __future__ import annotations

import asyncio

import uvicorn

from bot.config import Settings
from bot.server import create_asgi_app
from bot.simulator import Simulator, SimulatorServer

_NEEDED = (
    ("SLACK_BOT_TOKEN", "Slack app settings → OAuth & Permissions → Bot User OAuth Token"),
    ("SLACK_SIGNING_SECRET", "Slack app settings → Basic Information → Signing Secret"),
)


async def run_demo(settings: Settings, *, port: int, simulator_port: int) -> int:
    """Start the simulator and, when Slack settings are present, the bot in front of it."""
    token = settings.MARKETCORE_API_TOKEN
    simulator = Simulator(token=token.get_secret_value() if token else None)
    async with SimulatorServer(simulator, port=simulator_port) as marketcore:
        print(f"MarketCore simulator: {marketcore.url} ({len(simulator.workflows)} workflows)")

        missing = [(name, where) for name, where in _NEEDED if getattr(settings, name) is None]
        if missing:
            print("To connect Slack, put these in .env (see README → Slack setup) and run again:")
            for name, where in missing:
                print(f"  {name}: {where}")
            print("The simulator keeps running meanwhile; press Ctrl-C to stop.")
            await asyncio.Event().wait()  # until interrupted

        bot_settings = settings.model_copy(update={"MARKETCORE_MCP_URL": marketcore.url})
        config = uvicorn.Config(
            create_asgi_app(bot_settings),
            host="127.0.0.1",
            port=port,
            log_config=None,
            access_log=False,
        )
        print(f"Bot: http://127.0.0.1:{port}/slack/events (health: /healthz)")
        await uvicorn.Server(config).serve()
    return 0
