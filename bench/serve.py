"""Serve the product or the floor app in its own process, so each gets a core of its own.

python -m bench.serve product|floor PORT SLACK_API_URL MARKETCORE_URL DATABASE_FILE
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import AsyncIterator

import uvicorn
from pydantic import SecretStr
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.floor_app import create_floor_app
from bot.config import Settings
from bot.marketcore import MarketCore
from bot.server import create_asgi_app
from bot.simulator_data import CHURN_DIGEST_ID

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"


def product_app(slack_url: str, marketcore_url: str, database: str) -> Starlette:
    """The real bot, exactly as `workflow-bot serve` builds it."""
    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN=SecretStr(BOT_TOKEN),
        SLACK_SIGNING_SECRET=SecretStr(SIGNING_SECRET),
        SLACK_API_URL=slack_url,
        MARKETCORE_MCP_URL=marketcore_url,
        DATABASE_URL=f"sqlite:///{database}",
    )
    return create_asgi_app(settings, settle_heap=True)


def floor_app(slack_url: str, marketcore_url: str) -> Starlette:
    """The bare Bolt app behind the same Starlette adapter and health route."""
    marketcore = MarketCore(marketcore_url)
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack_url)
    handler = AsyncSlackRequestHandler(
        create_floor_app(client, SIGNING_SECRET, marketcore, CHURN_DIGEST_ID)
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await marketcore.start()
        yield
        await marketcore.aclose()

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/slack/events", events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main(argv: list[str]) -> None:
    kind, port, slack_url, marketcore_url, database = argv
    logging.basicConfig(level=logging.WARNING)
    app = (
        product_app(slack_url, marketcore_url, database)
        if kind == "product"
        else floor_app(slack_url, marketcore_url)
    )
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", ws="none")


if __name__ == "__main__":
    main(sys.argv[1:])
