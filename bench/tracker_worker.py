"""The tracker alone in a child process, so its CPU time and memory can be read apart.

    python -m bench.tracker_worker DATABASE_FILE MARKETCORE_URL SLACK_API_URL POLL_RATE

It runs until SIGTERM, then exits; the parent reads /proc for CPU time and peak RSS.
"""

from __future__ import annotations

import asyncio
import cProfile
import logging
import os
import pathlib
import signal
import sys

from slack_sdk.web.async_client import AsyncWebClient

from bot.marketcore import MarketCore
from bot.publisher import SlackPublisher
from bot.slack_clients import SlackClients
from bot.store import Store
from bot.tracker import RunTracker


async def track(database: str, marketcore_url: str, slack_url: str, poll_rate: float) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    store = await Store.open(pathlib.Path(database))
    marketcore = MarketCore(marketcore_url)
    await marketcore.start()
    slack = SlackClients(AsyncWebClient(token="xoxb-bench", base_url=slack_url))
    publisher = SlackPublisher(slack)
    tracker = RunTracker(store, marketcore, publisher, poll_rate=poll_rate, edit_rate=1000.0)
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
