"""The Bolt app factory: one AsyncApp with every listener wired to the services."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.config import Settings
from bot.logs import bolt_logger
from bot.oauth import NOT_INSTALLED
from bot.services import Services
from handlers import (
    actions,
    approvals,
    commands,
    form_actions,
    home,
    run_again,
    views,
    workspace_token,
)


def create_app(settings: Settings, services: Services, *, socket_mode: bool = False) -> AsyncApp:
    """An AsyncApp on the services' Slack client; HTTP mode verifies Slack's signatures.

    With OAuth installs (HTTP mode only) Bolt serves the install pages and authorizes
    each request with its workspace's bot token, so listeners use the `client` Bolt
    hands them, never `services.slack`.
    """
    secret = settings.SLACK_SIGNING_SECRET
    installations = None if socket_mode else services.installations
    app = AsyncApp(
        client=services.slack,
        oauth_settings=installations.oauth_settings if installations else None,
        user_facing_authorize_error_message=NOT_INSTALLED,
        signing_secret=secret.get_secret_value() if secret else None,
        # Socket Mode messages come over an authenticated socket, not signed HTTP.
        request_verification_enabled=not socket_mode,
        logger=bolt_logger(),
    )
    commands.register(app, services)
    views.register(app, services)
    actions.register(app, services)
    form_actions.register(app, services)
    run_again.register(app, services)
    home.register(app, services)
    approvals.register(app, services)
    if installations is not None:
        workspace_token.register(app, services)
        # Bolt's own listeners: an uninstalled app or revoked token deletes the installation.
        app.enable_token_revocation_listeners()
    return app
