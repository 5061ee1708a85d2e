"""Each workspace's MarketCore token, kept in the store sealed with `ENCRYPTION_KEY`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pydantic import SecretStr

from bot.errors import ConfigError, SealedValuesUnreadable
from bot.sealing import open_sealed, seal
from bot.store import Store

logger = logging.getLogger(__name__)

_FIELD = "marketcore_token"


class WorkspaceTokens:
    """Seals a workspace's token before it is stored, and opens it when it is needed."""

    def __init__(
        self,
        store: Store,
        key: SecretStr | None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._key = key
        self._clock = clock

    @property
    def can_store(self) -> bool:
        """Whether a token can be kept: only sealed, so only with a key."""
        return self._key is not None

    async def set(self, team_id: str, token: SecretStr, *, set_by: str) -> None:
        """Seal and keep `token` for `team_id`, replacing the one before."""
        if self._key is None:
            raise ConfigError("ENCRYPTION_KEY is required to store a MarketCore token")
        sealed = seal({_FIELD: token.get_secret_value()}, self._key.get_secret_value())
        await self._store.set_workspace_token(team_id, sealed, set_by=set_by, now=self._clock())
        logger.info("%s set the MarketCore token of workspace %s", set_by, team_id)

    async def is_set(self, team_id: str) -> bool:
        """Whether the workspace has a token of its own."""
        return await self._store.workspace_token(team_id) is not None

    async def get(self, team_id: str) -> SecretStr | None:
        """The workspace's token in clear, or None when it has none (or it is unreadable)."""
        sealed = await self._store.workspace_token(team_id)
        if sealed is None or self._key is None:
            return None
        try:
            opened = open_sealed(sealed, self._key.get_secret_value())
        except SealedValuesUnreadable:
            logger.error(
                "workspace %s: its MarketCore token cannot be read (key changed?)", team_id
            )
            return None
        token = opened.get(_FIELD)
        return SecretStr(token) if isinstance(token, str) and token else None
