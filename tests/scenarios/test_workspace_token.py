"""Many workspaces: a workspace admin sets the MarketCore token its runs use, from App Home."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from bot.modals import RUN_CALLBACK_ID
from bot.playground import slack_requests
from bot.workspace_token_views import (
    SET_TOKEN_ACTION_ID,
    TOKEN_BLOCK_ID,
    TOKEN_CALLBACK_ID,
    TOKEN_INPUT_ACTION_ID,
)
from handlers.workspace_token import ADMINS_ONLY, NEEDS_KEY
from tests.scenarios.harness import SIGNING_SECRET, World, running_world

ADMIN = "UADMIN1"
MEMBER = "UMEMBER1"
TEAM_TOKEN = "mc-token-of-team-one-5f2c"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    key = Fernet.generate_key().decode()
    async with running_world(tmp_path / "bot.db", oauth=True, ENCRYPTION_KEY=key) as running:
        # MarketCore asks every caller for a token; only the one the admin sets is known.
        running.simulator.accepted_tokens.add(TEAM_TOKEN)
        running.slack.admins.add(ADMIN)
        await running.install("T1")
        await running.install("T2")
        yield running


async def open_home(world: World, user_id: str, team_id: str = "T1") -> dict[str, Any]:
    request = slack_requests.app_home_opened(SIGNING_SECRET, user_id=user_id, team_id=team_id)
    assert (await world.send(request)).status == 200
    await world.slack.wait_for(lambda: user_id in world.slack.home_views)
    return world.slack.home_views[user_id]


async def press_set_token(world: World, user_id: str) -> dict[str, Any]:
    """Press the Home's button; the modal (or refusal) it opened."""
    home = await open_home(world, user_id)
    shown = set(world.slack.views)
    action = {"type": "button", "action_id": SET_TOKEN_ACTION_ID, "value": "set"}
    request = slack_requests.block_actions(
        SIGNING_SECRET,
        view=home,
        action=action,
        user_id=user_id,
        team_id="T1",
        trigger_id=world.slack.issue_trigger_id(),
    )
    assert (await world.send(request)).status == 200
    return await world.wait_for_view(lambda view: view["id"] not in shown)


async def submit_token(world: World, modal: dict[str, Any], user_id: str, token: str) -> str:
    values = {TOKEN_BLOCK_ID: {TOKEN_INPUT_ACTION_ID: {"type": "plain_text_input", "value": token}}}
    response = await world.submit(modal, values, user_id=user_id, team_id="T1")
    assert response.status == 200
    return response.body


def stored_tokens(world_db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(world_db) as db:
        rows = db.execute("SELECT team_id, sealed_token FROM workspace_tokens").fetchall()
    db.close()
    return [(str(team), str(sealed)) for team, sealed in rows]


async def test_an_admins_token_is_used_for_that_workspaces_runs(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    modal = await press_set_token(world, ADMIN)
    assert modal["callback_id"] == TOKEN_CALLBACK_ID

    assert await submit_token(world, modal, ADMIN, TEAM_TOKEN) == ""
    await world.slack.wait_for(lambda: "A token is set" in str(world.slack.home_views[ADMIN]))
    seen_before = len(world.simulator.tokens_seen)
    await world.command("Nightly sync", team_id="T1")
    form = await world.wait_for_form()

    await world.submit(form, {}, team_id="T1")
    await world.slack.wait_for(lambda: "succeeded" in str([c.args for c in world.updates()]))

    assert TEAM_TOKEN in world.simulator.tokens_seen[seen_before:]
    tools = [tool for tool, _ in world.simulator.calls]
    assert "run_workflow" in tools
    assert "get_workflow_run" in tools
    ((team, sealed),) = stored_tokens(tmp_path / "bot.db")
    assert team == "T1"
    assert TEAM_TOKEN not in sealed
    assert TEAM_TOKEN not in caplog.text
    assert all(TEAM_TOKEN not in str(call.args) for call in world.slack.calls)


async def test_another_workspace_does_not_get_that_token(world: World) -> None:
    modal = await press_set_token(world, ADMIN)
    await submit_token(world, modal, ADMIN, TEAM_TOKEN)
    await world.slack.wait_for(lambda: "A token is set" in str(world.slack.home_views[ADMIN]))

    seen_before = len(world.simulator.tokens_seen)
    await world.command("Nightly sync", team_id="T2")
    refused = await world.wait_for_view(lambda view: "credentials" in str(view.get("blocks")))

    assert refused.get("callback_id") != RUN_CALLBACK_ID
    assert TEAM_TOKEN not in world.simulator.tokens_seen[seen_before:]


async def test_a_member_who_is_not_an_admin_is_refused(world: World, tmp_path: Path) -> None:
    refusal = await press_set_token(world, MEMBER)

    assert ADMINS_ONLY in str(refusal["blocks"])
    assert refusal.get("submit") is None
    assert stored_tokens(tmp_path / "bot.db") == []


async def test_a_replayed_modal_from_a_member_is_refused_on_submit(
    world: World, tmp_path: Path
) -> None:
    modal = await press_set_token(world, ADMIN)

    answer = await submit_token(world, modal, MEMBER, TEAM_TOKEN)

    assert ADMINS_ONLY in answer
    assert '"response_action":"errors"' in answer.replace(" ", "")
    assert stored_tokens(tmp_path / "bot.db") == []


async def test_without_an_encryption_key_no_token_can_be_set(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", oauth=True) as world:
        world.slack.admins.add(ADMIN)
        await world.install("T1")

        refusal = await press_set_token(world, ADMIN)

    assert NEEDS_KEY in str(refusal["blocks"])
    assert stored_tokens(tmp_path / "bot.db") == []
