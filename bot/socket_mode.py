"""Socket Mode: the same app over Slack's websocket, for development without a public URL."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import create_app
from bot.config import Settings
from bot.runtime import Runtime


async def run_socket_mode(settings: Settings) -> None:
    """Connect to Slack with `SLACK_APP_TOKEN` and serve until interrupted."""
    if settings.SLACK_APP_TOKEN is None:  # load_settings("socket") already refuses this
        raise RuntimeError("SLACK_APP_TOKEN is required for Socket Mode")

    # Installs need the HTTP redirect, so Socket Mode always serves one workspace.
    single = settings.model_copy(update={"SLACK_CLIENT_ID": None, "SLACK_CLIENT_SECRET": None})
    runtime = Runtime(single, settle_heap=True)
    services = await runtime.start()
    app = create_app(single, services, socket_mode=True)
    # The handler's web client is the app's, so SLACK_API_URL applies here too.
    handler = AsyncSocketModeHandler(app, settings.SLACK_APP_TOKEN.get_secret_value())
    # Bolt's Socket Mode handler is not annotated; both calls are plain coroutines.
    try:
        await handler.start_async()  # type: ignore[no-untyped-call]
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await runtime.stop()
