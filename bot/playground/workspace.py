"""The playground's sample workspace: the person at the page, a few colleagues and channels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    """A person in the workspace, as users pickers and mentions show them."""

    id: str
    name: str


@dataclass(frozen=True)
class Channel:
    """A conversation the person can type in; the bot is not a member of private ones."""

    id: str
    name: str
    is_private: bool = False


# The first member is the person using the page, until the page switches to another.
MEMBERS = (
    Member("U123", "ana"),
    Member("U234", "bruno"),
    Member("U345", "chen"),
    Member("U456", "dara"),
)
CHANNELS = (
    Channel("C123", "general"),
    Channel("C234", "finance"),
    Channel("C345", "marketing"),
    Channel("G456", "leadership", is_private=True),
)
ME = MEMBERS[0]


def private_channel_ids() -> set[str]:
    """Channels the bot may not post in, so its fallback to a direct message shows."""
    return {channel.id for channel in CHANNELS if channel.is_private}


def directory() -> dict[str, object]:
    """What the page needs to draw names, pickers and the channel list."""
    return {
        "me": ME.id,
        "members": [{"id": member.id, "name": member.name} for member in MEMBERS],
        "channels": [
            {"id": channel.id, "name": channel.name, "is_private": channel.is_private}
            for channel in CHANNELS
        ],
    }
