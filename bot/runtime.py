"""Builds the long-lived services from settings, and starts and stops them in order."""

from __future__ import annotations

import gc
import logging

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessControl
from bot.app_home import AppHome
from bot.approvals import Approvals
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.inflight import InFlight
from bot.marketcore import MarketCore
from bot.marketcores import MarketCores
from bot.oauth import open_installations
from bot.publisher import SlackPublisher
from bot.run_events import RunEvents
from bot.run_thread import RunThreads
from bot.services import Services
from bot.slack_clients import SlackClients
from bot.store import open_store
from bot.tracker import RunTracker
from bot.workspace_tokens import WorkspaceTokens

logger = logging.getLogger(__name__)

_SHUTDOWN_GRACE = 20.0


_SLACK_TIMEOUT_SECONDS = 30.0  # the Web API client's own default, per request


def open_slack_session() -> aiohttp.ClientSession:
    """One connection pool for every Web API call, so calls reuse kept-alive connections.

    Without it the client opens a session and a new connection (a TLS handshake against
    Slack) for each call. Must be called with the event loop running.
    """
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=_SLACK_TIMEOUT_SECONDS))


def build_slack_client(
    settings: Settings, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client on `SLACK_API_URL` that waits out 429s and retries 5xx answers.

    The 429 handler sleeps for `Retry-After` with asyncio, so other requests go on; a
    kept-alive connection the server closed meanwhile is retried by the connection handler.
    With OAuth installs it has no token: each workspace's token comes from its installation.
    """
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    if settings.oauth_enabled:
        token = None
    return AsyncWebClient(
        token=token,
        base_url=settings.SLACK_API_URL,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def _settle_heap() -> None:
    """Keep what start-up built out of every later full garbage collection.

    Imported modules, the SDKs' models and the services live as long as the process, and
    a full collection walks all of them: under load that paused every request for 100 to
    130 ms (bench/, 50 people at once); with them frozen, a full collection takes under
    10 ms. Only for a process that runs the bot alone: a frozen object that later becomes
    part of a garbage cycle is never collected.
    """
    gc.collect()
    gc.freeze()


class Runtime:
    """Owns the store, the MarketCore session and the tracker for one process."""

    def __init__(
        self, settings: Settings, *, first_poll: float = 2.0, settle_heap: bool = False
    ) -> None:
        """`settle_heap` is for a process that runs nothing but the bot (see `_settle_heap`)."""
        self._settings = settings
        self._first_poll = first_poll
        self._settle_heap = settle_heap
        self._services: Services | None = None
        self._slack_session: aiohttp.ClientSession | None = None

    @property
    def services(self) -> Services:
        """The started services; only valid between `start()` and `stop()`."""
        if self._services is None:
            raise RuntimeError("the runtime has not been started")
        return self._services

    async def start(self) -> Services:
        """Open the store, connect MarketCore, resume tracking; returns the services."""
        settings = self._settings
        store = await open_store(settings.DATABASE_URL)
        installations = await open_installations(settings)
        marketcore = MarketCore(settings.MARKETCORE_MCP_URL, token=settings.MARKETCORE_API_TOKEN)
        await marketcore.start()
        tokens = None if installations is None else WorkspaceTokens(store, settings.ENCRYPTION_KEY)
        marketcores = MarketCores(
            marketcore,
            tokens,
            connect=lambda token: MarketCore(settings.MARKETCORE_MCP_URL, token=token),
        )

        self._slack_session = open_slack_session()
        slack = build_slack_client(settings, self._slack_session)
        clients = SlackClients(slack, installations)
        events = RunEvents()
        publisher = SlackPublisher(clients, events)
        threads = RunThreads(clients, store)
        app_home = AppHome(clients, store, tokens=tokens)
        events.subscribe(app_home.run_changed)
        tracker = RunTracker(
            store,
            marketcore,
            publisher,
            sources=marketcores,
            first_poll=self._first_poll,
            poll_rate=settings.MARKETCORE_POLL_RATE,
            edit_rate=settings.SLACK_EDIT_RATE,
            lease_seconds=settings.TRACKER_LEASE_SECONDS,
            threads=threads,
        )
        dispatcher = Dispatcher(
            marketcores,
            store,
            publisher,
            on_tracked=tracker.wake,
            first_poll=self._first_poll,
            threads=threads,
        )
        access = AccessControl(settings.ACCESS_POLICY_FILE, clients)
        approvals = Approvals(
            store,
            clients,
            publisher,
            dispatcher,
            access,
            encryption_key=settings.ENCRYPTION_KEY,
            sweep_interval=settings.APPROVAL_SWEEP_SECONDS,
        )
        self._services = Services(
            slack=slack,
            access=access,
            marketcore=marketcore,
            store=store,
            publisher=publisher,
            dispatcher=dispatcher,
            tracker=tracker,
            inflight=InFlight(),
            events=events,
            app_home=app_home,
            approvals=approvals,
            clients=clients,
            marketcores=marketcores,
            installations=installations,
            tokens=tokens,
        )
        try:
            await dispatcher.resume()
        except Exception:  # Slack unreachable at start: the intents wait for the next one
            logger.exception("could not tell requesters about interrupted dispatches")
        app_home.start()
        approvals.start()
        await tracker.start()
        if self._settle_heap:
            _settle_heap()
        logger.info("workflow-bot ready (MarketCore at %s)", settings.MARKETCORE_MCP_URL)
        return self._services

    async def stop(self) -> None:
        """Stop tracking, then close MarketCore and the store."""
        if self._services is None:
            return
        services, self._services = self._services, None
        # Dispatches and posts that began before the signal finish before anything closes.
        await services.inflight.wait_idle(_SHUTDOWN_GRACE)
        await services.tracker.stop()
        await services.approvals.stop()
        await services.app_home.stop()
        await services.marketcores.aclose()
        await services.store.close()
        if services.installations is not None:
            await services.installations.close()
        if self._slack_session is not None:
            await self._slack_session.close()
            self._slack_session = None
