"""SIGKILL at each step of dispatch → post → track → edit: no message lost, none doubled.

The stand-in Slack holds the call a step is waiting on, the bot is killed while it waits,
and the held call is then dropped (Slack never acted on it) or released (Slack acted on
it, too late for the dead process to learn so). A fresh process on the same database
must finish the work: one top-level status message per run, edited to its final state.
Replies in a status message's thread are not counted as status messages.
"""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path

import pytest

from bot.models import RunStatus
from bot.simulator_data import WAREHOUSE_ERROR
from tests.scenarios.harness import (
    World,
    message_text,
    shown_text,
    top_level_messages,
    typed,
)
from tests.scenarios.slack_standin import SlackStandIn
from tests.scenarios.test_restart import LEASE_SECONDS, logged_errors, standins

# Long enough never to end on its own: each test ends its run when it needs to.
RUN_SECONDS = 600.0
_RUN_ID = re.compile(r"/runs/([0-9a-f-]{36})")


async def start_nightly_sync(world: World) -> None:
    await world.command("Nightly sync")
    await world.submit(await world.wait_for_form(), {})


def run_id_of(world: World) -> str:
    """The run id in the first status post Slack was asked for (held or not)."""
    found = _RUN_ID.search(message_text(world.posts()[0]))
    assert found is not None
    return found.group(1)


def shows(slack: SlackStandIn, *words: str) -> bool:
    """Whether there is exactly one status message, and it reads `words`."""
    messages = top_level_messages(slack)
    return len(messages) == 1 and all(word in shown_text(messages[0]) for word in words)


def edited_final(world: World) -> bool:
    """Whether a process still alive re-sent the final edit (and Slack applied it)."""
    finals = [call for call in world.updates() if "succeeded" in message_text(call)]
    return len(finals) >= 2 and shows(world.slack, "succeeded")


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def test_sigkill_before_the_status_post_lands_posts_it_once_after_restart(
    tmp_path: Path,
) -> None:
    async with standins(tmp_path, run_seconds=RUN_SECONDS) as (world, bot):
        slack = world.slack
        async with bot() as process:
            gate = slack.hold("chat.postMessage")
            await start_nightly_sync(world)
            await slack.wait_for(lambda: gate.held == 1)  # the run is stored, its post waits
            await kill(process)
        gate.drop()
        assert top_level_messages(slack) == []

        async with bot():
            await slack.wait_for(lambda: shows(slack, "running"), timeout=15)
            world.simulator.finish_run(run_id_of(world), RunStatus.SUCCEEDED)
            await slack.wait_for(lambda: shows(slack, "succeeded"), timeout=15)
            await asyncio.sleep(1.0)  # room for a duplicate to show up, if there were one

        (message,) = top_level_messages(slack)
        assert message["edits"] == 1
        assert len(world.runs_dispatched()) == 1
        assert logged_errors(tmp_path) == []


@pytest.mark.parametrize("slack_acted", [False, True], ids=["edit_lost", "edit_landed"])
async def test_sigkill_before_the_final_edit_is_recorded_edits_once_after_restart(
    tmp_path: Path, slack_acted: bool
) -> None:
    async with standins(tmp_path, run_seconds=RUN_SECONDS) as (world, bot):
        slack = world.slack
        async with bot() as process:
            await start_nightly_sync(world)
            await slack.wait_for(lambda: shows(slack, "running"))
            gate = slack.hold("chat.update")
            world.simulator.finish_run(run_id_of(world), RunStatus.SUCCEEDED)
            # The final status is recorded before any edit is sent: the edit now waits.
            await slack.wait_for(lambda: gate.held >= 1, timeout=15)
            await kill(process)
        gate.release() if slack_acted else gate.drop()

        async with bot():
            # The dead process leased the run: the edit follows when that lease runs out.
            await slack.wait_for(lambda: edited_final(world), timeout=LEASE_SECONDS + 20)
            await asyncio.sleep(1.0)

        (message,) = top_level_messages(slack)
        edits = [call for call in world.updates() if call.args["ts"] == message["ts"]]
        assert all("succeeded" in message_text(call) for call in edits)
        # An edit Slack applied but the dead process never recorded is sent again, with
        # the same content: the message reads the same, and no second one appears.
        assert message["edits"] == 1 or (slack_acted and message["edits"] == 2)
        assert len(world.posts()) == 1
        assert logged_errors(tmp_path) == []


async def test_sigkill_during_the_post_made_on_restart_still_posts_once(
    tmp_path: Path,
) -> None:
    async with standins(tmp_path, run_seconds=RUN_SECONDS) as (world, bot):
        slack = world.slack
        async with bot() as process:  # killed while posting at dispatch …
            gate = slack.hold("chat.postMessage")
            await start_nightly_sync(world)
            await slack.wait_for(lambda: gate.held == 1)
            await kill(process)
        gate.drop()

        gate = slack.hold("chat.postMessage")
        async with bot(healthy=False) as process:  # … then while posting it on start
            await slack.wait_for(lambda: gate.held == 1, timeout=15)
            await kill(process)
        gate.drop()
        assert len(world.posts()) == 2
        assert top_level_messages(slack) == []

        async with bot():
            await slack.wait_for(lambda: shows(slack, "running"), timeout=15)
            world.simulator.finish_run(run_id_of(world), RunStatus.SUCCEEDED)
            await slack.wait_for(lambda: shows(slack, "succeeded"), timeout=15)
            await asyncio.sleep(1.0)

        (message,) = top_level_messages(slack)
        assert message["edits"] == 1
        assert len(world.runs_dispatched()) == 1
        assert logged_errors(tmp_path) == []


async def test_sigkill_before_posting_a_run_that_failed_at_dispatch_posts_it_after_restart(
    tmp_path: Path,
) -> None:
    async with standins(tmp_path, run_seconds=RUN_SECONDS) as (world, bot):
        slack = world.slack
        async with bot() as process:
            gate = slack.hold("chat.postMessage")
            await world.command("Warehouse backfill")
            form = await world.wait_for_form()
            await world.submit(form, {"/days": {"value": typed(form, "/days", "3")}})
            await slack.wait_for(lambda: gate.held == 1)  # stored as ended, its post waits
            await kill(process)
        gate.drop()

        async with bot():
            await slack.wait_for(lambda: len(top_level_messages(slack)) >= 1, timeout=15)
            await asyncio.sleep(1.0)

        assert shows(slack, "failed", WAREHOUSE_ERROR)
        assert len(world.runs_dispatched()) == 1
        assert logged_errors(tmp_path) == []
