"""The App Home: drawn when opened, its Run buttons, and the notification preference."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.home import HOME_NOTIFY_ACTION_ID, HOME_RUN_ACTION_ID, notify_choice
from bot.metadata import ModalMetadata
from bot.modals import build_loading_view
from bot.publisher import slack_error_code
from bot.services import Services
from handlers.bodies import team_id_of, user_id_of
from handlers.flow import replace_view, view_for_workflow_id

logger = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    """Attach the Home's event and action listeners."""

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        # The same event fires for the Messages tab, which the bot does not draw.
        if event.get("tab") != "home" or not event.get("user"):
            return
        async with services.inflight.track():
            await services.app_home.opened(str(event["user"]), team_id_of(body))

    @app.action(HOME_RUN_ACTION_ID)
    async def run_pressed(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        async with services.inflight.track():
            await open_workflow_from_home(services, client, body, action)

    @app.action(HOME_NOTIFY_ACTION_ID)
    async def notify_changed(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        async with services.inflight.track():
            await save_notify_choice(services, body, action)


async def open_workflow_from_home(
    services: Services, client: AsyncWebClient, body: dict[str, Any], action: dict[str, Any]
) -> None:
    """Open a loading modal within the trigger's 3 s, then the workflow's form.

    The Home has no channel, so the run reports in the person's DM with the app: a
    message posted to a user id lands there. The access policy is applied as usual.
    """
    user_id = user_id_of(body)
    workflow_id = str(action.get("value") or "")
    if not user_id or not workflow_id:
        logger.warning("Run pressed on the Home without a person or a workflow; ignored")
        return
    metadata = ModalMetadata(channel_id=user_id)

    loading = build_loading_view("the workflow", metadata)
    try:
        opened = await client.views_open(trigger_id=body.get("trigger_id"), view=loading)
    except SlackApiError as error:
        logger.warning("views.open from the Home failed: %s", slack_error_code(error))
        return

    view_id = str(opened["view"]["id"])
    logger.info("%s runs workflow %s from the Home", user_id, workflow_id)
    view = await view_for_workflow_id(
        services,
        workflow_id,
        view_id=view_id,
        requester_id=user_id,
        metadata=metadata,
        team_id=team_id_of(body),
    )
    await replace_view(client, view_id, opened["view"].get("hash"), view)


async def save_notify_choice(
    services: Services, body: dict[str, Any], action: dict[str, Any]
) -> None:
    """Store the ticked or cleared preference, then redraw the Home to show it."""
    user_id = user_id_of(body)
    selected = [str(option.get("value")) for option in action.get("selected_options") or []]
    enabled = notify_choice(selected)

    await services.store.set_notify_dm(user_id, enabled)
    logger.info("%s turned direct messages on run ends %s", user_id, "on" if enabled else "off")
    await services.app_home.publish(user_id, team_id_of(body))
