"""A few MCP sessions side by side, opened only when calls pile up on the ones there are.

The SDK writes every request of a session from one task, a few event loop turns per
message: in a burst of fifty calls the last one waits for the forty-nine before it to be
written (about 100 ms with fifty people at once on two cores). Spreading the calls over
a few sessions shortens that queue. One session is opened at start, as before; another
only when every open one already carries `calls_per_session` calls in flight. Each
session still connects, dies and is rebuilt on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from mcp_types import CallToolResult

from bot.mcp_session import McpSession


class McpSessionPool:
    """Sends each call through the open session with the fewest calls in flight."""

    def __init__(
        self,
        open_session: Callable[[], McpSession],
        *,
        max_sessions: int = 4,
        calls_per_session: int = 4,
    ) -> None:
        if max_sessions < 1 or calls_per_session < 1:
            raise ValueError("max_sessions and calls_per_session must be at least 1")
        self._open_session = open_session
        self._max_sessions = max_sessions
        self._calls_per_session = calls_per_session
        self._sessions: list[McpSession] = []
        self._in_flight: dict[McpSession, int] = {}
        self._started = False

    @property
    def size(self) -> int:
        """How many sessions have been opened so far."""
        return len(self._sessions)

    async def start(self) -> None:
        """Open the first session in the background."""
        if self._started:
            return
        self._started = True
        await self._add_session()

    async def aclose(self) -> None:
        """Close every session; calls made afterwards fail as `McpSession.call_tool` says."""
        self._started = False
        await asyncio.gather(*(session.aclose() for session in self._sessions))

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        """Call one tool on the least busy session (see `McpSession.call_tool`)."""
        session = await self._least_busy()
        self._in_flight[session] += 1
        try:
            return await session.call_tool(name, arguments)
        finally:
            self._in_flight[session] -= 1

    async def _least_busy(self) -> McpSession:
        if not self._sessions:
            raise RuntimeError("call start() before calling MarketCore tools")
        # Sessions still connecting (or reconnecting) wait until no open one is left.
        usable = [session for session in self._sessions if session.is_open] or self._sessions
        session = min(usable, key=self._in_flight.__getitem__)
        crowded = self._in_flight[session] >= self._calls_per_session
        if crowded and self._started and len(self._sessions) < self._max_sessions:
            await self._add_session()
        return session

    async def _add_session(self) -> McpSession:
        session = self._open_session()
        self._sessions.append(session)
        self._in_flight[session] = 0
        await session.start()
        return session
