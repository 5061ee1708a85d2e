"""Installing the app in many workspaces: Slack's OAuth flow and where installations live.

With `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` set, Bolt serves `/slack/install` and
`/slack/oauth_redirect`, and each workspace's bot token comes from its installation
instead of `SLACK_BOT_TOKEN`. Installations and OAuth states are kept by Bolt's own
SQLAlchemy stores in the database `DATABASE_URL` names, beside the bot's tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.config import Settings

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes manifest.yml asks for; an install grants exactly these.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "usergroups:read",
    "users:read",
)
# What someone in a workspace without an installation is told, instead of a failure.
NOT_INSTALLED = (
    "workflow-bot is not installed in this workspace yet. "
    "Ask a workspace admin to install it, then try again."
)
# A person has this long between opening the install page and approving in Slack.
_STATE_SECONDS = 600


def async_database_url(database_url: str) -> str:
    """`DATABASE_URL` spelled for SQLAlchemy's asyncio drivers (aiosqlite, asyncpg)."""
    scheme, separator, rest = database_url.partition("://")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+asyncpg{separator}{rest}"
    if scheme == "sqlite":
        return f"sqlite+aiosqlite{separator}{rest}"
    raise ValueError(f"no asyncio driver for {scheme}:// URLs")


@dataclass(frozen=True)
class Installations:
    """The OAuth flow's settings and the stores behind them; close() releases the engine."""

    oauth_settings: AsyncOAuthSettings
    installation_store: AsyncSQLAlchemyInstallationStore
    engine: AsyncEngine

    async def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        """The bot token the workspace's installation granted, or None if not installed."""
        bot = await self.installation_store.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id
        )
        return None if bot is None else bot.bot_token

    async def close(self) -> None:
        await self.engine.dispose()


async def open_installations(settings: Settings) -> Installations | None:
    """The installation stores, tables created; None in single-workspace mode."""
    if settings.SLACK_CLIENT_ID is None or settings.SLACK_CLIENT_SECRET is None:
        return None
    engine = create_async_engine(async_database_url(settings.DATABASE_URL))
    client_id = settings.SLACK_CLIENT_ID
    installation_store = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)
    state_store = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=_STATE_SECONDS, engine=engine)
    try:
        # slack_sdk leaves these two unannotated.
        await installation_store.create_tables()  # type: ignore[no-untyped-call]
        await state_store.create_tables()  # type: ignore[no-untyped-call]
    except BaseException:
        await engine.dispose()
        raise

    oauth_settings = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=settings.SLACK_CLIENT_SECRET.get_secret_value(),
        scopes=list(BOT_SCOPES),
        installation_store=installation_store,
        state_store=state_store,
        state_expiration_seconds=_STATE_SECONDS,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.SLACK_AUTHORIZE_URL,
        # /slack/install goes straight to Slack's approval page, with no page of our own.
        install_page_rendering_enabled=False,
    )
    return Installations(oauth_settings, installation_store, engine)
