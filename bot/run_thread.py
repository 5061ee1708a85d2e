"""The follow-ups of a status message: its one thread reply, and the DM when a run ends.

The reply is posted right after the status message and edited once when the run ends.
Whoever finds a posted status without a saved reply (the dispatcher, the resume on start,
the tracker) posts it; the in-progress set makes sure that, within one process, a reply
being posted right now is not posted a second time by someone else.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import replace

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.errors import WorkspaceNotInstalled
from bot.models import TrackedRun
from bot.publisher import describe_failure
from bot.slack_clients import SlackClients
from bot.store import Store
from bot.thread_reply import build_end_dm, build_thread_reply

logger = logging.getLogger(__name__)

# Failures of a follow-up that are logged and left: the status message stays right anyway.
_SLACK_FAILURES = (
    SlackApiError,
    WorkspaceNotInstalled,
    aiohttp.ClientError,
    OSError,
    TimeoutError,
)


class ThreadPending(Exception):
    """Someone in this process is posting the run's thread reply right now; look later."""


class RunThreads:
    """Posts and edits each run's thread reply, and DMs requesters who asked for it."""

    def __init__(self, clients: SlackClients, store: Store) -> None:
        self._clients = clients
        self._store = store
        self._posting: set[str] = set()

    async def ensure(self, run: TrackedRun) -> tuple[TrackedRun, bool]:
        """`run` with its thread reply, posting it if missing; True when posted just now.

        Raises `ThreadPending` while another task of this process is posting it.
        """
        if run.message_channel is None or run.message_ts is None or run.thread_ts:
            return run, False
        if run.run_id in self._posting:
            raise ThreadPending(run.run_id)

        self._posting.add(run.run_id)
        try:
            # The row may be older than the reply: read it again before posting.
            saved = await self._store.get_run(run.run_id)
            if saved is not None and saved.thread_ts:
                return replace(run, thread_ts=saved.thread_ts), False
            ts = await self._post(run, run.message_channel, run.message_ts)
            if ts is None:
                return run, False
            await self._store.set_thread(run.run_id, ts)
            return replace(run, thread_ts=ts), True
        finally:
            self._posting.discard(run.run_id)

    async def start(self, run: TrackedRun) -> None:
        """Post the reply under a status message just posted, unless it is being posted."""
        with contextlib.suppress(ThreadPending):
            await self.ensure(run)

    async def finish(self, run: TrackedRun) -> None:
        """Edit the reply once to add the end time; a deleted reply is left deleted."""
        if run.message_channel is None or run.thread_ts is None:
            return
        message = build_thread_reply(run)
        try:
            client = await self._clients.for_team(run.team_id)
            await client.chat_update(
                channel=run.message_channel,
                ts=run.thread_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except _SLACK_FAILURES as error:
            logger.warning(
                "could not edit the thread reply of run %s (%s)",
                run.run_id,
                describe_failure(error),
            )
            return
        logger.info("updated thread reply of run %s", run.run_id)

    async def tell_requester(self, run: TrackedRun) -> None:
        """DM the requester that the run ended, if they asked for it; once, never retried."""
        try:
            if not await self._store.notify_dm(run.requester_id):
                return
            message = build_end_dm(run, permalink=await self._permalink(run))
            client = await self._clients.for_team(run.team_id)
            await client.chat_postMessage(
                channel=run.requester_id, text=message.text, blocks=message.blocks
            )
        except Exception as error:
            logger.warning(
                "could not DM %s about run %s (%s)",
                run.requester_id,
                run.run_id,
                describe_failure(error),
            )
            return
        logger.info("sent end-of-run DM of run %s to %s", run.run_id, run.requester_id)

    async def _post(self, run: TrackedRun, channel: str, parent_ts: str) -> str | None:
        message = build_thread_reply(run)
        started = time.monotonic()
        try:
            client = await self._clients.for_team(run.team_id)
            response = await client.chat_postMessage(
                channel=channel, thread_ts=parent_ts, text=message.text, blocks=message.blocks
            )
        except _SLACK_FAILURES as error:
            logger.warning(
                "could not post the thread reply of run %s (%s)",
                run.run_id,
                describe_failure(error),
            )
            return None
        logger.info(
            "posted thread reply of run %s in %s in %.0f ms",
            run.run_id,
            channel,
            (time.monotonic() - started) * 1000,
        )
        return str(response["ts"])

    async def _permalink(self, run: TrackedRun) -> str | None:
        if run.message_channel is None or run.message_ts is None:
            return None
        try:
            client = await self._clients.for_team(run.team_id)
            response = await client.chat_getPermalink(
                channel=run.message_channel, message_ts=run.message_ts
            )
        except _SLACK_FAILURES as error:
            logger.info("no permalink for run %s (%s)", run.run_id, describe_failure(error))
            return None
        permalink = response.get("permalink")
        return permalink if isinstance(permalink, str) else None
