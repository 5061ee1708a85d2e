"""Load: 200 concurrent commands, then 1,000 tracked runs with MarketCore restarted once."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from tests.scenarios.harness import RUN_CALLBACK_ID, World, running_world

COMMANDS = 200
RUNS = 1000
CONCURRENCY = 40


async def _bounded(count: int, work: object) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(index: int) -> None:
        async with gate:
            await work(index)  # type: ignore[operator]

    await asyncio.gather(*(one(index) for index in range(count)))


def _forms(world: World) -> list[dict[str, object]]:
    return [
        view for view in world.slack.views.values() if view.get("callback_id") == RUN_CALLBACK_ID
    ]


async def test_two_hundred_concurrent_commands_all_get_their_form(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db") as world:
        started = time.monotonic()
        responses = await asyncio.gather(*(world.command("Nightly sync") for _ in range(COMMANDS)))
        assert {response.status for response in responses} == {200}
        assert max(response.at for response in responses) - started < 3.0 * 4  # acks are quick

        await world.slack.wait_for(lambda: len(_forms(world)) == COMMANDS, timeout=60)
        assert world.slack.problems == []


async def test_a_thousand_runs_each_get_one_message_and_one_final_edit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    # The stand-ins have no rate tiers: let the tracker poll and edit as fast as it can.
    async with running_world(
        tmp_path / "bot.db",
        run_seconds=4.0,
        first_poll=2.0,
        SLACK_EDIT_RATE=500.0,
        MARKETCORE_POLL_RATE=500.0,
    ) as world:
        began = time.monotonic()
        await _bounded(RUNS, lambda _: world.command("Nightly sync"))
        await world.slack.wait_for(lambda: len(_forms(world)) == RUNS, timeout=120)

        forms = _forms(world)
        await _bounded(RUNS, lambda i: world.submit(forms[i], {}))
        await world.slack.wait_for(lambda: len(world.posts()) == RUNS, timeout=120)
        assert len(world.runs_dispatched()) == RUNS

        # MarketCore restarts while the runs are being watched and ending.
        assert world.marketcore is not None
        await world.marketcore.stop()
        await asyncio.sleep(2.0)
        await world.marketcore.start()

        dispatched = len(world.runs_dispatched())
        submitted = time.monotonic()
        await world.slack.wait_for(lambda: len(world.updates()) >= dispatched, timeout=180)
        print(
            f"commands+submits {submitted - began:.1f}s, "
            f"last edit {time.monotonic() - submitted:.1f}s later, "
            f"{len(world.simulator.calls)} MarketCore calls"
        )
        await asyncio.sleep(2.0)  # room for a duplicate to show up

        assert len(world.posts()) == dispatched
        assert len(world.updates()) == dispatched
        edited = {(call.args["channel"], call.args["ts"]) for call in world.updates()}
        assert len(edited) == dispatched

    unhandled = [record for record in caplog.records if record.exc_info is not None]
    assert unhandled == []
