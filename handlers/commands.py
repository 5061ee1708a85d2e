"""`/run-workflow`: open a loading modal at once, then show what the text resolved to."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import SlackMessage
from bot.metadata import ModalMetadata
from bot.modals import build_loading_view
from bot.publisher import slack_error_code
from bot.services import Services
from handlers.bodies import team_id_of
from handlers.flow import replace_view, view_for_text

logger = logging.getLogger(__name__)

COMMAND = "/run-workflow"


def register(app: AsyncApp, services: Services) -> None:
    """Attach the slash command listener."""

    @app.command(COMMAND)
    async def run_workflow_command(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        async with services.inflight.track():
            await open_workflow_modal(services, client, command)


async def open_workflow_modal(
    services: Services, client: AsyncWebClient, command: dict[str, Any]
) -> None:
    """Open the loading modal within the trigger's 3 s, then replace it when MarketCore answers."""
    text = str(command.get("text") or "")
    metadata = ModalMetadata(
        channel_id=str(command.get("channel_id", "")),
        response_url=command.get("response_url") or None,
    )
    loading = build_loading_view(text.strip() or "your workflows", metadata)
    try:
        opened = await client.views_open(trigger_id=command.get("trigger_id"), view=loading)
    except SlackApiError as error:
        logger.warning("views.open failed: %s", slack_error_code(error))
        await services.publisher.reply(
            metadata.response_url,
            SlackMessage(text="Slack closed the window before it could open. Please try again."),
        )
        return

    view_id = str(opened["view"]["id"])
    view = await view_for_text(
        services,
        text,
        view_id=view_id,
        requester_id=str(command.get("user_id", "")),
        metadata=metadata,
        team_id=team_id_of(command),
    )
    await replace_view(client, view_id, opened["view"].get("hash"), view)
