"""The Approve and Reject buttons of an approval request."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.approval_messages import APPROVE_ACTION_ID, REJECT_ACTION_ID
from bot.services import Services
from handlers.bodies import team_id_of, user_id_of


def register(app: AsyncApp, services: Services) -> None:
    """Attach the approval buttons' listeners."""

    @app.action(APPROVE_ACTION_ID)
    async def approve_pressed(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await _decide(services, body, action, approve=True)

    @app.action(REJECT_ACTION_ID)
    async def reject_pressed(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await _decide(services, body, action, approve=False)


async def _decide(
    services: Services, body: dict[str, Any], action: dict[str, Any], *, approve: bool
) -> None:
    async with services.inflight.track():
        await services.approvals.decide(
            str(action.get("value") or ""),
            user_id_of(body),
            approve=approve,
            channel_id=str((body.get("channel") or {}).get("id", "")),
            response_url=body.get("response_url") or None,
            team_id=team_id_of(body),
        )
