"""HTTP mode: the ASGI app Slack posts to, plus a health check."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import create_app
from bot.config import Settings
from bot.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.runtime import Runtime


class _Ready:
    """The request handler once start-up has finished; None before and after."""

    handler: AsyncSlackRequestHandler | None = None


def create_asgi_app(
    settings: Settings, *, first_poll: float = 2.0, settle_heap: bool = False
) -> Starlette:
    """`POST /slack/events` for Slack and `GET /healthz` for operators; with OAuth
    credentials, also `GET /slack/install` and `GET /slack/oauth_redirect` (Bolt's).

    `settle_heap`: this process serves nothing else (`workflow-bot serve`); see Runtime.
    """
    runtime = Runtime(settings, first_poll=first_poll, settle_heap=settle_heap)
    ready = _Ready()

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        services = await runtime.start()
        ready.handler = AsyncSlackRequestHandler(create_app(settings, services))
        try:
            yield
        finally:
            ready.handler = None
            await runtime.stop()

    async def slack_events(request: Request) -> Response:
        if ready.handler is None:
            return JSONResponse({"error": "starting"}, status_code=503)
        return await ready.handler.handle(request)

    async def healthz(_: Request) -> Response:
        if ready.handler is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if settings.oauth_enabled:
        # Bolt's handler answers both from its OAuth flow, by path.
        routes += [
            Route(INSTALL_PATH, slack_events, methods=["GET"]),
            Route(REDIRECT_PATH, slack_events, methods=["GET"]),
        ]
    return Starlette(routes=routes, lifespan=lifespan)
