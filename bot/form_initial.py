"""Initial values of form inputs from the schema's `default`, in the form each element takes.

A default Slack would refuse (wrong type, too long, out of range) gives no initial value
rather than breaking the whole form: the person can still enter the value.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime
from typing import Any

from bot.form_fields import SLACK_TEXT_LIMIT, Field, Kind
from bot.form_text import number_text

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A time the timepicker can show and send back unchanged: whole minutes, in UTC.
_UTC_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(:00)?(Z|z|\+00:00)")
_LATEST_DATE_TIME = 9_999_999_999  # Slack's datetimepicker takes ten-digit epoch seconds


def initial_text(field: Field) -> str | None:
    """The default of a text input, when it fits the input."""
    value = field.default
    if not isinstance(value, str) or not value:
        return None
    limit = field.max_length or SLACK_TEXT_LIMIT
    return value if len(value) <= limit else None


def initial_number(field: Field) -> str | None:
    """The default of a number input as Slack wants it (text), when within its bounds."""
    value = field.default
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return None
    if field.kind is Kind.INTEGER and not float(value).is_integer():
        return None
    low = -math.inf if field.minimum is None else field.minimum
    high = math.inf if field.maximum is None else field.maximum
    return number_text(value) if low <= value <= high and abs(value) < 1e15 else None


def initial_lines(value: Any) -> str | None:
    """A list default as the lines of a text area, when every item fits on one line."""
    if not isinstance(value, list) or not value:
        return None
    lines = [_line_text(item) for item in value]
    if any(line is None for line in lines):
        return None
    text = "\n".join(line for line in lines if line is not None)
    return text if len(text) <= SLACK_TEXT_LIMIT else None


def _line_text(item: Any) -> str | None:
    if isinstance(item, str):
        return item if item.strip() and "\n" not in item else None
    if isinstance(item, int | float) and not isinstance(item, bool):
        return number_text(item)
    return None


def initial_json(field: Field) -> str | None:
    """A list or object default as indented JSON, when it fits a text area."""
    if not field.has_default or not isinstance(field.default, list | dict):
        return None
    text = json.dumps(field.default, indent=2, ensure_ascii=False)
    return text if len(text) <= SLACK_TEXT_LIMIT else None


def initial_date(value: Any) -> str | None:
    """A `YYYY-MM-DD` default for the datepicker, when it is a real date."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return value


def initial_time(value: Any) -> str | None:
    """A UTC time default as the timepicker's `HH:mm`, when it holds whole minutes."""
    found = _UTC_TIME.fullmatch(value) if isinstance(value, str) else None
    return f"{found.group(1)}:{found.group(2)}" if found else None


def initial_epoch(value: Any) -> int | None:
    """An RFC 3339 default as the datetimepicker's epoch seconds."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int(moment.timestamp())
    return seconds if 0 <= seconds <= _LATEST_DATE_TIME else None
