"""Submitted view state → input values typed as the schema asks.

The state comes from the view_submission payload: any key may be missing and any value
may be of the wrong type, so every read checks what it finds.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.form_branches import read_choices
from bot.form_elements import TICKED
from bot.form_fields import ACTION_ID, SLACK_TEXT_LIMIT, Field, FormSchema, Kind, Path, Picker
from bot.form_pickers import is_slack_id
from bot.form_text import truncate


class _Blank:
    """Nothing was entered (distinct from None, which a nullable input may mean)."""


_BLANK = _Blank()

# ASCII digits only: `\d` and int() also accept other scripts' digits.
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,12}")
_LATEST_DATE_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
# Where each picker leaves its choice in the view state (plural + "s" for many).
_PICKER_STATE = {
    Picker.USERS: "selected_user",
    Picker.CHANNELS: "selected_channel",
    Picker.CONVERSATIONS: "selected_conversation",
}


class _Unreadable(ValueError):
    """A submitted value that cannot be converted; the message is for the person."""


def parse_submission(
    form: FormSchema, state_values: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed input values from view["state"]["values"], and {block_id: message} for
    values that cannot even be converted. Empty optional inputs are left out; of each
    oneOf/anyOf only the alternative chosen in the form is read."""
    choices = read_choices(form, state_values)
    form = form.chosen(choices)
    values: dict[Path, Any] = {}
    # An alternative the person chose counts as filled in, even before its fields are.
    provided: set[Path] = {path for path in choices if form.selectors[path].optional}
    errors: dict[str, str] = {}
    for field in form.fields:
        if field.kind is Kind.CONST and field.has_default:
            values[field.path] = field.const  # never taken from the client
        if not field.has_input:
            continue
        try:
            value = _READERS[field.kind](field, _action_state(state_values, field.block_id))
        except _Unreadable as error:
            errors[field.block_id] = str(error)
            continue
        if value is _BLANK:
            if field.required and field.nullable:
                values[field.path] = None
            continue
        values[field.path] = value
        if not (field.kind is Kind.BOOLEAN and value is False):
            provided.add(field.path)  # an unticked box is not something the person filled in
    return _assemble(form, values, provided, choices), errors


def _action_state(state_values: Any, block_id: str) -> Mapping[str, Any]:
    block = state_values.get(block_id) if isinstance(state_values, Mapping) else None
    action = block.get(ACTION_ID) if isinstance(block, Mapping) else None
    return action if isinstance(action, Mapping) else {}


def _assemble(
    form: FormSchema, values: dict[Path, Any], provided: set[Path], choices: Mapping[Path, int]
) -> dict[str, Any]:
    # An object is sent when it is required (and so is its parent) or when anything inside
    # it was filled in; an optional object left blank is left out entirely. The chosen
    # alternative of a oneOf/anyOf, when it is an object, is sent the same way.
    kept: set[Path] = {()}
    result: dict[str, Any] = {}
    for field in form.fields:
        if field.path[:-1] not in kept or field.path in kept:
            continue
        if field.kind is Kind.OBJECT or _holds_object(field, choices):
            if field.required or any(path[: len(field.path)] == field.path for path in provided):
                kept.add(field.path)
                _place(result, field.path, {})
        elif field.path in values and field.kind is not Kind.BRANCH:
            _place(result, field.path, values[field.path])
    return result


def _holds_object(field: Field, choices: Mapping[Path, int]) -> bool:
    index = choices.get(field.path) if field.kind is Kind.BRANCH else None
    return index is not None and field.object_branches[index]


def _place(result: dict[str, Any], path: Path, value: Any) -> None:
    target = result
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = value


def _text(field: Field, action: Mapping[str, Any]) -> Any:
    text = action.get("value")
    if not isinstance(text, str) or not text.strip():
        return _BLANK
    if len(text) > SLACK_TEXT_LIMIT:
        raise _Unreadable(f"Enter at most {SLACK_TEXT_LIMIT} characters.")
    return text if field.kind is Kind.TEXT else text.strip()


def _date(field: Field, action: Mapping[str, Any]) -> Any:
    text = action.get("selected_date")
    if text is None or text == "":
        return _BLANK
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise _Unreadable("Pick a date.")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise _Unreadable("Pick a date.") from None
    return text


