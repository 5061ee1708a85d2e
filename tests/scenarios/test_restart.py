"""The bot killed with SIGKILL mid-run and started again: the message is still edited once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import IO, Protocol

import aiohttp

from bot.simulator import Simulator, SimulatorServer
from tests.scenarios.harness import (
    BOT_TOKEN,
    SIGNING_SECRET,
    World,
    chosen,
    message_text,
    top_level_messages,
    wait_until,
)
from tests.scenarios.servers import running_server
from tests.scenarios.slack_standin import SlackStandIn

ACTION = "value"

LEASE_SECONDS = 8
BotProcess = AbstractAsyncContextManager[asyncio.subprocess.Process]


class StartBot(Protocol):
    def __call__(self, *, healthy: bool = True) -> BotProcess: ...


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def bot_process(
    port: int, slack_url: str, marketcore_url: str, database: Path, *, healthy: bool = True
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`workflow-bot serve` as its own process, ready when `/healthz` answers 200
    (or at once, with `healthy=False`, to catch it while it starts).

    Its log is appended to `bot.log` beside the database, across restarts.
    """
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{slack_url}/api/",
        "MARKETCORE_MCP_URL": marketcore_url,
        "DATABASE_URL": f"sqlite:///{database}",
        "LOG_FORMAT": "text",  # what `logged_errors` reads
        # A killed process's claims run out after this, so the next one takes its runs over.
        "TRACKER_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    with (database.parent / "bot.log").open("ab") as log:
        process = await _start(port, env, database.parent, log)
    try:
        if healthy:
            await _wait_healthy(port)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


def logged_errors(tmp_path: Path) -> list[str]:
    """ERROR lines and tracebacks the bot processes wrote to `bot.log` so far."""
    log = tmp_path / "bot.log"
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if " ERROR " in line or line.startswith("Traceback")]


async def _start(
    port: int, env: dict[str, str], cwd: Path, log: IO[bytes]
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )


async def _wait_healthy(port: int) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)
    raise AssertionError("the bot did not become healthy")


@contextlib.asynccontextmanager
async def standins(tmp_path: Path, *, run_seconds: float) -> AsyncIterator[tuple[World, StartBot]]:
    """Stand-in Slack and the simulator in this process; the bot started on demand.

    Yields the world to drive and a function that starts `workflow-bot serve` against it,
    always on the same port and database, so a restarted bot picks up where one died.
    """
    slack = SlackStandIn(token=BOT_TOKEN)
    simulator = Simulator(run_seconds=run_seconds)
    port = free_port()
    async with (
        running_server(slack.asgi_app()) as slack_url,
        SimulatorServer(simulator) as marketcore,
        aiohttp.ClientSession() as http,
    ):
        world = World(slack, simulator, slack_url, f"http://127.0.0.1:{port}", http)
        yield (
            world,
            lambda healthy=True: bot_process(
                port, slack_url, marketcore.url, tmp_path / "bot.db", healthy=healthy
            ),
        )


async def test_a_run_survives_sigkill_and_its_message_is_edited_exactly_once(
    tmp_path: Path,
) -> None:
    async with standins(tmp_path, run_seconds=4.0) as (world, bot):
        slack = world.slack
        async with bot() as process:
            await world.command("Quarterly close checklist")
            form = await world.wait_for_form()
            await world.submit(form, {"/quarter": {ACTION: chosen(form, "/quarter", "2026-Q4")}})
            await slack.wait_for(lambda: bool(world.posts()))
            await asyncio.sleep(0.5)  # past the moment the message's ts is saved
            process.send_signal(signal.SIGKILL)
            await process.wait()

        assert world.updates() == []
        await asyncio.sleep(4.0)  # the run ends while the bot is down

        async with bot():
            await slack.wait_for(lambda: bool(world.updates()), timeout=15)
            await asyncio.sleep(1.0)  # room for a duplicate to show up, if there were one

        assert len(world.posts()) == 1
        assert len(world.updates()) == 1
        ((channel, ts),) = [(m["channel"], m["ts"]) for m in top_level_messages(slack)]
        update = world.updates()[0]
        assert (channel, update.args["channel"], update.args["ts"]) == ("C123", channel, ts)
        assert "failed" in message_text(update)


async def test_sigterm_lets_a_dispatch_in_flight_finish_before_exiting(tmp_path: Path) -> None:
    async with standins(tmp_path, run_seconds=30.0) as (world, bot):
        simulator = world.simulator
        async with bot() as process:
            await world.command("Nightly sync")
            form = await world.wait_for_form()
            simulator.tool_delays["run_workflow"] = 1.5
            await world.submit(form, {})
            await asyncio.sleep(0.3)  # the dispatch is now waiting on MarketCore

            process.send_signal(signal.SIGTERM)
            # Uvicorn shuts down cleanly, then re-raises the signal it caught.
            assert await asyncio.wait_for(process.wait(), timeout=15) == -signal.SIGTERM

        assert len(world.runs_dispatched()) == 1
        assert len(world.posts()) == 1
        assert "running" in message_text(world.posts()[0])


async def test_a_dispatch_cut_short_by_sigkill_is_reported_as_unknown_after_restart(
    tmp_path: Path,
) -> None:
    async with standins(tmp_path, run_seconds=30.0) as (world, bot):
        slack, simulator = world.slack, world.simulator
        async with bot() as process:
            await world.command("Nightly sync")
            form = await world.wait_for_form()
            simulator.tool_delays["run_workflow"] = 2.0
            await world.submit(form, {})
            await wait_until(lambda: bool(world.runs_dispatched()))
            process.send_signal(signal.SIGKILL)  # MarketCore has the request, not its answer
            await process.wait()

        async with bot():
            await slack.wait_for(lambda: bool(slack.calls_to("chat.postEphemeral")), timeout=15)
            await asyncio.sleep(1.0)

        (note,) = slack.calls_to("chat.postEphemeral")
        assert "can't tell whether the run started" in note.args["text"]
        assert note.args["user"] == "U123"
        assert world.posts() == []
