"""FormSchema → modal blocks, built with slack_sdk.models so Block Kit's limits are enforced."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DateTimePickerElement,
    EmailInputElement,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    UrlInputElement,
)

from bot.errors import SchemaNotRenderable
from bot.form_fields import ACTION_ID, SLACK_TEXT_LIMIT, Field, FormSchema, Kind
from bot.form_schema import MAX_BLOCKS
from bot.form_text import number_text, truncate, value_text

# Up to this many choices show as radio buttons or checkboxes (Slack allows 10).
FEW_CHOICES = 5
# The value of a boolean's single checkbox option.
TICKED = "true"

_OPTION_TEXT_LIMIT = 75
_HEADER_LIMIT = 150
_CONTEXT_LIMIT = 3000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LATEST_DATE_TIME = 9_999_999_999  # Slack's datetimepicker takes ten-digit epoch seconds

Element = InputInteractiveElement


def build_form_blocks(form: FormSchema) -> list[Block]:
    """The modal blocks for `form`: an input block per field, a header per nested object.

    Each input block's block_id is its property's JSON Pointer (or a digest when too long).
    """
    blocks: list[Block] = []
    for field in form.fields:
        blocks.extend(_blocks_for(form, field))
    if len(blocks) > MAX_BLOCKS:
        raise SchemaNotRenderable(
            f"The workflow has more inputs than a Slack form can hold ({MAX_BLOCKS} blocks)."
        )
    return blocks


def choice_options(field: Field) -> list[Option]:
    """One option per choice; the value is the choice's position, so any JSON type round-trips."""
    return [
        Option(value=str(index), text=truncate(label, _OPTION_TEXT_LIMIT))
        for index, label in enumerate(field.choice_labels)
    ]


def _blocks_for(form: FormSchema, field: Field) -> list[Block]:
    if field.kind is Kind.OBJECT:
        return _object_blocks(form, field)
    if field.kind is Kind.CONST:
        text = f"{field.label}: {truncate(value_text(field.const), 200)}"
        element = PlainTextObject(text=truncate(text, _CONTEXT_LIMIT))
        return [ContextBlock(block_id=field.block_id, elements=[element])]
    return [
        InputBlock(
            block_id=field.block_id,
            label=field.label,
            element=_ELEMENTS[field.kind](field),
            hint=field.hint,
            optional=field.optional,
        )
    ]


def _object_blocks(form: FormSchema, field: Field) -> list[Block]:
    # Nested objects are flattened, so the header names the whole way down: "Target → Address".
    trail = [form.by_path[field.path[:depth]].label for depth in range(1, len(field.path) + 1)]
    blocks: list[Block] = [
        HeaderBlock(block_id=field.block_id, text=truncate(" → ".join(trail), _HEADER_LIMIT))
    ]
    if field.hint:
        blocks.append(ContextBlock(elements=[PlainTextObject(text=field.hint)]))
    return blocks


def _text(field: Field) -> Element:
    return PlainTextInputElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_value=_initial_text(field),
        multiline=field.multiline or None,
        min_length=field.min_length,
        max_length=field.max_length,
    )


def _email(field: Field) -> Element:
    initial = _initial_text(field)
    return EmailInputElement(
        action_id=ACTION_ID, placeholder=field.placeholder, initial_value=initial
    )


def _url(field: Field) -> Element:
    initial = _initial_text(field)
    return UrlInputElement(
        action_id=ACTION_ID, placeholder=field.placeholder, initial_value=initial
    )


def _date(field: Field) -> Element:
    initial = field.default if _is_date(field.default) else None
    return DatePickerElement(
        action_id=ACTION_ID, placeholder=field.placeholder, initial_date=initial
    )


def _date_time(field: Field) -> Element:
    return DateTimePickerElement(action_id=ACTION_ID, initial_date_time=_epoch(field.default))


def _number(field: Field) -> Element:
    return NumberInputElement(
        action_id=ACTION_ID,
        is_decimal_allowed=field.kind is Kind.NUMBER,
        initial_value=_initial_number(field),
        min_value=None if field.minimum is None else number_text(field.minimum),
        max_value=None if field.maximum is None else number_text(field.maximum),
        placeholder=field.placeholder,
    )


def _boolean(field: Field) -> Element:
    option = Option(value=TICKED, text="Yes")
    ticked = [option] if field.has_default and field.default is True else None
    return CheckboxesElement(action_id=ACTION_ID, options=[option], initial_options=ticked)


def _choice(field: Field) -> Element:
    options = choice_options(field)
    index = field.choice_index(field.default) if field.has_default else None
    initial = None if index is None else options[index]
    # Radio buttons cannot be cleared once picked, so an optional choice gets a menu.
    if len(options) <= FEW_CHOICES and not field.optional:
        return RadioButtonsElement(action_id=ACTION_ID, options=options, initial_option=initial)
    return StaticSelectElement(
        action_id=ACTION_ID, placeholder=field.placeholder, options=options, initial_option=initial
    )


def _choices(field: Field) -> Element:
    options = choice_options(field)
    defaults = field.default if field.has_default and isinstance(field.default, list) else []
    indexes = [field.choice_index(value) for value in defaults]
    initial = [options[index] for index in dict.fromkeys(indexes) if index is not None] or None
    if len(options) <= FEW_CHOICES:
        return CheckboxesElement(action_id=ACTION_ID, options=options, initial_options=initial)
    return StaticMultiSelectElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        options=options,
        initial_options=initial,
        max_selected_items=field.max_items,
    )


def _lines(field: Field) -> Element:
    return PlainTextInputElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_value=_initial_lines(field.default) if field.has_default else None,
        multiline=True,
    )


_ELEMENTS: dict[Kind, Callable[[Field], Element]] = {
    Kind.TEXT: _text,
    Kind.EMAIL: _email,
    Kind.URL: _url,
    Kind.DATE: _date,
    Kind.DATE_TIME: _date_time,
    Kind.INTEGER: _number,
    Kind.NUMBER: _number,
    Kind.BOOLEAN: _boolean,
    Kind.CHOICE: _choice,
    Kind.CHOICES: _choices,
    Kind.LINES: _lines,
}

# A default Slack would refuse (wrong type, too long, out of range) is dropped rather than
# breaking the whole form: the person can still type the value.


def _initial_text(field: Field) -> str | None:
    value = field.default
    if not isinstance(value, str) or not value:
        return None
    limit = field.max_length or SLACK_TEXT_LIMIT
    return value if len(value) <= limit else None


def _initial_number(field: Field) -> str | None:
    value = field.default
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return None
    if field.kind is Kind.INTEGER and not float(value).is_integer():
        return None
    low = -math.inf if field.minimum is None else field.minimum
    high = math.inf if field.maximum is None else field.maximum
    return number_text(value) if low <= value <= high and abs(value) < 1e15 else None


def _initial_lines(value: Any) -> str | None:
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


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _epoch(value: Any) -> int | None:
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
