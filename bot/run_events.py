"""Tells interested parts (the App Home, notifications) that a run's status message changed.

The publisher announces every post and edit here; listeners subscribe at start-up. A
listener's failure is logged and never reaches the run's own flow: a status message
must not go unedited because a side view could not be refreshed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.models import TrackedRun

logger = logging.getLogger(__name__)

RunListener = Callable[[TrackedRun], Awaitable[None]]


class RunEvents:
    """A small fan-out of "this run's message now shows this" to async listeners."""

    def __init__(self) -> None:
        self._listeners: list[RunListener] = []

    def subscribe(self, listener: RunListener) -> None:
        """Call `listener` after each post or edit of a status message."""
        self._listeners.append(listener)

    async def changed(self, run: TrackedRun) -> None:
        """Announce that `run`'s status message now shows its current state."""
        for listener in self._listeners:
            try:
                await listener(run)
            except Exception:
                logger.exception("a run listener failed for run %s", run.run_id)
