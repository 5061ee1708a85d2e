"""Workspace MarketCore tokens: sealed in the store, opened with the same key only."""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.errors import ConfigError
from bot.store import Store
from bot.workspace_tokens import WorkspaceTokens

CLEAR = "mc-clear-token-value-81c2"


@pytest.fixture
async def store(tmp_path: pathlib.Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "state.db")
    yield opened
    await opened.close()


def key() -> SecretStr:
    return SecretStr(Fernet.generate_key().decode())


async def test_a_token_is_stored_sealed_and_read_back_clear(store: Store) -> None:
    tokens = WorkspaceTokens(store, key())

    await tokens.set("T1", SecretStr(CLEAR), set_by="U1")

    sealed = await store.workspace_token("T1")
    assert sealed is not None
    assert CLEAR not in sealed
    opened = await tokens.get("T1")
    assert opened is not None
    assert opened.get_secret_value() == CLEAR
    assert await tokens.is_set("T1")
    assert not await tokens.is_set("T2")
    assert await tokens.get("T2") is None


async def test_setting_again_replaces_the_token(store: Store) -> None:
    tokens = WorkspaceTokens(store, key())
    await tokens.set("T1", SecretStr("first"), set_by="U1")

    await tokens.set("T1", SecretStr("second"), set_by="U2")

    opened = await tokens.get("T1")
    assert opened is not None
    assert opened.get_secret_value() == "second"


async def test_without_a_key_nothing_is_stored(store: Store) -> None:
    tokens = WorkspaceTokens(store, None)

    assert not tokens.can_store
    with pytest.raises(ConfigError, match="ENCRYPTION_KEY"):
        await tokens.set("T1", SecretStr(CLEAR), set_by="U1")
    assert await store.workspace_token("T1") is None


async def test_a_token_sealed_with_another_key_is_not_used(store: Store) -> None:
    await WorkspaceTokens(store, key()).set("T1", SecretStr(CLEAR), set_by="U1")

    assert await WorkspaceTokens(store, key()).get("T1") is None
