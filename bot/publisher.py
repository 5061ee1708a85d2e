"""Posts and edits status messages in Slack, falling back to the requester when needed."""

from __future__ import annotations

import logging
import time

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot import audit
from bot.messages import SlackMessage, build_fallback_note, build_status_message
from bot.models import TrackedRun
from bot.run_events import RunEvents
from bot.slack_clients import SlackClients

logger = logging.getLogger(__name__)

# Errors meaning "the bot may not post here": tell the requester directly instead.
CANNOT_POST = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cannot_dm_bot"}
)


class StatusNotSaved(Exception):
    """A status message could not be edited yet (no `ts` recorded); try again later."""


class SlackPublisher:
    """The Slack side of a run's life: one status message, posted once, then edited.

    Every call goes out with the token of the run's workspace (`SlackClients`).
    """

    def __init__(self, clients: SlackClients, events: RunEvents | None = None) -> None:
        self._clients = clients
        self._events = events or RunEvents()

    async def post(self, run: TrackedRun) -> tuple[str, str] | None:
        """Post the status message; returns where it went as `(channel, ts)`, or None."""
        posted = await self._post_somewhere(run)
        await self._events.changed(run)
        return posted

    async def _post_somewhere(self, run: TrackedRun) -> tuple[str, str] | None:
        message = build_status_message(run)
        client = await self._clients.for_team(run.team_id)
        try:
            return await self._post(client, run.channel_id, message, run_id=run.run_id)
        except SlackApiError as error:
            if slack_error_code(error) not in CANNOT_POST:
                raise
            logger.info(
                "cannot post in %s (%s); telling requester", run.channel_id, slack_error_code(error)
            )

        note = build_fallback_note(run.channel_id)
        direct = await self._open_direct_channel(client, run.requester_id)
        if direct is not None:
            message = build_status_message(run, note=note)
            return await self._post(client, direct, message, run_id=run.run_id)
        # No message to thread under: the inputs stay in this one message.
        await self.reply(run.response_url, build_status_message(run, note=note, with_details=True))
        return None

    async def update(self, run: TrackedRun) -> None:
        """Edit the run's status message to show its current state."""
        if run.message_channel is None or run.message_ts is None:
            raise StatusNotSaved(f"run {run.run_id} has no status message yet")

        message = build_status_message(run)
        client = await self._clients.for_team(run.team_id)
        started = time.monotonic()
        try:
            await client.chat_update(
                channel=run.message_channel,
                ts=run.message_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except SlackApiError as error:
            if slack_error_code(error) != "message_not_found":
                raise
            # Someone deleted the message. The run's outcome still deserves to be seen:
            # post it once, in the same place (never again for this edit).
            logger.warning("status message of run %s was deleted; posting it afresh", run.run_id)
            await self._post(client, run.message_channel, message, run_id=run.run_id)
        else:
            logger.info(
                "updated status of run %s to %s in %.0f ms",
                run.run_id,
                run.status.value,
                (time.monotonic() - started) * 1000,
            )
        if run.status.is_final:
            audit.record_final(run)
        await self._events.changed(run)

    async def tell(
        self,
        *,
        channel_id: str,
        user_id: str,
        response_url: str | None,
        text: str,
        team_id: str | None = None,
    ) -> None:
        """A note only the requester sees: ephemeral, else via the response URL, else a DM."""
        client = await self._clients.for_team(team_id)
        try:
            await client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
            return
        except SlackApiError as error:
            logger.info("ephemeral note failed in %s (%s)", channel_id, slack_error_code(error))

        if await self.reply(response_url, SlackMessage(text=text)):
            return
        direct = await self._open_direct_channel(client, user_id)
        if direct is None:
            return
        try:
            await client.chat_postMessage(channel=direct, text=text)
        except SlackApiError as error:
            logger.warning("could not tell %s anything: %s", user_id, slack_error_code(error))

    async def reply(self, response_url: str | None, message: SlackMessage) -> bool:
        """Answer through a slash command's response URL; False when that did not work."""
        if not response_url:
            return False
        webhook = AsyncWebhookClient(response_url)
        try:
            response = await webhook.send(
                text=message.text, blocks=message.blocks or None, response_type="ephemeral"
            )
        except (OSError, aiohttp.ClientError, TimeoutError) as error:
            # A last resort; only the kind of failure is logged, since the error's text
            # carries the URL, which lets anyone post to the person.
            logger.warning("answer through the response URL failed: %s", type(error).__name__)
            return False
        return response.status_code < 300

    async def _post(
        self, client: AsyncWebClient, channel: str, message: SlackMessage, *, run_id: str
    ) -> tuple[str, str]:
        started = time.monotonic()
        response = await client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks
        )
        ts = str(response["ts"])
        posted_in = str(response.get("channel") or channel)
        logger.info(
            "posted status of run %s in %s in %.0f ms",
            run_id,
            posted_in,
            (time.monotonic() - started) * 1000,
        )
        return posted_in, ts

    async def _open_direct_channel(self, client: AsyncWebClient, user_id: str) -> str | None:
        try:
            response = await client.conversations_open(users=user_id)
        except SlackApiError as error:
            logger.warning("cannot open a DM with %s (%s)", user_id, slack_error_code(error))
            return None
        channel = response.get("channel") or {}
        channel_id = channel.get("id") if isinstance(channel, dict) else None
        return channel_id if isinstance(channel_id, str) else None


def slack_error_code(error: SlackApiError) -> str:
    """Slack's error code, even when the answer was not JSON (a proxy's HTML page)."""
    try:
        return str(error.response.get("error", "unknown_error"))
    except (ValueError, AttributeError):
        return "unreadable_answer"


def describe_failure(error: BaseException) -> str:
    """For a log line: Slack's error code, or the kind of failure (never its text, which
    may carry a URL or a token)."""
    return slack_error_code(error) if isinstance(error, SlackApiError) else type(error).__name__
