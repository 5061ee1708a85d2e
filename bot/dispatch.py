"""Starts a run: dispatch once, remember it, post its status message, hand it to the tracker."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError

from bot import audit
from bot.errors import (
    DispatchOutcomeUnknown,
    MarketCoreAuthError,
    MarketCoreError,
    MarketCoreToolError,
)
from bot.models import TrackedRun, WorkflowRun
from bot.publisher import SlackPublisher, describe_failure, slack_error_code
from bot.run_thread import RunThreads
from bot.store import Store
from bot.text import escape_mrkdwn, workflow_url

logger = logging.getLogger(__name__)

# A status post that fails for a passing reason (Slack's 5xx outlasting the client's own
# retries, a dropped connection) is tried again after these pauses, within about two
# minutes; a run still unposted after that is posted by the tracker (see tracker.py).
_POST_RETRY_DELAYS = (2.0, 5.0, 15.0, 30.0, 60.0)
_POST_RETRY_WINDOW = 120.0
# Past the retry window: the tracker leaves a run that ended at dispatch alone this long.
_ENDED_AT_DISPATCH_GRACE = 300.0
_PASSING_SLACK_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class RunStarter(Protocol):
    """The one write the bot makes; `bot.marketcore.MarketCore` provides it."""

    async def run_workflow(self, workflow_id: str, input_values: dict[str, Any]) -> WorkflowRun: ...


class RunStarters(Protocol):
    """The `RunStarter` of each workspace; `bot.marketcores.MarketCores` provides it."""

    async def for_team(self, team_id: str | None) -> RunStarter: ...


@dataclass(frozen=True)
class DispatchRequest:
    """A validated submission, ready to become a run."""

    workflow_id: str
    workflow_name: str
    input_values: dict[str, Any]
    inputs_summary: tuple[tuple[str, str], ...]
    channel_id: str
    requester_id: str
    response_url: str | None
    # What may be kept for "Run again": the input values without secrets.
    storable_values: dict[str, Any] | None = None
    # The dispatch key (the view id), taken with `Dispatcher.claim` before dispatching:
    # the intent is kept under it until settled.
    dispatch_key: str | None = None
    # The Slack workspace it came from; None in single-workspace mode.
    team_id: str | None = None


class _NotPostedYet(Exception):
    """The status post failed for now; the run is stored and the tracker will post it."""


def _is_passing(error: Exception) -> bool:
    if not isinstance(error, SlackApiError):
        return True  # the connection, not Slack's answer
    status = getattr(error.response, "status_code", 0)
    return status >= 500 or slack_error_code(error) in _PASSING_SLACK_ERRORS


class Dispatcher:
    """Turns a validated submission into exactly one run and one status message."""

    def __init__(
        self,
        marketcores: RunStarters,
        store: Store,
        publisher: SlackPublisher,
        *,
        on_tracked: Callable[[], None],
        first_poll: float = 2.0,
        clock: Callable[[], float] = time.time,
        threads: RunThreads | None = None,
    ) -> None:
        self._marketcores = marketcores
        self._threads = threads
        self._store = store
        self._publisher = publisher
        self._on_tracked = on_tracked
        self._first_poll = first_poll
        self._clock = clock

    async def claim(self, request: DispatchRequest) -> bool:
        """Take the request's dispatch key; False when it was taken before (a repeat).

        The intent is written with the key, in one trip to the store, and kept until the
        outcome is known: if the process dies before MarketCore answers, the next start
        tells the requester instead of saying nothing.
        """
        if request.dispatch_key is None:
            raise ValueError("only a request with a dispatch key can be claimed")
        return await self._store.claim_dispatch(request.dispatch_key, _intent(request))

    async def dispatch(self, request: DispatchRequest) -> None:
        """Start the run and post its status; failures become a note to the requester."""
        started = time.monotonic()
        marketcore = await self._marketcores.for_team(request.team_id)
        try:
            run = await marketcore.run_workflow(request.workflow_id, request.input_values)
        except MarketCoreError as error:
            _audit(request, None, type(error).__name__, started)
            if isinstance(error, MarketCoreAuthError):
                logger.error("MarketCore refused the API token: check MARKETCORE_API_TOKEN")
            await self._tell(request, _dispatch_error_text(request, error))
            await self._settle(request)
            return

        _audit(request, run.id, run.status.value, started)
        tracked = self._track(request, run)
        # Written before the post: a crash after this point still gets its message on resume.
        await self._store.add_run(tracked)
        await self._settle(request)
        try:
            posted = await self._post_status(tracked)
        except _NotPostedYet:
            self._on_tracked()
            return
        if posted is None:
            # Only the response URL reached the person: there is no message to edit later.
            await self._store.mark_final_edit(tracked.run_id)
            return
        await self._store.set_message(tracked.run_id, *posted)
        await self._post_thread(replace(tracked, message_channel=posted[0], message_ts=posted[1]))
        if tracked.status.is_final:
            # Marked only now: a crash before this leaves the run to the tracker, which
            # posts a thread reply that is still missing.
            await self._store.mark_final_edit(tracked.run_id)
            await self._tell_requester(tracked)
        else:
            self._on_tracked()

    async def resume(self) -> None:
        """Tell the requesters of dispatches a previous process left without an outcome."""
        for key, intent in await self._store.unsettled_intents():
            request = _request_from_intent(intent)
            if request is not None:
                logger.warning("dispatch %s was interrupted; telling its requester", key)
                await self._tell(request, _interrupted_text(request))
            await self._store.settle_intent(key)

    async def _post_status(self, run: TrackedRun) -> tuple[str, str] | None:
        """Post the status, trying again through a short Slack outage.

        Raises `_NotPostedYet` when the outage lasts: the run stays stored without a
        message, and the tracker posts it later.
        """
        deadline = time.monotonic() + _POST_RETRY_WINDOW
        for pause in _POST_RETRY_DELAYS:
            try:
                return await self._publisher.post(run)
            except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as error:
                if not _is_passing(error) or time.monotonic() + pause > deadline:
                    logger.error(
                        "could not post the status of run %s (%s); the tracker posts it later",
                        run.run_id,
                        describe_failure(error),
                    )
                    raise _NotPostedYet from error
                logger.warning(
                    "could not post the status of run %s (%s); trying again in %.0f s",
                    run.run_id,
                    describe_failure(error),
                    pause,
                )
            await asyncio.sleep(pause)
        raise _NotPostedYet

    async def _post_thread(self, run: TrackedRun) -> None:
        if self._threads is None:
            return
        await self._threads.start(run)

    async def _tell_requester(self, run: TrackedRun) -> None:
        # A run that ended at dispatch ends here: the DM (for those who asked) goes now.
        if self._threads is not None:
            await self._threads.tell_requester(run)

    async def _settle(self, request: DispatchRequest) -> None:
        if request.dispatch_key is not None:
            await self._store.settle_intent(request.dispatch_key)

    def _track(self, request: DispatchRequest, run: WorkflowRun) -> TrackedRun:
        now = self._clock()
        final = run.status.is_final
        return TrackedRun(
            run_id=run.id,
            workflow_id=request.workflow_id,
            workflow_name=request.workflow_name,
            channel_id=request.channel_id,
            requester_id=request.requester_id,
            status=run.status,
            link_url=run.link_url,
            error_reason=run.error_reason,
            inputs_summary=request.inputs_summary,
            response_url=request.response_url,
            dispatched_at=now,
            ended_at=now if final else None,
            # A run that ended at dispatch is shown final by its first post and marked done
            # once its thread reply is saved; it is due to the tracker only if that never
            # happens (the process died), not while a slow post is still on its way.
            final_edit_done=False,
            next_poll_at=now + (_ENDED_AT_DISPATCH_GRACE if final else self._first_poll),
            input_values=request.storable_values,
            team_id=request.team_id,
        )

    async def _tell(self, request: DispatchRequest, text: str) -> None:
        await self._publisher.tell(
            channel_id=request.channel_id,
            user_id=request.requester_id,
            response_url=request.response_url,
            text=text,
            team_id=request.team_id,
        )


def _intent(request: DispatchRequest) -> dict[str, str | None]:
    # Enough to tell the requester; no input values, so no secret is ever kept here.
    return {
        "workflow_id": request.workflow_id,
        "workflow_name": request.workflow_name,
        "channel_id": request.channel_id,
        "requester_id": request.requester_id,
        "response_url": request.response_url,
        "team_id": request.team_id,
    }


def _request_from_intent(intent: dict[str, str | None]) -> DispatchRequest | None:
    workflow_id, channel_id = intent.get("workflow_id"), intent.get("channel_id")
    requester_id = intent.get("requester_id")
    if not workflow_id or not channel_id or not requester_id:
        return None
    return DispatchRequest(
        workflow_id=workflow_id,
        workflow_name=intent.get("workflow_name") or workflow_id,
        input_values={},
        inputs_summary=(),
        channel_id=channel_id,
        requester_id=requester_id,
        response_url=intent.get("response_url"),
        team_id=intent.get("team_id"),
    )


def _audit(request: DispatchRequest, run_id: str | None, outcome: str, started: float) -> None:
    audit.record_dispatch(
        user_id=request.requester_id,
        workflow_id=request.workflow_id,
        channel_id=request.channel_id,
        run_id=run_id,
        outcome=outcome,
        duration_ms=(time.monotonic() - started) * 1000,
    )


def _interrupted_text(request: DispatchRequest) -> str:
    name = f"*{escape_mrkdwn(request.workflow_name)}*"
    link = f"<{workflow_url(request.workflow_id)}|Open the workflow in MarketCore>"
    return (
        f":warning: I was restarted while asking MarketCore to run {name}, so I can't tell "
        f"whether the run started. Check its runs before trying again: {link}"
    )


def _dispatch_error_text(request: DispatchRequest, error: MarketCoreError) -> str:
    name = f"*{escape_mrkdwn(request.workflow_name)}*"
    link = f"<{workflow_url(request.workflow_id)}|Open the workflow in MarketCore>"
    if isinstance(error, DispatchOutcomeUnknown):
        return (
            f":warning: I asked MarketCore to run {name}, but the connection broke before it "
            f"answered, so I can't tell whether the run started. Check its runs before trying "
            f"again: {link}"
        )
    if isinstance(error, MarketCoreToolError):
        return f":x: MarketCore refused to run {name}: {escape_mrkdwn(error.message)}"
    if isinstance(error, MarketCoreAuthError):
        return (
            f":x: MarketCore refused the bot's credentials, so {name} was not started. "
            "An admin needs to check the bot's MarketCore token."
        )
    return (
        f":x: MarketCore can't be reached right now, so {name} was not started. "
        "Try again in a minute."
    )
