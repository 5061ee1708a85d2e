"""The MarketCore client of each workspace: one per distinct token, else the shared one."""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.marketcore import MarketCore
from bot.marketcores import MarketCores
from bot.store import Store
from bot.workspace_tokens import WorkspaceTokens

# Nothing listens here: the clients only have to exist, never to connect.
UNREACHABLE = "http://127.0.0.1:9/mcp"


@pytest.fixture
async def tokens(tmp_path: pathlib.Path) -> AsyncIterator[WorkspaceTokens]:
    store = await Store.open(tmp_path / "state.db")
    yield WorkspaceTokens(store, SecretStr(Fernet.generate_key().decode()))
    await store.close()


class Connections:
    """Builds real clients and remembers which tokens they were built for."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def __call__(self, token: SecretStr) -> MarketCore:
        self.tokens.append(token.get_secret_value())
        return MarketCore(UNREACHABLE, token=token)


@pytest.fixture
async def pool(tokens: WorkspaceTokens) -> AsyncIterator[tuple[MarketCores, Connections]]:
    connections = Connections()
    marketcores = MarketCores(MarketCore(UNREACHABLE), tokens, connect=connections)
    yield marketcores, connections
    await marketcores.aclose()


async def test_a_workspace_without_a_token_uses_the_shared_client(
    pool: tuple[MarketCores, Connections],
) -> None:
    marketcores, connections = pool

    assert await marketcores.for_team("T1") is marketcores.default
    assert await marketcores.for_team(None) is marketcores.default
    assert connections.tokens == []


async def test_workspaces_sharing_a_token_share_one_client(
    pool: tuple[MarketCores, Connections], tokens: WorkspaceTokens
) -> None:
    marketcores, connections = pool
    await tokens.set("T1", SecretStr("mc-one"), set_by="U1")
    await tokens.set("T2", SecretStr("mc-one"), set_by="U2")
    await tokens.set("T3", SecretStr("mc-three"), set_by="U3")

    first, second, third = [await marketcores.for_team(team) for team in ("T1", "T2", "T3")]

    assert first is second
    assert third is not first
    assert marketcores.default not in (first, third)
    assert connections.tokens == ["mc-one", "mc-three"]


async def test_a_new_token_is_used_once_the_workspace_is_forgotten(
    pool: tuple[MarketCores, Connections], tokens: WorkspaceTokens
) -> None:
    marketcores, connections = pool
    await tokens.set("T1", SecretStr("mc-old"), set_by="U1")
    before = await marketcores.for_team("T1")
    await tokens.set("T1", SecretStr("mc-new"), set_by="U1")
    assert await marketcores.for_team("T1") is before

    marketcores.forget("T1")

    assert await marketcores.for_team("T1") is not before
    assert connections.tokens == ["mc-old", "mc-new"]


async def test_single_workspace_mode_always_uses_the_shared_client() -> None:
    marketcores = MarketCores(MarketCore(UNREACHABLE), None, connect=Connections())
    try:
        assert await marketcores.for_team("T1") is marketcores.default
    finally:
        await marketcores.aclose()
