"""Many workspaces: each run is posted, edited and followed up with its own team's token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.modals import RUN_CALLBACK_ID
from bot.playground import slack_requests
from tests.scenarios.harness import SIGNING_SECRET, World, running_world
from tests.scenarios.test_install import token_of


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running_world(tmp_path / "bot.db", oauth=True, run_seconds=0.5) as running:
        yield running


async def run_nightly_sync(world: World, *, team_id: str, channel_id: str, user_id: str) -> None:
    """Type the command in the team's channel and press Run on the confirmation."""
    shown = {view["id"] for view in world.slack.views.values()}
    await world.command("Nightly sync", team_id=team_id, channel_id=channel_id, user_id=user_id)
    form = await world.wait_for_view(
        lambda view: view.get("callback_id") == RUN_CALLBACK_ID and view["id"] not in shown
    )
    response = await world.submit(form, {}, user_id=user_id, team_id=team_id)
    assert response.status == 200


def tokens_in(calls: list[Any], channel_id: str) -> set[str]:
    return {call.token for call in calls if call.args.get("channel") == channel_id}


async def test_runs_in_two_teams_are_posted_and_edited_with_their_own_tokens(
    world: World,
) -> None:
    await world.install("T1")
    await world.install("T2")

    await run_nightly_sync(world, team_id="T1", channel_id="C1", user_id="U1")
    await run_nightly_sync(world, team_id="T2", channel_id="C2", user_id="U2")
    await world.slack.wait_for(lambda: len(world.updates()) == 2)
    await world.slack.wait_for(lambda: len(world.thread_updates()) == 2)

    first, second = token_of(world, "T1"), token_of(world, "T2")
    assert tokens_in(world.posts(), "C1") == {first}
    assert tokens_in(world.posts(), "C2") == {second}
    assert tokens_in(world.updates(), "C1") == {first}
    assert tokens_in(world.updates(), "C2") == {second}
    assert tokens_in(world.thread_posts(), "C1") == {first}
    assert tokens_in(world.thread_updates(), "C2") == {second}
    assert "succeeded" in str(world.updates()[-1].args)
    assert world.slack.problems == []


async def test_the_home_of_each_team_is_published_with_its_token(world: World) -> None:
    await world.install("T1")
    await world.install("T2")

    for team_id, user_id in (("T1", "U1"), ("T2", "U2")):
        request = slack_requests.app_home_opened(SIGNING_SECRET, user_id=user_id, team_id=team_id)
        assert (await world.send(request)).status == 200
    await world.slack.wait_for(lambda: {"U1", "U2"} <= set(world.slack.home_views))

    published = {call.args["user_id"]: call.token for call in world.slack.calls_to("views.publish")}
    assert published == {"U1": token_of(world, "T1"), "U2": token_of(world, "T2")}


async def test_a_run_ending_refreshes_its_requesters_home_with_the_teams_token(
    world: World,
) -> None:
    await world.install("T2")
    request = slack_requests.app_home_opened(SIGNING_SECRET, user_id="U2", team_id="T2")
    await world.send(request)
    await world.slack.wait_for(lambda: "U2" in world.slack.home_views)

    await run_nightly_sync(world, team_id="T2", channel_id="C2", user_id="U2")
    await world.slack.wait_for(lambda: len(world.updates()) == 1)
    await world.slack.wait_for(lambda: "succeeded" in str(world.slack.home_views["U2"]))

    publishes = world.slack.calls_to("views.publish")
    assert len(publishes) >= 2
    assert {call.token for call in publishes} == {token_of(world, "T2")}


OPS_ONLY = """
[default]
allow = false

[[rule]]
workflows = ["*"]
user_groups = ["S0OPS"]
"""


async def test_user_groups_are_looked_up_in_the_asking_workspace(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(OPS_ONLY)
    async with running_world(tmp_path / "bot.db", oauth=True, policy_file=policy) as world:
        world.slack.usergroups["S0OPS"] = ["U1"]
        await world.install("T1")

        await world.command("Nightly sync", team_id="T1", user_id="U1")
        await world.wait_for_form()

        lookups = world.slack.calls_to("usergroups.users.list")
        assert lookups
        assert {call.token for call in lookups} == {token_of(world, "T1")}
