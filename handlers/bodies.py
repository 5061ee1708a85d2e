"""Who and where an interaction comes from, read from the bodies Slack sends."""

from __future__ import annotations

from typing import Any


def team_id_of(body: dict[str, Any]) -> str | None:
    """The workspace the request came from (interactions, commands and events alike)."""
    team = body.get("team")
    team_id = (
        (team.get("id") if isinstance(team, dict) else None)
        or body.get("team_id")
        or (body.get("user") or {}).get("team_id")
    )
    return str(team_id) if team_id else None


def user_id_of(body: dict[str, Any]) -> str:
    """The person who acted, or "" when the body names nobody."""
    return str((body.get("user") or {}).get("id", ""))
