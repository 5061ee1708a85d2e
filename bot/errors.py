"""One error tree for the whole bot; handlers turn these into words for people."""

from __future__ import annotations


class WorkflowBotError(Exception):
    """Base of every error the bot raises on purpose."""


class ConfigError(WorkflowBotError):
    """A setting is missing or malformed; the message names it."""


class MarketCoreError(WorkflowBotError):
    """MarketCore could not answer a call; `tool` names the call that failed."""

    def __init__(self, message: str, *, tool: str, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.tool = tool
        self.subject = subject


class MarketCoreUnavailable(MarketCoreError):
    """MarketCore could not be reached, or the connection broke before an answer."""


class MarketCoreAuthError(MarketCoreUnavailable):
    """MarketCore refused the bot's API token: an operator has to fix the setting."""


class MarketCoreToolError(MarketCoreError):
    """MarketCore answered with an error (a tool error or a JSON-RPC error)."""


class MarketCoreBadResponse(MarketCoreError):
    """MarketCore answered with something that is not the row we expect."""


class DispatchOutcomeUnknown(MarketCoreError):
    """`run_workflow` was sent but no answer came back: the run may or may not exist."""


class SchemaNotRenderable(WorkflowBotError):
    """A workflow's inputs schema cannot be shown as a Slack form; the message says why."""


class WorkspaceNotInstalled(WorkflowBotError):
    """A Slack workspace the bot has no installation (so no bot token) for."""

    def __init__(self, team_id: str) -> None:
        super().__init__(f"workflow-bot is not installed in workspace {team_id}")
        self.team_id = team_id


class SealingKeyInvalid(WorkflowBotError):
    """`ENCRYPTION_KEY` is not a Fernet key; the message never contains the key."""


class SealedValuesUnreadable(WorkflowBotError):
    """Sealed input values cannot be opened: the key changed since they were sealed."""
