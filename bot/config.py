"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError, SealingKeyInvalid
from bot.policy import load_policy
from bot.sealing import check_key

Mode = Literal["serve", "socket", "offline"]

_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")

# Where a person finds each Slack secret, for the one-line start-up error.
_WHERE = {
    "SLACK_BOT_TOKEN": "Slack app settings → OAuth & Permissions → Bot User OAuth Token (xoxb-…)",
    "SLACK_SIGNING_SECRET": "Slack app settings → Basic Information → Signing Secret",
    "SLACK_APP_TOKEN": "Slack app settings → Basic Information → App-Level Tokens "
    "(xapp-…, scope connections:write)",
    "SLACK_CLIENT_ID": "Slack app settings → Basic Information → App Credentials → Client ID",
    "SLACK_CLIENT_SECRET": "Slack app settings → Basic Information → App Credentials "
    "→ Client Secret",
}


class Settings(BaseSettings):
    """Every setting the bot reads; names are the environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_API_URL: str = "https://slack.com/api/"
    MARKETCORE_MCP_URL: str = "http://127.0.0.1:8800/mcp"
    MARKETCORE_API_TOKEN: SecretStr | None = None
    DATABASE_URL: str = "sqlite:///workflow-bot.db"
    LOG_LEVEL: str = Field(default="INFO")
    # The tracker's budgets: MarketCore polls per second (shared by every run being watched)
    # and Slack message edits per second (chat.update is in Slack's ~50-a-minute tier).
    MARKETCORE_POLL_RATE: float = Field(default=50.0, gt=0)
    SLACK_EDIT_RATE: float = Field(default=1.0, gt=0)
    # How long a process's claim on a run lasts: a replica that dies has its runs taken
    # over by the others (or by itself, restarted) once its claims run out.
    TRACKER_LEASE_SECONDS: float = Field(default=60.0, ge=5)
    LOG_FORMAT: Literal["text", "json"] = "text"
    ACCESS_POLICY_FILE: Path | None = None
    # Many workspaces: with both set, installs go through Slack's OAuth flow and each
    # workspace's bot token comes from its installation (SLACK_BOT_TOKEN is then optional).
    SLACK_CLIENT_ID: str | None = None
    SLACK_CLIENT_SECRET: SecretStr | None = None
    SLACK_AUTHORIZE_URL: str = "https://slack.com/oauth/v2/authorize"
    # Seals input values (secrets included) while a run waits for approval (a Fernet key).
    ENCRYPTION_KEY: SecretStr | None = None
    # How often pending approvals are checked for their timeout.
    APPROVAL_SWEEP_SECONDS: float = Field(default=30.0, gt=0)

    @field_validator("SLACK_API_URL")
    @classmethod
    def _slack_url(cls, value: str) -> str:
        _require_http_url(value)
        # The Web API client joins method names with urljoin, which needs the slash.
        return value if value.endswith("/") else value + "/"

    @field_validator("MARKETCORE_MCP_URL")
    @classmethod
    def _marketcore_url(cls, value: str) -> str:
        _require_http_url(value)
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme, _, rest = value.partition("://")
        if scheme in ("postgresql", "postgres") and rest:
            return value  # the driver reads the rest (host, port, user, database, options)
        if not value.startswith("sqlite:///") or value == "sqlite:///":
            raise ValueError(
                "must look like sqlite:///path/to/file.db or postgresql://user@host/dbname"
            )
        return value

    @field_validator("LOG_LEVEL")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return level

    @field_validator("SLACK_BOT_TOKEN")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _require_prefix(value, "xoxb-")

    @field_validator("SLACK_APP_TOKEN")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _require_prefix(value, "xapp-")

    @field_validator("ENCRYPTION_KEY")
    @classmethod
    def _encryption_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                check_key(value.get_secret_value())
            except SealingKeyInvalid as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("ACCESS_POLICY_FILE")
    @classmethod
    def _policy_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if not value.is_file():
            raise ValueError(f"no such file: {value}")
        try:
            load_policy(value)  # a broken policy stops start-up, not the first command
        except ConfigError as error:
            raise ValueError(str(error).removeprefix("ACCESS_POLICY_FILE ")) from None
        return value

    @property
    def oauth_enabled(self) -> bool:
        """Many workspaces: installs go through Slack's OAuth flow, each with its own token."""
        return self.SLACK_CLIENT_ID is not None and self.SLACK_CLIENT_SECRET is not None

    @property
    def database_path(self) -> Path:
        """The SQLite file named by `DATABASE_URL` (meaningless for a postgresql:// URL)."""
        return Path(self.DATABASE_URL.removeprefix("sqlite:///"))

    @property
    def log_level(self) -> int:
        """`LOG_LEVEL` as a `logging` constant."""
        return logging.getLevelNamesMapping()[self.LOG_LEVEL]


def load_settings(mode: Mode, env_file: str | None = ".env") -> Settings:
    """Read and check the settings `mode` needs; raise `ConfigError` naming the first bad one."""
    try:
        settings = Settings(_env_file=env_file)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is malformed: {reason}") from None

    if (settings.SLACK_CLIENT_ID is None) != (settings.SLACK_CLIENT_SECRET is None):
        # Half an OAuth setup would silently fall back to one workspace.
        name = "SLACK_CLIENT_ID" if settings.SLACK_CLIENT_ID is None else "SLACK_CLIENT_SECRET"
        raise ConfigError(f"{name} is required with the other; find it under {_WHERE[name]}")
    for name in _required_for(mode, oauth=settings.oauth_enabled):
        if getattr(settings, name) is None:
            raise ConfigError(f"{name} is required; find it under {_WHERE[name]}")
    return settings


def _required_for(mode: Mode, *, oauth: bool) -> tuple[str, ...]:
    if mode == "serve" and oauth:
        # Each workspace's bot token comes from its installation.
        return ("SLACK_SIGNING_SECRET",)
    if mode == "serve":
        return ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    if mode == "socket":
        return ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    return ()


def _require_http_url(value: str) -> None:
    if not value.startswith(("http://", "https://")) or len(value) < len("http://x"):
        raise ValueError("must be an http:// or https:// URL")


def _require_prefix(value: SecretStr | None, prefix: str) -> SecretStr | None:
    if value is not None and not value.get_secret_value().startswith(prefix):
        # Never echo the value itself: it is a secret even when it is wrong.
        raise ValueError(f"must start with {prefix}")
    return value
