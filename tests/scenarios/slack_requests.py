"""Signed requests as Slack sends them, for scenario tests; they live in the playground."""

from bot.playground.slack_requests import (
    API_APP_ID,
    TEAM_ID,
    SignedRequest,
    app_uninstalled,
    block_actions,
    block_suggestion,
    sign,
    slash_command,
    view_submission,
)

__all__ = [
    "API_APP_ID",
    "TEAM_ID",
    "SignedRequest",
    "app_uninstalled",
    "block_actions",
    "block_suggestion",
    "sign",
    "slash_command",
    "view_submission",
]