def _date_time(field: Field, action: Mapping[str, Any]) -> Any:
    seconds = action.get("selected_date_time")
    if seconds is None or seconds == "":
        return _BLANK
    if isinstance(seconds, str) and _DIGITS.fullmatch(seconds):
        seconds = int(seconds)
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        raise _Unreadable("Pick a date and time.")
    if not 0 <= seconds <= _LATEST_DATE_TIME:
        raise _Unreadable("Pick a date and time.")
    # RFC 3339 in UTC, as MarketCore expects: 2026-12-24T10:00:00Z.
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(field: Field, action: Mapping[str, Any]) -> Any:
    text = action.get("selected_time")
    if text is None or text == "":
        return _BLANK
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise _Unreadable("Pick a time.")
    # The timepicker works in UTC (see form_elements.TIME_ZONE): RFC 3339 time with its offset.
    return f"{text}:00Z"


def _picker(field: Field, action: Mapping[str, Any]) -> Any:
    key = _PICKER_STATE[field.picker or Picker.CONVERSATIONS]
    if field.multiple:
        ids = action.get(f"{key}s")
        if ids is None or ids == []:
            return _BLANK
        if not isinstance(ids, list) or not all(is_slack_id(item) for item in ids):
            raise _Unreadable("Pick from the list.")
        return list(dict.fromkeys(ids))
    picked = action.get(key)
    if picked is None or picked == "":
        return _BLANK
    if not is_slack_id(picked):
        raise _Unreadable("Pick from the list.")
    return picked


def _json(field: Field, action: Mapping[str, Any]) -> Any:
    text = _text(field, action)
    if text is _BLANK:
        return _BLANK
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise _Unreadable(f"This is not valid JSON{where}.") from None
    return value


def _integer(field: Field, action: Mapping[str, Any]) -> Any:
    text = _number_text(action, "Enter a whole number.")
    if text is _BLANK:
        return _BLANK
    if not _INTEGER.fullmatch(text):
        raise _Unreadable("Enter a whole number.")
    return int(text)


def _number(field: Field, action: Mapping[str, Any]) -> Any:
    text = _number_text(action, "Enter a number.")
    if text is _BLANK:
        return _BLANK
    return _to_float(text, "Enter a number.")


def _number_text(action: Mapping[str, Any], message: str) -> Any:
    text = action.get("value")
    if text is None or (isinstance(text, str) and not text.strip()):
        return _BLANK
    if not isinstance(text, str) or len(text) > 40:
        raise _Unreadable(message)
    return text.strip()


def _to_float(text: str, message: str) -> float:
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        raise _Unreadable(message)
    number = float(text)
    if not math.isfinite(number):
        raise _Unreadable(message)
    return number


def _boolean(field: Field, action: Mapping[str, Any]) -> Any:
    selected = action.get("selected_options")
    if not isinstance(selected, list):
        return False
    return any(isinstance(option, Mapping) and option.get("value") == TICKED for option in selected)


def _choice(field: Field, action: Mapping[str, Any]) -> Any:
    option = action.get("selected_option")
    if option is None:
        return _BLANK
    return field.choices[_option_index(field, option)]


def _choices(field: Field, action: Mapping[str, Any]) -> Any:
    selected = action.get("selected_options")
    if selected is None or selected == []:
        return _BLANK
    if not isinstance(selected, list) or len(selected) > len(field.choices):
        raise _Unreadable("Pick from the listed values.")
    indexes = dict.fromkeys(_option_index(field, option) for option in selected)
    return [field.choices[index] for index in indexes]


def _option_index(field: Field, option: Any) -> int:
    value = option.get("value") if isinstance(option, Mapping) else None
    if isinstance(value, str) and _DIGITS.fullmatch(value) and int(value) < len(field.choices):
        return int(value)
    raise _Unreadable("Pick one of the listed values.")


def _lines(field: Field, action: Mapping[str, Any]) -> Any:
    text = _text(field, action)
    if text is _BLANK:
        return _BLANK
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            items.append(_line_item(field, number, line.strip()))
    return items


def _line_item(field: Field, number: int, line: str) -> Any:
    shown = truncate(line, 40)
    if field.item_kind is Kind.INTEGER:
        if not _INTEGER.fullmatch(line):
            raise _Unreadable(f"Line {number} (“{shown}”) is not a whole number.")
        return int(line)
    if field.item_kind is Kind.NUMBER:
        return _to_float(line, f"Line {number} (“{shown}”) is not a number.")
    return line


_READERS: dict[Kind, Callable[[Field, Mapping[str, Any]], Any]] = {
    Kind.TEXT: _text,
    Kind.EMAIL: _text,
    Kind.URL: _text,
    Kind.DATE: _date,
    Kind.DATE_TIME: _date_time,
    Kind.TIME: _time,
    Kind.INTEGER: _integer,
    Kind.NUMBER: _number,
    Kind.BOOLEAN: _boolean,
    Kind.CHOICE: _choice,
    Kind.CHOICES: _choices,
    Kind.LINES: _lines,
    Kind.JSON: _json,
    Kind.PICKER: _picker,
}
