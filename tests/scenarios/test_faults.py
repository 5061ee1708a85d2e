"""Faults injected on both sides: every run still ends up shown once, and nothing crashes.

Each test counts what docs/RELIABILITY.md reports: runs dispatched, updates
delivered, duplicate messages (must be 0) and unhandled errors (must be 0).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.scenarios.harness import (
    World,
    message_text,
    running_world,
    shown_text,
    top_level_messages,
)


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Errors and unhandled exceptions logged so far; a fault test expects none."""
    caplog.set_level(logging.WARNING)

    def logged() -> list[str]:
        return [
            record.getMessage()
            for record in caplog.records
            if record.levelno >= logging.ERROR or record.exc_info is not None
        ]

    return logged


async def dispatch_sync(world: World) -> None:
    """Start one Nightly sync run (no inputs) and wait for its status message."""
    world.slack.views.clear()  # so the form found next is this command's
    await world.command("Nightly sync")
    form = await world.wait_for_form()
    before = len(world.posts())
    await world.submit(form, {})
    await world.slack.wait_for(lambda: len(world.posts()) > before)


def assert_one_message_per_run(world: World) -> None:
    # Top-level messages only: a reply in a status message's thread is not a second status.
    assert len(top_level_messages(world.slack)) == len(world.runs_dispatched())


def status_posts(world: World) -> list[str]:
    """The text of every top-level `chat.postMessage` Slack was asked for, failed or not."""
    return [message_text(call) for call in world.posts() if not call.args.get("thread_ts")]


def final_shown(world: World, state: str = "succeeded") -> bool:
    """Whether the one status message now shows `state`."""
    messages = top_level_messages(world.slack)
    return len(messages) == 1 and state in shown_text(messages[0])


async def test_a_rate_limited_edit_waits_for_retry_after_and_lands_once(
    world: World, errors: Callable[[], list[str]]
) -> None:
    world.slack.fail_next["chat.update"] = "ratelimited"
    await dispatch_sync(world)
    await world.slack.wait_for(lambda: len(world.updates()) == 2, timeout=15)

    first, second = world.updates()
    assert second.at - first.at >= 0.9  # Retry-After: 1
    assert "succeeded" in message_text(second)
    assert_one_message_per_run(world)
    assert errors() == []


async def test_a_deleted_status_message_is_posted_afresh_once(world: World) -> None:
    await dispatch_sync(world)
    world.slack.messages.clear()  # someone deleted it while the run went on

    await world.slack.wait_for(lambda: len(world.posts()) == 2, timeout=15)
    await asyncio.sleep(1.0)
    assert len(world.posts()) == 2
    assert "succeeded" in message_text(world.posts()[1])


async def test_a_stale_view_hash_is_tolerated(
    world: World, errors: Callable[[], list[str]]
) -> None:
    world.slack.fail_next["views.update"] = "hash_conflict"
    await world.command("Revenue report")
    await world.slack.wait_for(lambda: bool(world.slack.calls_to("views.update")))

    await world.command("Revenue report")  # the person tries again, and it works
    await world.wait_for_form()
    assert errors() == []


async def test_marketcore_down_at_dispatch_tells_the_person_and_posts_nothing(
    world: World,
) -> None:
    await world.command("Nightly sync")
    form = await world.wait_for_form()
    assert world.marketcore is not None
    await world.marketcore.stop()

    await world.submit(form, {})
    await world.slack.wait_for(lambda: bool(world.slack.calls_to("chat.postEphemeral")))
    note = world.slack.calls_to("chat.postEphemeral")[0].args["text"]
    assert "can't be reached" in note or "can't tell whether" in note
    assert world.posts() == []


async def test_runs_tracked_while_marketcore_restarts_still_get_their_final_edit(
    tmp_path: Path, errors: Callable[[], list[str]]
) -> None:
    async with running_world(tmp_path / "bot.db", run_seconds=2.0) as world:
        for _ in range(3):
            await dispatch_sync(world)
        assert world.marketcore is not None
        await world.marketcore.stop()
        await asyncio.sleep(3.0)  # the runs end while MarketCore is away
        await world.marketcore.start()

        await world.slack.wait_for(lambda: len(world.updates()) == 3, timeout=30)
        assert all("succeeded" in message_text(call) for call in world.updates())
        assert_one_message_per_run(world)
    assert errors() == []


async def test_a_refused_marketcore_token_is_explained_to_the_person_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_world(
        tmp_path / "bot.db", marketcore_token="stale-token", simulator_token="current-token"
    ) as world:
        await world.command("Nightly sync")
        view = await world.wait_for_view(lambda view: "credentials" in str(view["blocks"]))
        assert "An admin needs to check the bot's MarketCore token" in str(view["blocks"])

    operator_lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("MARKETCORE_API_TOKEN" in line for line in operator_lines)
    assert not any("stale-token" in line for line in operator_lines)


async def test_a_503_on_the_status_post_is_retried_and_the_run_shows_once(
    world: World, errors: Callable[[], list[str]]
) -> None:
    world.slack.fail_next["chat.postMessage"] = "http_503"
    await dispatch_sync(world)
    await world.slack.wait_for(lambda: final_shown(world), timeout=15)

    assert len(status_posts(world)) == 2  # the 503, then the client's retry
    assert_one_message_per_run(world)
    assert errors() == []


async def test_a_503_on_the_final_edit_is_retried_and_lands_once(
    world: World, errors: Callable[[], list[str]]
) -> None:
    world.slack.fail_next["chat.update"] = "http_503"
    await dispatch_sync(world)
    await world.slack.wait_for(lambda: final_shown(world), timeout=15)

    (message,) = top_level_messages(world.slack)
    assert message["edits"] == 1
    assert_one_message_per_run(world)
    assert errors() == []


async def test_a_503_outlasting_the_client_retries_is_retried_by_the_tracker(
    world: World, errors: Callable[[], list[str]]
) -> None:
    # The first try and both of the client's retries: the tracker tries again later.
    world.slack.fail_repeatedly["chat.update"] = ("http_503", 3)
    await dispatch_sync(world)
    await world.slack.wait_for(lambda: final_shown(world), timeout=30)

    (message,) = top_level_messages(world.slack)
    assert message["edits"] == 1
    assert len(world.updates()) >= 4
    assert_one_message_per_run(world)
    assert errors() == []


async def test_a_503_outlasting_the_client_retries_on_the_status_post_still_shows_the_run(
    world: World, errors: Callable[[], list[str]]
) -> None:
    world.slack.fail_repeatedly["chat.postMessage"] = ("http_503", 3)
    world.slack.views.clear()
    await world.command("Nightly sync")
    await world.submit(await world.wait_for_form(), {})
    await world.slack.wait_for(lambda: final_shown(world), timeout=30)

    assert len(status_posts(world)) >= 4
    assert_one_message_per_run(world)
    assert errors() == []
