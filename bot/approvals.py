"""Runs held for approval: the request, the decision, the timeout, then the dispatch.

Everything lives in the store (not in memory), so pending requests, their buttons and
their timeouts carry on across restarts and replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr
from slack_sdk.errors import SlackApiError

from bot import audit
from bot.access import AccessControl
from bot.approval_messages import (
    ApprovalView,
    build_approval_decided,
    build_approval_expired,
    build_approval_request,
    build_approval_unusable,
    waiting_time,
)
from bot.dispatch import Dispatcher, DispatchRequest
from bot.errors import SealedValuesUnreadable, WorkspaceNotInstalled
from bot.held_request import HeldRequest, hold_request, open_values
from bot.messages import SlackMessage
from bot.models import Approval, ApprovalState
from bot.policy import ApprovalRule
from bot.publisher import CANNOT_POST, SlackPublisher, slack_error_code
from bot.slack_clients import SlackClients
from bot.store import Store
from bot.text import escape_mrkdwn

logger = logging.getLogger(__name__)

# Approvals decided this recently and never dispatched are dispatched on start.
_RESUME_WINDOW_SECONDS = 24 * 3600.0

NEEDS_KEY = (
    "This workflow needs approval and its form has secret inputs, which I can only hold "
    "encrypted. Ask an admin to set ENCRYPTION_KEY for workflow-bot."
)


class Approvals:
    """Holds submissions until an approver decides, and expires the forgotten ones."""

    def __init__(
        self,
        store: Store,
        clients: SlackClients,
        publisher: SlackPublisher,
        dispatcher: Dispatcher,
        access: AccessControl,
        *,
        encryption_key: SecretStr | None,
        sweep_interval: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._clients = clients
        self._publisher = publisher
        self._dispatcher = dispatcher
        self._access = access
        self._key = encryption_key
        self._sweep_interval = sweep_interval
        self._clock = clock
        self._sweeper: asyncio.Task[None] | None = None

    def can_hold(self, *, has_secrets: bool) -> bool:
        """Whether a submission can wait for approval: secrets only with a key to seal them."""
        return self._key is not None or not has_secrets

    async def request(self, request: DispatchRequest, rule: ApprovalRule) -> None:
        """Keep the submission, post the approval request, and tell the requester."""
        now = self._clock()
        held = hold_request(request, rule, self._key)
        approval = Approval(
            approval_id=uuid.uuid4().hex,
            workflow_id=request.workflow_id,
            workflow_name=request.workflow_name,
            channel_id=request.channel_id,
            requester_id=request.requester_id,
            request_json=held.to_json(),
            state=ApprovalState.PENDING,
            created_at=now,
            expires_at=now + rule.timeout_minutes * 60,
        )
        # Stored before the post: the buttons must find it even if the process dies now.
        await self._store.add_approval(approval)
        message = build_approval_request(_view(approval, held))
        client = await self._clients.for_team(request.team_id)
        try:
            response = await client.chat_postMessage(
                channel=request.channel_id, text=message.text, blocks=message.blocks
            )
        except SlackApiError as error:
            if slack_error_code(error) not in CANNOT_POST:
                raise
            await self._not_posted(approval, held)
            return

        channel, ts = str(response.get("channel") or request.channel_id), str(response["ts"])
        await self._store.set_approval_message(approval.approval_id, channel, ts)
        logger.info("posted approval request %s in %s", approval.approval_id, channel)
        audit.record_approval(approval, event="requested")
        await self._tell_requester(
            approval,
            held,
            f":hourglass_flowing_sand: *{escape_mrkdwn(approval.workflow_name)}* waits for "
            f"approval by {_approvers_text(held)}. I'll start it once one of them approves "
            f"(the request expires after {waiting_time(held.timeout_minutes)}).",
        )

    async def decide(
        self,
        approval_id: str,
        user_id: str,
        *,
        approve: bool,
        channel_id: str,
        response_url: str | None,
        team_id: str | None = None,
    ) -> None:
        """An Approve or Reject click: checked, decided once, then dispatched or reported."""

        async def tell_clicker(text: str) -> None:
            await self._publisher.tell(
                channel_id=channel_id,
                user_id=user_id,
                response_url=response_url,
                text=text,
                team_id=team_id,
            )

        approval = await self._store.get_approval(approval_id)
        if approval is None:
            await tell_clicker("I don't know this approval request any more.")
            return
        held = HeldRequest.from_json(approval.request_json)
        if approval.state is not ApprovalState.PENDING:
            await tell_clicker(f"This request was already {approval.state.value}.")
            return
        if user_id == approval.requester_id:
            await tell_clicker("You can't approve or reject your own request.")
            return
        if not await self._access.is_approver(
            user_id, held.approvers, held.approver_groups, team_id=held.team_id
        ):
            await tell_clicker("You're not one of the approvers of this request.")
            return

        state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
        decided = await self._store.decide_approval(
            approval_id, state, decided_by=user_id, now=self._clock()
        )
        if decided is None:
            # Someone else (or a retried click) got there first: that decision stands.
            await tell_clicker("This request was decided already.")
            return
        if not approve:
            await self._rejected(decided, held, user_id)
            return
        await self._approved(decided, held, user_id, tell_clicker)

    async def sweep(self) -> None:
        """Expire every pending approval whose time ran out, once each."""
        now = self._clock()
        for approval in await self._store.expired_approvals(now):
            decided = await self._store.decide_approval(
                approval.approval_id, ApprovalState.EXPIRED, decided_by=None, now=now
            )
            if decided is None:
                continue  # decided meanwhile, here or by another replica
            held = HeldRequest.from_json(decided.request_json)
            audit.record_approval(decided, event="expired", waited_s=now - decided.created_at)
            await self._edit(decided, held, build_approval_expired(_view(decided, held)))
            await self._tell_requester(
                decided,
                held,
                f":hourglass: Nobody approved *{escape_mrkdwn(decided.workflow_name)}* within "
                f"{waiting_time(held.timeout_minutes)}, so it was not started. "
                "Type /run-workflow to ask again.",
            )

    def start(self) -> None:
        """Start expiring approvals in the background (pending ones from before included)."""
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="approval-sweeper")

    async def stop(self) -> None:
        """Stop the background sweep."""
        if self._sweeper is None:
            return
        sweeper, self._sweeper = self._sweeper, None
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper

    async def dispatch_approved(self) -> None:
        """Dispatch what was approved but never dispatched (the process stopped between
        the decision and the dispatch); the dispatch key makes each one run at most once."""
        since = self._clock() - _RESUME_WINDOW_SECONDS
        for approval in await self._store.approved_since(since):
            held = HeldRequest.from_json(approval.request_json)
            try:
                values = open_values(held, self._key)
            except SealedValuesUnreadable:
                logger.warning(
                    "approval %s: held inputs unreadable; not dispatched", approval.approval_id
                )
                continue
            await self._dispatch(approval, held, values)

    async def _sweep_forever(self) -> None:
        try:
            await self.dispatch_approved()
        except Exception:
            logger.exception("could not dispatch approved requests left by a stop")
        while True:
            try:
                await self.sweep()
            except Exception:  # Slack or the store down for a moment: try again next round
                logger.exception("failed to expire approvals")
            await asyncio.sleep(self._sweep_interval)

    async def _approved(
        self,
        approval: Approval,
        held: HeldRequest,
        user_id: str,
        tell_clicker: Callable[[str], Any],
    ) -> None:
        waited = (approval.decided_at or self._clock()) - approval.created_at
        try:
            values = open_values(held, self._key)
        except SealedValuesUnreadable:
            logger.error("approval %s: held inputs unreadable (key changed)", approval.approval_id)
            audit.record_approval(approval, event="unreadable", decided_by=user_id, waited_s=waited)
            await self._edit(
                approval, held, build_approval_unusable(_view(approval, held), decided_by=user_id)
            )
            text = (
                f":warning: *{escape_mrkdwn(approval.workflow_name)}* was approved, but its "
                "inputs can no longer be read (the bot's encryption key changed), so it was not "
                "started. Type /run-workflow to submit it again."
            )
            await tell_clicker(text)
            await self._tell_requester(approval, held, text)
            return

        audit.record_approval(approval, event="approved", decided_by=user_id, waited_s=waited)
        await self._edit(
            approval,
            held,
            build_approval_decided(_view(approval, held), approved=True, decided_by=user_id),
        )
        await self._dispatch(approval, held, values)

    async def _dispatch(
        self, approval: Approval, held: HeldRequest, values: dict[str, Any]
    ) -> None:
        request = DispatchRequest(
            workflow_id=approval.workflow_id,
            workflow_name=approval.workflow_name,
            input_values=values,
            inputs_summary=held.inputs_summary,
            channel_id=approval.channel_id,
            requester_id=approval.requester_id,
            response_url=held.response_url,
            storable_values=held.storable_values,
            dispatch_key=f"approval:{approval.approval_id}",
            team_id=held.team_id,
        )
        # A second claim (a retried request, another replica, a restart) finds it taken;
        # the first keeps the dispatch's intent until MarketCore answers.
        if not await self._dispatcher.claim(request):
            logger.info(
                "approval %s was already dispatched; ignoring the repeat", request.dispatch_key
            )
            return
        await self._dispatcher.dispatch(request)

    async def _rejected(self, approval: Approval, held: HeldRequest, user_id: str) -> None:
        waited = (approval.decided_at or self._clock()) - approval.created_at
        audit.record_approval(approval, event="rejected", decided_by=user_id, waited_s=waited)
        await self._edit(
            approval,
            held,
            build_approval_decided(_view(approval, held), approved=False, decided_by=user_id),
        )
        await self._tell_requester(
            approval,
            held,
            f":no_entry: <@{user_id}> rejected your request to run "
            f"*{escape_mrkdwn(approval.workflow_name)}*. It was not started.",
        )

    async def _not_posted(self, approval: Approval, held: HeldRequest) -> None:
        # Approvers need a place to see the request; without one nothing may wait.
        await self._store.decide_approval(
            approval.approval_id, ApprovalState.REJECTED, decided_by=None, now=self._clock()
        )
        audit.record_approval(approval, event="not_posted")
        logger.info("cannot post approval request in %s; telling requester", approval.channel_id)
        await self._tell_requester(
            approval,
            held,
            f":x: *{escape_mrkdwn(approval.workflow_name)}* needs approval, and I can't post "
            f"the request in <#{approval.channel_id}>. Invite me to the channel, or run it from "
            "a channel I'm in. Nothing was started.",
        )

    async def _edit(self, approval: Approval, held: HeldRequest, message: SlackMessage) -> None:
        if approval.message_channel is None or approval.message_ts is None:
            return
        try:
            client = await self._clients.for_team(held.team_id)
            await client.chat_update(
                channel=approval.message_channel,
                ts=approval.message_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except (SlackApiError, WorkspaceNotInstalled) as error:
            # The decision stands and the requester is told either way.
            logger.warning(
                "could not edit approval request %s: %s",
                approval.approval_id,
                slack_error_code(error) if isinstance(error, SlackApiError) else error,
            )

    async def _tell_requester(self, approval: Approval, held: HeldRequest, text: str) -> None:
        await self._publisher.tell(
            channel_id=approval.channel_id,
            user_id=approval.requester_id,
            response_url=held.response_url,
            text=text,
            team_id=held.team_id,
        )


def _view(approval: Approval, held: HeldRequest) -> ApprovalView:
    return ApprovalView(
        approval_id=approval.approval_id,
        workflow_name=approval.workflow_name,
        requester_id=approval.requester_id,
        approvers=held.approvers,
        approver_groups=held.approver_groups,
        inputs_summary=held.inputs_summary,
        timeout_minutes=held.timeout_minutes,
    )


def _approvers_text(held: HeldRequest) -> str:
    people = [f"<@{user}>" for user in held.approvers]
    groups = [f"<!subteam^{group}>" for group in held.approver_groups]
    return ", ".join(people + groups)
