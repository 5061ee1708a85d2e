"""The App Home through the running app: drawn when opened, Run from it, the preference."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.app_home import AppHome
from bot.home import HOME_NOTIFY_ACTION_ID, HOME_RUN_ACTION_ID, NOTIFY_OPTION_VALUE
from bot.models import RunStatus, TrackedRun
from bot.playground import slack_requests
from bot.simulator_data import NIGHTLY_SYNC_ID
from bot.slack_clients import SlackClients
from bot.store import open_store
from tests.scenarios.harness import (
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    USER,
    World,
    running_world,
    wait_until,
)
from tests.scenarios.servers import running_server
from tests.scenarios.slack_standin import SlackStandIn
from tests.scenarios.test_runs import revenue_values

OTHER_USER = "U_OTHER"


async def _open_home(world: World, user_id: str = USER, *, tab: str = "home") -> None:
    request = slack_requests.app_home_opened(
        SIGNING_SECRET, user_id=user_id, tab=tab, view=world.slack.home_views.get(user_id)
    )
    assert (await world.send(request)).status == 200


async def _home_showing(world: World, text: str, user_id: str = USER) -> dict[str, Any]:
    """The person's Home once it shows `text`."""

    def shows() -> bool:
        return text in str(world.slack.home_views.get(user_id, {}).get("blocks"))

    await world.slack.wait_for(shows, timeout=10)
    return world.slack.home_views[user_id]


async def _run(world: World, name: str, *, user_id: str = USER) -> None:
    """Start `name` from `/run-workflow` in the channel and wait for its status message."""
    posts_before = len(world.posts())
    await world.command(name, user_id=user_id)
    form = await world.wait_for_form()
    values = revenue_values(form) if name == "Revenue report" else {}
    await world.submit(form, values, user_id=user_id)
    await world.slack.wait_for(lambda: len(world.posts()) > posts_before, timeout=10)
    world.slack.views.clear()


