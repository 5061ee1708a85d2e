"""Quiet channels: a short status message, its details in one thread reply, a DM on request."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.home import HOME_NOTIFY_ACTION_ID
from bot.playground import slack_requests
from bot.simulator_data import WAREHOUSE_ERROR
from tests.scenarios.harness import (
    CHANNEL,
    SIGNING_SECRET,
    USER,
    World,
    message_text,
    shown_text,
    top_level_messages,
    typed,
)
from tests.scenarios.slack_standin import SlackCall
from tests.scenarios.test_runs import revenue_values

OTHER_USER = "U_OTHER"
# Long enough for a second edit or DM to show up, if the bot were to send one.
SETTLE_SECONDS = 0.6


async def _run(world: World, name: str, *, user_id: str = USER) -> None:
    """Start `name` from `/run-workflow` in the channel; returns once it is submitted."""
    await world.command(name, user_id=user_id)
    form = await world.wait_for_form()
    if name == "Revenue report":
        values = revenue_values(form)
    elif name == "Warehouse backfill":
        values = {"/days": {"value": typed(form, "/days", "3")}}
    else:
        values = {}
    await world.submit(form, values, user_id=user_id)
    world.slack.views.clear()


def _status(world: World) -> dict[str, Any]:
    (status,) = top_level_messages(world.slack)
    return status


def _replies(world: World) -> list[dict[str, Any]]:
    """The thread replies as they stand now."""
    return [message for message in world.slack.messages.values() if message["thread_ts"]]


def _dms_to(world: World, user_id: str) -> list[SlackCall]:
    # A message posted to a person's user id lands in their DM with the app.
    return [call for call in world.posts() if call.args["channel"] == user_id]


async def _fail_the_next_post_after(world: World, failure: str) -> None:
    """Fail the `chat.postMessage` after the next one: the thread reply after its status.

    `fail_next` is taken by the very next call, so it is set only once the status post has
    arrived. The stand-in takes it in the same step that records the call, and serves in this
    event loop, so checking at every turn of the loop sets it before the reply can arrive.
    """
    seen = len(world.slack.calls_to("chat.postMessage"))
    async with asyncio.timeout(10):
        while len(world.slack.calls_to("chat.postMessage")) == seen:
            await asyncio.sleep(0)
    world.slack.fail_next["chat.postMessage"] = failure


async def _open_home(world: World, user_id: str) -> dict[str, Any]:
    request = slack_requests.app_home_opened(SIGNING_SECRET, user_id=user_id)
    assert (await world.send(request)).status == 200
    await world.slack.wait_for(lambda: user_id in world.slack.home_views, timeout=10)
    return world.slack.home_views[user_id]


def _notify_checkbox(home: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The Home's DM checkbox and the id of the block holding it."""
    for block in home["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == HOME_NOTIFY_ACTION_ID:
                return str(block["block_id"]), dict(element)
    raise AssertionError("the Home shows no DM checkbox")


async def _set_dm_choice(world: World, user_id: str, *, ticked: bool) -> None:
    """Tick or clear the Home's DM checkbox, as Slack reports the change, and wait for it."""
    home = world.slack.home_views.get(user_id) or await _open_home(world, user_id)
    block_id, checkbox = _notify_checkbox(home)
    action = {
        "type": "checkboxes",
        "action_id": HOME_NOTIFY_ACTION_ID,
        "block_id": block_id,
        "selected_options": checkbox["options"] if ticked else [],
    }
    request = slack_requests.block_actions(
        SIGNING_SECRET, view=home, action=action, user_id=user_id
    )
    assert (await world.send(request)).status == 200

    def shown_as_chosen() -> bool:
        _, now = _notify_checkbox(world.slack.home_views[user_id])
        return ("initial_options" in now) is ticked

    await world.slack.wait_for(shown_as_chosen, timeout=10)


# The thread reply.


async def test_the_inputs_go_to_one_reply_in_the_status_messages_thread(world: World) -> None:
    await _run(world, "Revenue report")
    await world.slack.wait_for(lambda: bool(world.thread_posts()), timeout=10)

    status = _status(world)
    assert status["channel"] == CHANNEL
    assert "<@U123>" in shown_text(status)
    assert "Revenue report" in shown_text(status)
    assert "https://app.marketcore.ai/workflows/" in shown_text(status)
    for value in ("EMEA", "2026-Q4", "Region"):
        assert value not in shown_text(status)

    (reply,) = world.thread_posts()
    assert reply.args["channel"] == CHANNEL
    assert reply.args["thread_ts"] == status["ts"]
    assert "EMEA" in message_text(reply)
    assert "2026-Q4" in message_text(reply)
    assert "not ended yet" in message_text(reply)
    # Posted right after the status message, before anything else was posted.
    assert world.slack.calls_to("chat.postMessage")[:2] == [world.posts()[0], reply]
    assert world.slack.problems == []


async def test_when_the_run_ends_its_reply_is_edited_once_to_say_how_long_it_took(
    world: World,
) -> None:
    await _run(world, "Revenue report")
    await world.slack.wait_for(lambda: bool(world.thread_updates()), timeout=10)
    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    status = _status(world)
    (reply,) = _replies(world)
    assert reply["thread_ts"] == status["ts"]
    (edit,) = world.thread_updates()
    assert (edit.args["channel"], edit.args["ts"]) == (CHANNEL, reply["ts"])
    assert reply["edits"] == 1
    assert "took " in shown_text(reply)
    assert "ended <!date^" in shown_text(reply)
    assert "not ended yet" not in shown_text(reply)
    assert "EMEA" in shown_text(reply)

    assert status["edits"] == 1
    assert "succeeded" in shown_text(status)
    assert "took " in shown_text(status)
    assert "EMEA" not in shown_text(status)
    assert len(world.posts()) == 1
    assert world.slack.problems == []


async def test_a_run_that_fails_at_dispatch_still_gets_its_reply_already_ended(
    world: World,
) -> None:
    await _run(world, "Warehouse backfill")
    await world.slack.wait_for(lambda: bool(world.thread_posts()), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    status = _status(world)
    assert "failed" in shown_text(status)
    assert WAREHOUSE_ERROR in shown_text(status)
    (reply,) = _replies(world)
    assert reply["thread_ts"] == status["ts"]
    assert "3" in str(reply["blocks"])
    assert "took 0s" in shown_text(reply)
    # Shown final from the start, so nothing is left to edit.
    assert world.thread_updates() == []
    assert world.updates() == []


async def test_a_run_skipped_at_dispatch_still_gets_its_reply(world: World) -> None:
    await _run(world, "Inventory refresh")
    await world.slack.wait_for(lambda: bool(world.thread_posts()), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    status = _status(world)
    assert "no work was needed" in shown_text(status)
    (reply,) = _replies(world)
    assert reply["thread_ts"] == status["ts"]
    assert "No inputs were given." in shown_text(reply)
    assert "took 0s" in shown_text(reply)
    assert world.thread_updates() == []
    assert world.updates() == []


# The direct message when a run ends.


async def test_only_whoever_asked_for_it_gets_a_dm_when_their_run_ends(world: World) -> None:
    await _set_dm_choice(world, USER, ticked=True)

    await _run(world, "Nightly sync")
    await _run(world, "Nightly sync", user_id=OTHER_USER)
    await world.slack.wait_for(lambda: len(world.updates()) == 2, timeout=10)
    await world.slack.wait_for(lambda: bool(_dms_to(world, USER)), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    (dm,) = _dms_to(world, USER)
    assert "Nightly sync" in message_text(dm)
    assert "succeeded" in message_text(dm)
    assert "See its status message" in message_text(dm)
    assert "thread_ts" not in dm.args
    assert _dms_to(world, OTHER_USER) == []
    # Besides the two status messages, that one DM is all that was posted.
    assert sorted(call.args["channel"] for call in world.posts()) == sorted(
        [CHANNEL, CHANNEL, USER]
    )
    assert world.slack.problems == []


async def test_no_dm_once_the_choice_is_cleared_again(world: World) -> None:
    await _set_dm_choice(world, USER, ticked=True)
    await _set_dm_choice(world, USER, ticked=False)

    await _run(world, "Nightly sync")
    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
    await world.slack.wait_for(lambda: bool(world.thread_updates()), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    assert _dms_to(world, USER) == []
    assert len(world.posts()) == 1


async def test_the_dm_says_how_a_run_that_fails_later_ended(world: World) -> None:
    await _set_dm_choice(world, USER, ticked=True)

    await _run(world, "Quarterly close checklist")
    await world.slack.wait_for(lambda: bool(_dms_to(world, USER)), timeout=15)
    await asyncio.sleep(SETTLE_SECONDS)

    (dm,) = _dms_to(world, USER)
    assert "failed" in message_text(dm)
    assert "Quarterly close checklist" in message_text(dm)
    assert len(world.updates()) == 1


async def test_a_run_that_ends_at_dispatch_is_told_by_dm_once(world: World) -> None:
    await _set_dm_choice(world, USER, ticked=True)

    await _run(world, "Warehouse backfill")
    await world.slack.wait_for(lambda: bool(_dms_to(world, USER)), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    (dm,) = _dms_to(world, USER)
    assert "Warehouse backfill" in message_text(dm)
    assert "failed" in message_text(dm)
    assert world.updates() == []


# Slack failing the reply.


async def test_a_refused_reply_leaves_the_status_alone_and_is_posted_on_a_later_poll(
    world: World,
) -> None:
    failing = asyncio.create_task(_fail_the_next_post_after(world, "internal_error"))
    await _run(world, "Revenue report")
    await failing
    await world.slack.wait_for(lambda: bool(_replies(world)), timeout=10)
    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    assert len(world.thread_posts()) == 2  # the refused one, then the one that stayed
    status = _status(world)
    assert len(world.posts()) == 1
    assert status["edits"] == 1
    assert "succeeded" in shown_text(status)
    (reply,) = _replies(world)
    assert reply["thread_ts"] == status["ts"]
    assert "EMEA" in shown_text(reply)
    assert "took " in shown_text(reply)


async def test_a_reply_slack_answers_with_a_server_error_is_retried_into_one(
    world: World,
) -> None:
    failing = asyncio.create_task(_fail_the_next_post_after(world, "http_503"))
    await _run(world, "Revenue report")
    await failing
    await world.slack.wait_for(lambda: bool(_replies(world)), timeout=10)
    await world.slack.wait_for(lambda: bool(world.thread_updates()), timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    assert len(world.thread_posts()) == 2  # the one Slack failed, and the client's retry
    assert len(world.posts()) == 1
    assert _status(world)["edits"] == 1
    (reply,) = _replies(world)
    assert reply["thread_ts"] == _status(world)["ts"]
    assert reply["edits"] == 1


async def test_a_refused_reply_to_a_run_ended_at_dispatch_leaves_one_final_status(
    world: World,
) -> None:
    failing = asyncio.create_task(_fail_the_next_post_after(world, "internal_error"))
    await _run(world, "Warehouse backfill")
    await failing
    await world.slack.wait_for(lambda: len(world.thread_posts()) == 1, timeout=10)
    await asyncio.sleep(SETTLE_SECONDS)

    status = _status(world)
    assert "failed" in shown_text(status)
    assert WAREHOUSE_ERROR in shown_text(status)
    assert status["edits"] == 0
    assert len(world.posts()) == 1
    assert world.updates() == []
    assert _replies(world) == []  # logged and left: the status already says it all


async def test_a_refused_status_post_is_not_taken_for_the_reply(world: World) -> None:
    # The next post is the status message itself: it is retried, and the reply follows it.
    world.slack.fail_next["chat.postMessage"] = "http_503"
    await _run(world, "Revenue report")
    await world.slack.wait_for(lambda: bool(_replies(world)), timeout=10)

    status = _status(world)
    (reply,) = _replies(world)
    assert reply["thread_ts"] == status["ts"]
    assert "EMEA" not in shown_text(status)
    assert len([call for call in world.posts() if call.args["channel"] == CHANNEL]) == 2
