"""The long-lived parts every handler uses, built once by the app factory."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessControl
from bot.app_home import AppHome
from bot.approvals import Approvals
from bot.dispatch import Dispatcher
from bot.inflight import InFlight
from bot.marketcore import MarketCore
from bot.marketcores import MarketCores
from bot.oauth import Installations
from bot.publisher import SlackPublisher
from bot.run_events import RunEvents
from bot.slack_clients import SlackClients
from bot.store import Store
from bot.tracker import RunTracker
from bot.workspace_tokens import WorkspaceTokens


@dataclass(frozen=True)
class Services:
    """Clients and state, injected into handlers so tests can run them against stand-ins."""

    slack: AsyncWebClient
    access: AccessControl
    marketcore: MarketCore
    store: Store
    publisher: SlackPublisher
    dispatcher: Dispatcher
    tracker: RunTracker
    inflight: InFlight
    # Post and edit announcements of status messages, for side views (App Home, DMs).
    events: RunEvents
    # Each person's App Home, published when opened and refreshed as their runs change.
    app_home: AppHome
    # Runs held until an approver decides; expires the forgotten ones in the background.
    approvals: Approvals
    # The Web API client of each workspace (all `slack` in single-workspace mode).
    clients: SlackClients
    # The MarketCore client of each workspace (all `marketcore` in single-workspace mode).
    marketcores: MarketCores
    # Installs through Slack's OAuth flow; None in single-workspace mode.
    installations: Installations | None = None
    # Each workspace's sealed MarketCore token; None in single-workspace mode.
    tokens: WorkspaceTokens | None = None
