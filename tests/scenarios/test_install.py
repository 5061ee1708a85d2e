"""Many workspaces: installs through Slack's OAuth flow, and each team's own bot token."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from bot.oauth import BOT_SCOPES, NOT_INSTALLED
from tests.scenarios import slack_requests
from tests.scenarios.harness import SIGNING_SECRET, World, running_world, wait_until


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running_world(tmp_path / "bot.db", oauth=True) as running:
        yield running


def token_of(world: World, team_id: str) -> str:
    """The bot token the stand-in issued when `team_id` installed the app."""
    tokens = [token for token, team in world.slack.oauth.workspaces.items() if team == team_id]
    assert len(tokens) == 1, f"{team_id} was issued {len(tokens)} tokens"
    return tokens[0]


async def test_install_goes_through_slack_and_saves_the_workspace(world: World) -> None:
    installed = await world.install("T1")

    assert installed.status == 200
    exchanges = world.slack.calls_to("oauth.v2.access")
    assert len(exchanges) == 1
    assert exchanges[0].token is None  # the app's credentials, never a bot token
    checks = [call for call in world.slack.calls_to("auth.test") if call.token]
    assert [call.token for call in checks] == [token_of(world, "T1")]


async def test_install_sends_the_admin_to_the_authorize_url_with_a_state(world: World) -> None:
    async with world.http.get(f"{world.bot_url}/slack/install", allow_redirects=False) as response:
        location = response.headers["Location"]
        cookie = response.headers["Set-Cookie"]

    url, _, query = location.partition("?")
    asked = parse_qs(query)
    assert response.status == 302
    assert url == f"{world.slack_url}/oauth/v2/authorize"
    assert asked["client_id"] == [world.slack.oauth.client_id]
    assert asked["scope"] == [",".join(BOT_SCOPES)]
    assert cookie.startswith(f"slack-app-oauth-state={asked['state'][0]};")


async def test_a_command_from_an_installed_team_uses_that_teams_token(world: World) -> None:
    await world.install("T1")

    response = await world.command("Revenue report", team_id="T1")

    assert response.status == 200
    await world.wait_for_form()
    opened = world.slack.calls_to("views.open")
    assert [call.token for call in opened] == [token_of(world, "T1")]
    updates = world.slack.calls_to("views.update")
    assert {call.token for call in updates} == {token_of(world, "T1")}
    assert world.slack.problems == []


async def test_two_teams_each_work_with_their_own_token(world: World) -> None:
    await world.install("T1")
    await world.install("T2")

    await world.command("Revenue report", team_id="T1")
    await world.slack.wait_for(lambda: len(world.slack.calls_to("views.update")) == 1)
    await world.command("Nightly sync", team_id="T2")
    await world.slack.wait_for(lambda: len(world.slack.calls_to("views.update")) == 2)

    opened = world.slack.calls_to("views.open")
    assert [call.token for call in opened] == [token_of(world, "T1"), token_of(world, "T2")]
    assert token_of(world, "T1") != token_of(world, "T2")


async def test_a_team_that_never_installed_is_told_so(world: World) -> None:
    await world.install("T1")

    response = await world.command("Revenue report", team_id="T9")

    assert response.status == 200
    await world.slack.wait_for(lambda: bool(world.slack.response_url_posts))
    assert world.slack.response_url_posts[0]["text"] == NOT_INSTALLED
    assert world.slack.calls_to("views.open") == []


def installed_teams(database: Path) -> set[str]:
    """The workspaces Bolt's installation store holds a bot token for."""
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT team_id FROM slack_bots").fetchall()
    db.close()
    return {str(team) for (team,) in rows}


async def test_a_team_that_uninstalls_is_forgotten_and_told_so_afterwards(
    world: World, tmp_path: Path
) -> None:
    await world.install("T1")
    await world.install("T2")

    removed = await world.send(slack_requests.app_uninstalled(SIGNING_SECRET, team_id="T1"))
    assert removed.status == 200
    # Bolt acknowledges the event first and forgets the workspace right after.
    await wait_until(lambda: installed_teams(tmp_path / "bot.db") == {"T2"})
    await world.command("Revenue report", team_id="T1")
    await world.slack.wait_for(lambda: bool(world.slack.response_url_posts))

    assert world.slack.response_url_posts[0]["text"] == NOT_INSTALLED
    assert world.slack.calls_to("views.open") == []
    await world.command("Revenue report", team_id="T2")  # the other workspace carries on
    await world.wait_for_form()


async def test_a_forged_state_is_refused(world: World) -> None:
    code = world.slack.oauth.issue_code("T1")
    forged = "forged-state"

    async with world.http.get(
        f"{world.bot_url}/slack/oauth_redirect",
        params={"code": code, "state": forged},
        headers={"Cookie": f"slack-app-oauth-state={forged}"},
        allow_redirects=False,
    ) as response:
        status = response.status

    assert status == 401
    assert world.slack.calls_to("oauth.v2.access") == []
    assert world.slack.oauth.workspaces == {}


async def test_a_state_already_used_is_refused(world: World) -> None:
    async with world.http.get(f"{world.bot_url}/slack/install", allow_redirects=False) as response:
        state = parse_qs(response.headers["Location"].partition("?")[2])["state"][0]
    redirect = f"{world.bot_url}/slack/oauth_redirect"
    cookie = {"Cookie": f"slack-app-oauth-state={state}"}

    first_code, second_code = world.slack.oauth.issue_code("T1"), world.slack.oauth.issue_code("T2")

    async with world.http.get(
        redirect, params={"code": first_code, "state": state}, headers=cookie
    ) as first:
        assert first.status == 200
    async with world.http.get(
        redirect, params={"code": second_code, "state": state}, headers=cookie
    ) as replayed:
        assert replayed.status == 401

    assert set(world.slack.oauth.workspaces.values()) == {"T1"}


async def test_an_expired_state_is_refused(world: World, tmp_path: Path) -> None:
    async with world.http.get(f"{world.bot_url}/slack/install", allow_redirects=False) as response:
        state = parse_qs(response.headers["Location"].partition("?")[2])["state"][0]
    # The admin took longer than the state lives: its expiry is now in the past.
    with sqlite3.connect(tmp_path / "bot.db") as db:
        expired = db.execute(
            "UPDATE slack_oauth_states SET expire_at = '2000-01-01 00:00:00.000000'"
            " WHERE state = ?",
            (state,),
        ).rowcount
    db.close()
    assert expired == 1

    async with world.http.get(
        f"{world.bot_url}/slack/oauth_redirect",
        params={"code": world.slack.oauth.issue_code("T1"), "state": state},
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    ) as redirected:
        status = redirected.status

    assert status == 401
    assert world.slack.calls_to("oauth.v2.access") == []
