"""The Web API client for each workspace the bot works in.

Single-workspace mode has one client, on `SLACK_BOT_TOKEN`. With OAuth installs, work
that no Slack request carries a token for (posting a status, the tracker's edits) asks
here for the client of the run's workspace, made from its installation's bot token.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import WorkspaceNotInstalled
from bot.oauth import Installations

# A token looked up is reused this long, so a burst of edits costs one query, and an
# uninstall or reinstall is noticed within a minute.
_TOKEN_TTL_SECONDS = 60.0


class SlackClients:
    """Hands out the client for a workspace (team id); the default one when there is one."""

    def __init__(
        self,
        default: AsyncWebClient,
        installations: Installations | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._default = default
        self._installations = installations
        self._clock = clock
        self._clients: dict[str, tuple[float, AsyncWebClient]] = {}

    @property
    def default(self) -> AsyncWebClient:
        """The client on `SLACK_BOT_TOKEN` (tokenless in OAuth mode, for oauth.v2.access)."""
        return self._default

    async def for_team(self, team_id: str | None) -> AsyncWebClient:
        """The client for `team_id`; raises `WorkspaceNotInstalled` when it has no install."""
        if self._installations is None or not team_id:
            return self._default
        cached = self._clients.get(team_id)
        if cached is not None and self._clock() - cached[0] < _TOKEN_TTL_SECONDS:
            return cached[1]

        token = await self._installations.bot_token(team_id)
        if token is None:
            self._clients.pop(team_id, None)
            raise WorkspaceNotInstalled(team_id)
        client = AsyncWebClient(
            token=token,
            base_url=self._default.base_url,
            retry_handlers=self._default.retry_handlers,
            logger=self._default.logger,
            # Shares the default client's connection pool, when it has one.
            session=self._default.session,
        )
        self._clients[team_id] = (self._clock(), client)
        return client
