"""Counts the work that goes on after a request was answered, so shutdown can wait for it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

logger = logging.getLogger(__name__)


class InFlight:
    """Bolt answers Slack at `ack()` and keeps running the listener as a background task;
    the server cannot see that work, so handlers register it here."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        """How many pieces of work are running now."""
        return self._count

    @contextlib.asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Mark the enclosed work as in flight."""
        self._count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def wait_idle(self, grace: float) -> bool:
        """Wait until nothing is in flight; False if `grace` seconds passed first."""
        try:
            async with asyncio.timeout(grace):
                await self._idle.wait()
        except TimeoutError:
            logger.warning("shutting down with %d piece(s) of work unfinished", self._count)
            return False
        return True
