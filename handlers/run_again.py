"""The status message's *Run again* button: the workflow's form, filled in from that run."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import RUN_AGAIN_ACTION_ID
from bot.metadata import ModalMetadata
from bot.modals import build_error_view, build_loading_view
from bot.publisher import slack_error_code
from bot.services import Services
from handlers.bodies import team_id_of, user_id_of
from handlers.flow import replace_view, view_for_workflow_id

logger = logging.getLogger(__name__)

_UNKNOWN_RUN = "I don't remember that run any more. Type /run-workflow to start it afresh."


def register(app: AsyncApp, services: Services) -> None:
    """Attach the Run again button's listener."""

    @app.action(RUN_AGAIN_ACTION_ID)
    async def run_again_pressed(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        async with services.inflight.track():
            await open_run_again(services, client, body, action)


async def open_run_again(
    services: Services, client: AsyncWebClient, body: dict[str, Any], action: dict[str, Any]
) -> None:
    """Open a loading modal within the trigger's 3 s, then the form prefilled from the run.

    Whoever pressed the button is the requester: the access policy is applied to them, in
    the run's channel, exactly as for `/run-workflow` there.
    """
    run = await services.store.get_run(str(action.get("value") or ""))
    user_id = user_id_of(body)
    channel_id = run.channel_id if run else str((body.get("channel") or {}).get("id", ""))
    metadata = ModalMetadata(channel_id=channel_id, response_url=body.get("response_url") or None)

    loading = build_loading_view(run.workflow_name if run else "the run", metadata)
    try:
        opened = await client.views_open(trigger_id=body.get("trigger_id"), view=loading)
    except SlackApiError as error:
        logger.warning("views.open for Run again failed: %s", slack_error_code(error))
        return

    view_id = str(opened["view"]["id"])
    if run is None:
        view = build_error_view(_UNKNOWN_RUN)
    else:
        logger.info("%s runs workflow %s again from run %s", user_id, run.workflow_id, run.run_id)
        view = await view_for_workflow_id(
            services,
            run.workflow_id,
            view_id=view_id,
            requester_id=user_id,
            metadata=metadata,
            input_values=run.input_values,
            team_id=team_id_of(body),
        )
    await replace_view(client, view_id, opened["view"].get("hash"), view)
