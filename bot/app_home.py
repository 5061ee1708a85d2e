"""Publishes each person's App Home, and keeps it fresh as their runs change.

Only people who opened their Home in this process are refreshed: nobody else is
looking, and their Home is drawn afresh the next time they open it. Refreshes are
coalesced per person and published by one worker within a budget, so a thousand runs
ending at once cost at most one publish per person, spread over Slack's rate tier,
and never hold up the status message edits that announced them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict

from slack_sdk.errors import SlackApiError

from bot.home import build_home_view
from bot.models import TrackedRun
from bot.publisher import slack_error_code
from bot.rate_budget import RateBudget
from bot.slack_clients import SlackClients
from bot.store import Store
from bot.workspace_tokens import WorkspaceTokens

logger = logging.getLogger(__name__)

# Enough past runs to find five distinct workflows among them.
_RUNS_SCANNED = 50
# views.publish is in Slack's tier 4 (100+ a minute); refreshes keep well under it.
_PUBLISH_RATE = 1.5
# Changes that arrive within this many seconds of each other make one refresh.
_COALESCE_SECONDS = 1.0
# How many people's open Homes are remembered; the least recently opened are forgotten.
_WATCHED_LIMIT = 10_000


class AppHome:
    """Draws a person's Home from the store and publishes it with `views.publish`."""

    def __init__(
        self,
        clients: SlackClients,
        store: Store,
        *,
        tokens: WorkspaceTokens | None = None,
        coalesce_seconds: float = _COALESCE_SECONDS,
        publish_rate: float = _PUBLISH_RATE,
    ) -> None:
        self._clients = clients
        self._store = store
        self._tokens = tokens
        self._coalesce_seconds = coalesce_seconds
        self._budget = RateBudget(publish_rate)
        # Who has their Home open, and in which workspace (None with one workspace).
        self._watched: OrderedDict[str, str | None] = OrderedDict()
        self._due: set[str] = set()  # people whose Home needs a refresh
        self._publishing: set[str] = set()
        self._stale: set[str] = set()  # changed again while being published
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the refresh worker."""
        if self._worker is None:
            self._worker = asyncio.create_task(self._refresh_loop(), name="app-home-refresh")

    async def stop(self) -> None:
        """Stop refreshing; pending refreshes are dropped (the next open redraws them)."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker

    async def opened(self, user_id: str, team_id: str | None = None) -> None:
        """The person opened their Home: draw it now, and keep it fresh from here on."""
        self._watched[user_id] = team_id
        self._watched.move_to_end(user_id)
        if len(self._watched) > _WATCHED_LIMIT:
            self._watched.popitem(last=False)
        await self.publish(user_id, team_id)

    async def publish(self, user_id: str, team_id: str | None = None) -> None:
        """Publish the person's Home as the store has it now; failures are only logged."""
        self._budget.spend()  # a person is waiting: never queued, but counted
        await self._publish_latest(user_id, team_id)

    async def run_changed(self, run: TrackedRun) -> None:
        """A run listener: schedule a refresh of its requester's Home, without waiting."""
        if run.requester_id not in self._watched or self._worker is None:
            return
        self._due.add(run.requester_id)
        self._wake.set()

    async def _refresh_loop(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self._coalesce_seconds)
            self._wake.clear()
            due, self._due = self._due, set()
            for user_id in due:
                await self._budget.acquire()
                await self._publish_latest(user_id, self._watched.get(user_id))

    async def _publish_latest(self, user_id: str, team_id: str | None) -> None:
        # One publish per person at a time; a change during it means one more after it,
        # so an older drawing never lands on top of a newer one.
        if user_id in self._publishing:
            self._stale.add(user_id)
            return
        self._publishing.add(user_id)
        try:
            while True:
                self._stale.discard(user_id)
                await self._publish_once(user_id, team_id)
                if user_id not in self._stale:
                    return
        finally:
            self._publishing.discard(user_id)

    async def _publish_once(self, user_id: str, team_id: str | None) -> None:
        started = time.monotonic()
        try:
            runs = await self._store.recent_runs(user_id, _RUNS_SCANNED)
            notify_dm = await self._store.notify_dm(user_id)
            token_set = None
            if self._tokens is not None and team_id is not None:
                token_set = await self._tokens.is_set(team_id)
            view = build_home_view(runs, notify_dm=notify_dm, token_set=token_set)
            client = await self._clients.for_team(team_id)
            await client.views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            logger.warning("views.publish for %s failed: %s", user_id, slack_error_code(error))
            return
        except Exception:  # a side view: its failure must never reach a run's flow
            logger.exception("could not publish the Home of %s", user_id)
            return
        logger.info(
            "published the Home of %s (%d runs) in %.0f ms",
            user_id,
            len(runs),
            (time.monotonic() - started) * 1000,
        )
