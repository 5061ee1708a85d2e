"""Installations kept by Bolt's SQLAlchemy stores, and the client handed out per workspace."""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.errors import WorkspaceNotInstalled
from bot.oauth import Installations, async_database_url, open_installations
from bot.slack_clients import SlackClients


def oauth_settings(database: pathlib.Path, **overrides: object) -> Settings:
    fields: dict[str, object] = {
        "DATABASE_URL": f"sqlite:///{database}",
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": SecretStr("client-secret-value"),
    }
    fields.update(overrides)
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg, arg-type]


@pytest.fixture
async def installations(tmp_path: pathlib.Path) -> AsyncIterator[Installations]:
    opened = await open_installations(oauth_settings(tmp_path / "state.db"))
    assert opened is not None
    yield opened
    await opened.close()


def installation(team_id: str, token: str) -> Installation:
    return Installation(
        app_id="A1",
        team_id=team_id,
        user_id="U1",
        bot_token=token,
        bot_id="B1",
        bot_user_id="UB1",
        bot_scopes="commands,chat:write",
    )


def test_database_urls_get_their_asyncio_driver() -> None:
    assert async_database_url("sqlite:///state.db") == "sqlite+aiosqlite:///state.db"
    assert async_database_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_database_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    with pytest.raises(ValueError, match="mysql"):
        async_database_url("mysql://u@h/db")


async def test_single_workspace_mode_has_no_installations(tmp_path: pathlib.Path) -> None:
    settings = oauth_settings(tmp_path / "state.db", SLACK_CLIENT_SECRET=None)

    assert await open_installations(settings) is None


async def test_oauth_settings_name_the_paths_scopes_and_stores(
    installations: Installations,
) -> None:
    oauth = installations.oauth_settings

    assert oauth.install_path == "/slack/install"
    assert oauth.redirect_uri_path == "/slack/oauth_redirect"
    assert "commands" in (oauth.scopes or [])
    assert oauth.installation_store is installations.installation_store


async def test_a_saved_installation_gives_its_workspace_bot_token(
    installations: Installations,
) -> None:
    await installations.installation_store.async_save(installation("T1", "xoxb-t1"))

    assert await installations.bot_token("T1") == "xoxb-t1"
    assert await installations.bot_token("T2") is None


async def test_each_workspace_gets_a_client_on_its_own_token(
    installations: Installations,
) -> None:
    await installations.installation_store.async_save(installation("T1", "xoxb-t1"))
    await installations.installation_store.async_save(installation("T2", "xoxb-t2"))
    default = AsyncWebClient(base_url="http://127.0.0.1:9/api/")
    clients = SlackClients(default, installations)

    first = await clients.for_team("T1")
    second = await clients.for_team("T2")

    assert (first.token, second.token) == ("xoxb-t1", "xoxb-t2")
    assert first.base_url == "http://127.0.0.1:9/api/"
    assert await clients.for_team("T1") is first
    with pytest.raises(WorkspaceNotInstalled, match="T3"):
        await clients.for_team("T3")


async def test_a_reinstall_is_picked_up_once_the_cached_token_ages(
    installations: Installations,
) -> None:
    now = [0.0]
    clients = SlackClients(AsyncWebClient(), installations, clock=lambda: now[0])
    await installations.installation_store.async_save(installation("T1", "xoxb-old"))
    assert (await clients.for_team("T1")).token == "xoxb-old"

    reinstalled = installation("T1", "xoxb-new")
    await installations.installation_store.async_save(reinstalled)
    assert (await clients.for_team("T1")).token == "xoxb-old"
    now[0] = 61.0

    assert (await clients.for_team("T1")).token == "xoxb-new"


async def test_single_workspace_mode_always_uses_the_default_client() -> None:
    default = AsyncWebClient(token="xoxb-only")
    clients = SlackClients(default)

    assert await clients.for_team("T9") is default
    assert await clients.for_team(None) is default
