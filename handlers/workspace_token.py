"""The App Home's *Set MarketCore token* button and the modal it opens (workspace admins)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import SecretStr
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.publisher import slack_error_code
from bot.services import Services
from bot.workspace_admins import is_workspace_admin
from bot.workspace_token_views import (
    SET_TOKEN_ACTION_ID,
    TOKEN_BLOCK_ID,
    TOKEN_CALLBACK_ID,
    TOKEN_INPUT_ACTION_ID,
    build_token_modal,
    build_token_refused_view,
)
from handlers.bodies import team_id_of, user_id_of

logger = logging.getLogger(__name__)

ADMINS_ONLY = "Only workspace admins and owners can set the MarketCore token."
NEEDS_KEY = (
    "I can only keep a MarketCore token encrypted, and no ENCRYPTION_KEY is set. "
    "Ask the operator of workflow-bot to set one."
)
_EMPTY = "Paste a token."


def register(app: AsyncApp, services: Services) -> None:
    """Attach the button's and the modal's listeners."""

    @app.action(SET_TOKEN_ACTION_ID)
    async def set_token_pressed(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await open_token_modal(services, client, body)

    @app.view(TOKEN_CALLBACK_ID)
    async def token_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await save_token(services, ack, client, body, view)


async def open_token_modal(
    services: Services, client: AsyncWebClient, body: dict[str, Any]
) -> None:
    """The token modal for an admin; for anyone else, or without a key, the reason why not."""
    user_id = user_id_of(body)
    if services.tokens is None or not services.tokens.can_store:
        view = build_token_refused_view(NEEDS_KEY)
    elif not await is_workspace_admin(client, user_id):
        logger.info("%s may not set the MarketCore token: not a workspace admin", user_id)
        view = build_token_refused_view(ADMINS_ONLY)
    else:
        view = build_token_modal()
    try:
        await client.views_open(trigger_id=body.get("trigger_id"), view=view)
    except SlackApiError as error:
        logger.warning("views.open for the token modal failed: %s", slack_error_code(error))


async def save_token(
    services: Services,
    ack: AsyncAck,
    client: AsyncWebClient,
    body: dict[str, Any],
    view: dict[str, Any],
) -> None:
    """Check again who is asking (the modal could be replayed), then seal and keep the token."""
    user_id, team_id = user_id_of(body), team_id_of(body)
    token = _submitted_token(view)
    tokens = services.tokens
    if tokens is None or not tokens.can_store or team_id is None:
        await ack(response_action="errors", errors={TOKEN_BLOCK_ID: NEEDS_KEY})
        return
    if not token:
        await ack(response_action="errors", errors={TOKEN_BLOCK_ID: _EMPTY})
        return
    if not await is_workspace_admin(client, user_id):
        logger.info("%s may not set the MarketCore token: not a workspace admin", user_id)
        await ack(response_action="errors", errors={TOKEN_BLOCK_ID: ADMINS_ONLY})
        return

    await ack()
    async with services.inflight.track():
        await tokens.set(team_id, SecretStr(token), set_by=user_id)
        services.marketcores.forget(team_id)
        await services.app_home.publish(user_id, team_id)


def _submitted_token(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(TOKEN_BLOCK_ID) or {}).get(TOKEN_INPUT_ACTION_ID) or {}
    return str(field.get("value") or "").strip()
