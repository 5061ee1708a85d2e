"""Whether someone is an admin (or owner) of their Slack workspace, from `users.info`."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.publisher import slack_error_code

logger = logging.getLogger(__name__)


async def is_workspace_admin(client: AsyncWebClient, user_id: str) -> bool:
    """True for workspace admins and owners; False for everyone else and on any doubt."""
    if not user_id:
        return False
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as error:
        logger.warning("users.info for %s failed: %s", user_id, slack_error_code(error))
        return False
    user = response.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
