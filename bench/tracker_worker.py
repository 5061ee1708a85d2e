"""The tracker alone in a child process, so its CPU time and memory can be read apart.

    python -m bench.tracker_worker DATABASE_FILE MARKETCORE_URL SLACK_API_URL POLL_RATE

It runs until SIGTERM, then exits; the parent reads /proc for CPU time and peak RSS.
"""

from __future__ import annotations

import asyncio
import cProfile
import logging
import os
import signal
import sys

from pydantic import SecretStr

from bot.config import Settings
from bot.marketcore import MarketCore
from bot.publisher import SlackPublisher
from bot.run_thread import RunThreads
from bot.runtime import build_slack_client, open_slack_session
from bot.slack_clients import SlackClients
from bot.store import open_store
from bot.tracker import RunTracker


async def track(database: str, marketcore_url: str, slack_url: str, poll_rate: float) -> None:
    """The tracker as `Runtime.start` builds it, except for Slack's edit budget (see below)."""
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN=SecretStr("xoxb-bench"),
        SLACK_SIGNING_SECRET=SecretStr("bench"),
        SLACK_API_URL=slack_url,
        MARKETCORE_MCP_URL=marketcore_url,
        DATABASE_URL=f"sqlite:///{database}",
    )
    store = await open_store(settings.DATABASE_URL)
    marketcore = MarketCore(settings.MARKETCORE_MCP_URL)
    await marketcore.start()
    async with open_slack_session() as session:
        clients = SlackClients(build_slack_client(settings, session))
        tracker = RunTracker(
            store,
            marketcore,
            SlackPublisher(clients),
            poll_rate=poll_rate,
            # Far above Slack's tier: the benchmark measures the tracker, not Slack's limit.
            edit_rate=1000.0,
            threads=RunThreads(clients, store),
        )
        await tracker.start()
        await stop.wait()
        await tracker.stop()
    await marketcore.aclose()
    await store.close()


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.ERROR)
    database, marketcore_url, slack_url, rate = argv
    profile_to = os.environ.get("BENCH_PROFILE")  # a file name: where cProfile stats go
    if not profile_to:
        asyncio.run(track(database, marketcore_url, slack_url, float(rate)))
        return
    with cProfile.Profile() as profile:
        asyncio.run(track(database, marketcore_url, slack_url, float(rate)))
    profile.dump_stats(profile_to)


if __name__ == "__main__":
    main(sys.argv[1:])