def _element(home: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in home["blocks"]:
        for element in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return dict(element) | {"block_id": block["block_id"]}
    raise AssertionError(f"no {action_id} in the Home")


async def _press(
    world: World, home: dict[str, Any], action: dict[str, Any], *, trigger_id: str | None = None
) -> None:
    request = slack_requests.block_actions(
        SIGNING_SECRET, view=home, action=action, trigger_id=trigger_id
    )
    assert (await world.send(request)).status == 200


async def _tick_notify(world: World, home: dict[str, Any], ticked: bool) -> None:
    checkbox = _element(home, HOME_NOTIFY_ACTION_ID)
    selected = checkbox["options"] if ticked else []
    action = {
        "type": "checkboxes",
        "action_id": HOME_NOTIFY_ACTION_ID,
        "block_id": checkbox["block_id"],
        "selected_options": selected,
    }
    await _press(world, home, action)


def _notify_shown_ticked(world: World) -> bool:
    return "initial_options" in _element(world.slack.home_views[USER], HOME_NOTIFY_ACTION_ID)


async def test_the_home_lists_the_persons_own_runs_and_nobody_elses(world: World) -> None:
    await _run(world, "Revenue report")
    await _run(world, "Nightly sync", user_id=OTHER_USER)

    await _open_home(world)
    home = await _home_showing(world, "Revenue report")

    assert home["type"] == "home"
    assert "Nightly sync" not in str(home["blocks"])
    assert "<!date^" in str(home["blocks"])
    assert _element(home, HOME_RUN_ACTION_ID)["value"] != NIGHTLY_SYNC_ID
    assert world.slack.problems == []


async def test_someone_new_sees_how_to_start_and_the_messages_tab_is_left_alone(
    world: World,
) -> None:
    await _open_home(world, tab="messages")
    await _open_home(world, OTHER_USER)

    home = await _home_showing(world, "haven't run any workflows yet", OTHER_USER)
    assert "/run-workflow" in str(home["blocks"])
    await asyncio.sleep(0.3)
    assert [call.args["user_id"] for call in world.slack.calls_to("views.publish")] == [OTHER_USER]


async def test_run_on_the_home_opens_the_form_and_the_status_goes_to_the_dm(
    world: World,
) -> None:
    await _run(world, "Nightly sync")
    await _open_home(world)
    home = await _home_showing(world, "Nightly sync")

    trigger_id = world.slack.issue_trigger_id()
    button = _element(home, HOME_RUN_ACTION_ID)
    await _press(world, home, {"type": "button", **button}, trigger_id=trigger_id)
    form = await world.wait_for_form()

    (_, opened) = world.slack.calls_to("views.open")
    assert opened.args["trigger_id"] == trigger_id
    assert button["value"] == NIGHTLY_SYNC_ID
    await world.submit(form, {})
    await world.slack.wait_for(lambda: len(world.posts()) == 2, timeout=10)

    dm_post = world.posts()[1]
    assert dm_post.args["channel"] == USER
    (dm_channel,) = {channel for channel, _ in world.slack.messages if channel != CHANNEL}
    assert dm_channel.startswith("D")
    assert world.slack.problems == []


async def test_the_preference_is_saved_and_still_shown_after_a_restart(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    async with running_world(database) as world:
        await _open_home(world)
        home = await _home_showing(world, "direct message when my runs end")
        assert "initial_options" not in _element(home, HOME_NOTIFY_ACTION_ID)

        await _tick_notify(world, home, ticked=True)
        await world.slack.wait_for(lambda: _notify_shown_ticked(world))

    async with running_world(database) as restarted:
        await _open_home(restarted)
        home = await _home_showing(restarted, "direct message when my runs end")
        checkbox = _element(home, HOME_NOTIFY_ACTION_ID)
        assert [option["value"] for option in checkbox["initial_options"]] == [NOTIFY_OPTION_VALUE]

        await _tick_notify(restarted, home, ticked=False)
        await restarted.slack.wait_for(lambda: not _notify_shown_ticked(restarted))
        assert restarted.slack.problems == []


async def test_a_run_ending_refreshes_the_home_of_whoever_had_it_open(world: World) -> None:
    await _open_home(world)
    await _home_showing(world, "haven't run any workflows yet")

    await _run(world, "Revenue report")
    await _run(world, "Nightly sync", user_id=OTHER_USER)
    await world.slack.wait_for(lambda: len(world.updates()) == 2, timeout=10)
    home = await _home_showing(world, "*succeeded*")

    assert "Revenue report" in str(home["blocks"])
    assert OTHER_USER not in world.slack.home_views
    assert world.slack.problems == []


async def test_a_thousand_runs_ending_at_once_cost_one_publish_per_watcher(
    tmp_path: Path,
) -> None:
    slack = SlackStandIn(token=BOT_TOKEN)
    store = await open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    async with running_server(slack.asgi_app()) as slack_url:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{slack_url}/api/")
        home = AppHome(SlackClients(client), store, coalesce_seconds=0.2, publish_rate=50.0)
        home.start()
        try:
            for watcher in ("U1", "U2", "U3"):
                await home.opened(watcher)

            started = time.monotonic()
            for number in range(1000):
                await home.run_changed(_ended_run(number, f"U{number % 10}"))
            announcing = time.monotonic() - started

            await wait_until(lambda: len(slack.calls_to("views.publish")) == 6)
            await asyncio.sleep(0.5)  # room for a duplicate to show up, if there were one
        finally:
            await home.stop()
            await store.close()

    assert announcing < 0.5
    publishes = [call.args["user_id"] for call in slack.calls_to("views.publish")]
    assert sorted(publishes[3:]) == ["U1", "U2", "U3"]


async def test_a_failing_publish_is_logged_and_never_reaches_the_run(tmp_path: Path) -> None:
    slack = SlackStandIn(token=BOT_TOKEN)
    store = await open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    async with running_server(slack.asgi_app()) as slack_url:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{slack_url}/api/")
        home = AppHome(SlackClients(client), store, coalesce_seconds=0.05)
        home.start()
        try:
            slack.fail_next["views.publish"] = "not_enabled"
            await home.opened("U1")
            await home.run_changed(_ended_run(1, "U1"))
            await wait_until(lambda: "U1" in slack.home_views)
        finally:
            await home.stop()
            await store.close()

    assert len(slack.calls_to("views.publish")) == 2


def _ended_run(number: int, requester_id: str) -> TrackedRun:
    return TrackedRun(
        run_id=f"run-{number}",
        workflow_id="wf-1",
        workflow_name="Revenue report",
        channel_id=CHANNEL,
        requester_id=requester_id,
        status=RunStatus.SUCCEEDED,
        link_url=f"https://app.marketcore.ai/workflows/wf-1/runs/run-{number}",
        error_reason=None,
        inputs_summary=(),
        response_url=None,
        dispatched_at=time.time() - 60,
        ended_at=time.time(),
    )
