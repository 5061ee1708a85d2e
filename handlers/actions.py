"""Interactions inside modals and messages: the workflow picker and its typeahead."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import MarketCoreError
from bot.metadata import ModalMetadata
from bot.modals import PICK_ACTION_ID, build_loading_view, build_workflow_options
from bot.services import Services
from handlers.bodies import team_id_of, user_id_of
from handlers.flow import replace_view, view_for_workflow_id

logger = logging.getLogger(__name__)

# Slack waits 3 s for options; answer with none rather than not at all.
_OPTIONS_DEADLINE = 2.5
_LINK_BUTTONS = ("open_run", "open_workflow")


def register(app: AsyncApp, services: Services) -> None:
    """Attach the picker listeners and acknowledge the link buttons."""

    @app.action(PICK_ACTION_ID)
    async def workflow_picked(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await show_picked_workflow(services, client, body, action)

    @app.options(PICK_ACTION_ID)
    async def workflow_options(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack(options=await search_options(services, body))

    for action_id in _LINK_BUTTONS:
        # Link buttons open their URL in the browser; Slack still tells the app.
        @app.action(action_id)
        async def link_opened(ack: AsyncAck) -> None:
            await ack()


async def show_picked_workflow(
    services: Services, client: AsyncWebClient, body: dict[str, Any], action: dict[str, Any]
) -> None:
    """Replace the picker with the chosen workflow's form."""
    view = body.get("view") or {}
    selected = action.get("selected_option") or {}
    workflow_id = selected.get("value")
    metadata = ModalMetadata.decode(view.get("private_metadata"))
    if not isinstance(workflow_id, str) or metadata is None or "id" not in view:
        logger.warning("picker action without a workflow or metadata; ignored")
        return

    view_id = str(view["id"])
    name = (selected.get("text") or {}).get("text") or "the workflow"
    loading = build_loading_view(str(name), metadata)
    new_hash = await replace_view(client, view_id, view.get("hash"), loading)
    if new_hash is None:
        return
    form = await view_for_workflow_id(
        services,
        workflow_id,
        view_id=view_id,
        requester_id=user_id_of(body),
        metadata=metadata,
        team_id=team_id_of(body),
    )
    await replace_view(client, view_id, new_hash, form)


async def search_options(services: Services, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Workflows the person may run whose name matches what they typed (at most 100)."""
    query = str(body.get("value") or "").strip()
    metadata = ModalMetadata.decode((body.get("view") or {}).get("private_metadata"))
    user_id = user_id_of(body)
    if metadata is None:
        return []
    try:
        async with asyncio.timeout(_OPTIONS_DEADLINE):
            marketcore = await services.marketcores.for_team(team_id_of(body))
            page = await marketcore.list_workflows(query or None, limit=100)
            allowed = await services.access.allowed(
                page.workflows, user_id, metadata.channel_id, team_id=team_id_of(body)
            )
    except (MarketCoreError, TimeoutError) as error:
        logger.warning("workflow typeahead failed: %s", type(error).__name__)
        return []
    return [option.to_dict() for option in build_workflow_options(allowed)]
