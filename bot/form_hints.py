"""The `x-slack` keyword: a workflow author's hints on how a property shows in Slack.

    "x-slack": {"picker": "users" | "channels" | "conversations",
                "multiline": true, "placeholder": "…", "layout": "radio" | "menu"}

Hints only change how a value is entered, never what is valid: the schema still decides
that. A hint that does not fit the property (a picker on a number, an unknown layout) is
ignored, so an author's slip never costs people the whole form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.form_fields import Picker
from bot.form_text import truncate

KEYWORD = "x-slack"
_PLACEHOLDER_LIMIT = 150
_LAYOUTS = frozenset({"radio", "menu"})


@dataclass(frozen=True)
class SlackHints:
    """What the `x-slack` keyword of one property asks for."""

    picker: Picker | None = None
    multiline: bool = False
    placeholder: str | None = None
    layout: str | None = None


def slack_hints(prop: dict[str, Any]) -> SlackHints:
    """The hints of a property schema; no keyword (or a malformed one) gives no hints."""
    given = prop.get(KEYWORD)
    if not isinstance(given, dict):
        return SlackHints()
    placeholder = given.get("placeholder")
    layout = given.get("layout")
    return SlackHints(
        picker=_picker(given.get("picker")),
        multiline=given.get("multiline") is True,
        placeholder=(
            truncate(placeholder.strip(), _PLACEHOLDER_LIMIT)
            if isinstance(placeholder, str) and placeholder.strip()
            else None
        ),
        layout=layout if layout in _LAYOUTS else None,
    )


def _picker(name: Any) -> Picker | None:
    try:
        return Picker(name) if isinstance(name, str) else None
    except ValueError:
        return None
