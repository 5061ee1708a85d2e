"""Small text helpers shared by the builders: escaping, shortening, MarketCore links."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

MARKETCORE_APP_URL = "https://app.marketcore.ai"

# Slack caps a modal's title at 24 characters.
MODAL_TITLE_CHARS = 24


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters.

    Without this a workflow name or an input value like `<!channel>` would ping a
    whole channel, and `<https://evil|docs>` would render as a disguised link.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def modal_title(name: str) -> str:
    """A workflow name fitted into a modal title."""
    return shorten(" ".join(name.split()) or "Run workflow", MODAL_TITLE_CHARS)


def is_web_url(value: str | None) -> bool:
    """Whether `value` is an absolute http(s) URL Slack will accept on a button."""
    if not value or len(value) > 3000:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def workflow_url(workflow_id: str) -> str:
    """The workflow's page in MarketCore, for messages that have no run link."""
    return f"{MARKETCORE_APP_URL}/workflows/{quote(workflow_id, safe='')}"
