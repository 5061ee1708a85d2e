"""The MarketCore client for each workspace: its own token's, else the shared one.

With OAuth installs a workspace admin may set the token its runs use. Clients are kept
per token (one MCP session each), so workspaces sharing a token share a session; a
workspace without a token of its own uses the client on `MARKETCORE_API_TOKEN`.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable

from pydantic import SecretStr

from bot.marketcore import MarketCore
from bot.workspace_tokens import WorkspaceTokens

# A workspace's token is looked up again after this long, so a token set through another
# replica is picked up within a minute.
_TOKEN_TTL_SECONDS = 60.0


class MarketCores:
    """Hands out the MarketCore client for a workspace (team id)."""

    def __init__(
        self,
        default: MarketCore,
        tokens: WorkspaceTokens | None = None,
        *,
        connect: Callable[[SecretStr], MarketCore],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._default = default
        self._tokens = tokens
        self._connect = connect
        self._clock = clock
        self._teams: dict[str, tuple[float, MarketCore]] = {}
        self._by_token: dict[str, MarketCore] = {}
        self._opening = asyncio.Lock()

    @property
    def default(self) -> MarketCore:
        """The client on `MARKETCORE_API_TOKEN`."""
        return self._default

    async def for_team(self, team_id: str | None) -> MarketCore:
        """The client `team_id`'s requests go through."""
        if self._tokens is None or not team_id:
            return self._default
        cached = self._teams.get(team_id)
        if cached is not None and self._clock() - cached[0] < _TOKEN_TTL_SECONDS:
            return cached[1]

        token = await self._tokens.get(team_id)
        client = self._default if token is None else await self._client_for(token)
        self._teams[team_id] = (self._clock(), client)
        return client

    def forget(self, team_id: str) -> None:
        """The workspace's token changed here: look it up afresh on its next request."""
        self._teams.pop(team_id, None)

    async def aclose(self) -> None:
        """Close every session, the shared one last."""
        clients, self._by_token = list(self._by_token.values()), {}
        for client in clients:
            await client.aclose()
        await self._default.aclose()

    async def _client_for(self, token: SecretStr) -> MarketCore:
        # Keyed by a digest, so the clear token is held only by its client.
        digest = hashlib.sha256(token.get_secret_value().encode()).hexdigest()
        async with self._opening:
            client = self._by_token.get(digest)
            if client is None:
                client = self._connect(token)
                await client.start()
                self._by_token[digest] = client
        return client
