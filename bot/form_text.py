"""Words for forms: labels from property names, values shown to people, safe lengths."""

from __future__ import annotations

import math
import re
from typing import Any

ELLIPSIS = "…"

# "startDate" → "start Date": a boundary between a lower-case letter or digit and a capital.
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending with "…" when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def humanize(name: str) -> str:
    """A label from a property name: "start_date" and "startDate" both become "Start date"."""
    spaced = _CAMEL_BOUNDARY.sub(" ", name[:500]).replace("_", " ").replace("-", " ")
    words = [word if _is_acronym(word) else word.lower() for word in spaced.split()]
    if not words:
        return name.strip() or "Value"

    text = " ".join(words)
    return text[0].upper() + text[1:]


def number_text(number: float) -> str:
    """A number as people write it: 10 rather than 10.0, 2.5 as is."""
    whole = isinstance(number, float) and math.isfinite(number) and number.is_integer()
    return str(int(number)) if whole and abs(number) < 1e15 else str(number)


def value_text(value: Any) -> str:
    """Any input value (a JSON value) as short plain text for people."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {value_text(item)}" for key, item in value.items())
    return str(value)


def choice_text(value: Any) -> str:
    """How an enum value reads in a menu: its own spelling, so `true` and "Yes" stay apart."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value_text(value)


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()
