"""One Slack input element per field, built with slack_sdk.models so Block Kit's limits hold."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DatePickerElement,
    DateTimePickerElement,
    EmailInputElement,
    ExternalDataMultiSelectElement,
    ExternalDataSelectElement,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
    UrlInputElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig

from bot.form_fields import ACTION_ID, BRANCH_ACTION_ID, Field, Kind
from bot.form_initial import (
    initial_date,
    initial_epoch,
    initial_json,
    initial_lines,
    initial_number,
    initial_text,
    initial_time,
)
from bot.form_pickers import picker_element
from bot.form_text import number_text, truncate

# Up to this many choices show as radio buttons or checkboxes unasked.
FEW_CHOICES = 5
# Slack's limits: radio buttons and checkboxes take 10 options, a static menu 100.
MAX_BUTTONS = 10
MAX_STATIC_OPTIONS = 100
# The value of a boolean's single checkbox option.
TICKED = "true"
# The timepicker's zone: the time picked is UTC, sent as `HH:MM:00Z`.
TIME_ZONE = "UTC"

_OPTION_TEXT_LIMIT = 75

Element = InputInteractiveElement


def element_for(field: Field) -> Element:
    """The input element that asks for `field`, always under action_id ACTION_ID."""
    return _ELEMENTS[field.kind](field)


def on_enter(field: Field) -> DispatchActionConfig | None:
    """For an input checked as it is typed: tell the app when Enter is pressed in it."""
    if not field.checked_on_enter:
        return None
    return DispatchActionConfig(trigger_actions_on=["on_enter_pressed"])


def choice_options(field: Field) -> list[Option]:
    """One option per choice; the value is the choice's position, so any JSON type round-trips."""
    return [choice_option(field, index) for index in range(len(field.choices))]


def choice_option(field: Field, index: int) -> Option:
    """The option of the choice at `index`: its label as text, its position as value."""
    return Option(value=str(index), text=truncate(field.choice_labels[index], _OPTION_TEXT_LIMIT))


def selector_element(field: Field, chosen: int | None) -> Element:
    """The select of a oneOf/anyOf's alternatives, with `chosen` picked."""
    initial = None if chosen is None else choice_option(field, chosen)
    options = choice_options(field)
    if not field.optional and len(options) <= FEW_CHOICES:
        return RadioButtonsElement(
            action_id=BRANCH_ACTION_ID, options=options, initial_option=initial
        )
    return StaticSelectElement(
        action_id=BRANCH_ACTION_ID,
        placeholder="Choose one",
        options=options[:MAX_STATIC_OPTIONS],
        initial_option=initial,
    )


def uses_typeahead(field: Field) -> bool:
    """Whether the field's choices are too many for a static menu and load as people type."""
    return field.kind in (Kind.CHOICE, Kind.CHOICES) and len(field.choices) > MAX_STATIC_OPTIONS


def _text(field: Field) -> Element:
    return PlainTextInputElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_value=initial_text(field),
        multiline=field.multiline or None,
        min_length=field.min_length,
        max_length=field.max_length,
        dispatch_action_config=on_enter(field),
    )


def _email(field: Field) -> Element:
    initial = initial_text(field)
    return EmailInputElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_value=initial,
        dispatch_action_config=on_enter(field),
    )


def _url(field: Field) -> Element:
    initial = initial_text(field)
    return UrlInputElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_value=initial,
        dispatch_action_config=on_enter(field),
    )


def _date(field: Field) -> Element:
    return DatePickerElement(
        action_id=ACTION_ID, placeholder=field.placeholder, initial_date=initial_date(field.default)
    )


def _date_time(field: Field) -> Element:
    return DateTimePickerElement(
        action_id=ACTION_ID, initial_date_time=initial_epoch(field.default)
    )


def _time(field: Field) -> Element:
    return TimePickerElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_time=initial_time(field.default),
        timezone=TIME_ZONE,
    )


def _number(field: Field) -> Element:
    if field.plain_number:
        # Past number_input's range the number is typed as text and checked on submit.
        return PlainTextInputElement(
            action_id=ACTION_ID,
            placeholder=field.placeholder,
            initial_value=initial_number(field),
            max_length=40,
            dispatch_action_config=on_enter(field),
        )
    return NumberInputElement(
        action_id=ACTION_ID,
        is_decimal_allowed=field.kind is Kind.NUMBER,
        initial_value=initial_number(field),
        min_value=None if field.minimum is None else number_text(field.minimum),
        max_value=None if field.maximum is None else number_text(field.maximum),
        placeholder=field.placeholder,
        dispatch_action_config=on_enter(field),
    )


def _boolean(field: Field) -> Element:
    option = Option(value=TICKED, text="Yes")
    ticked = [option] if field.has_default and field.default is True else None
    return CheckboxesElement(action_id=ACTION_ID, options=[option], initial_options=ticked)


def _choice(field: Field) -> Element:
    index = field.choice_index(field.default) if field.has_default else None
    initial = None if index is None else choice_option(field, index)
    if uses_typeahead(field):
        return ExternalDataSelectElement(
            action_id=ACTION_ID,
            placeholder=field.placeholder or "Type to search",
            initial_option=initial,
            min_query_length=0,
        )
    if _as_buttons(field):
        options = choice_options(field)
        return RadioButtonsElement(action_id=ACTION_ID, options=options, initial_option=initial)
    return StaticSelectElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        options=choice_options(field),
        initial_option=initial,
    )


def _as_buttons(field: Field) -> bool:
    # Radio buttons cannot be cleared once picked, so an optional choice gets a menu unless
    # the author asked for buttons; a multiple choice is a set of checkboxes when few.
    count = len(field.choices)
    if field.layout is not None:
        return field.layout == "radio" and count <= MAX_BUTTONS
    if field.kind is Kind.CHOICES:
        return count <= FEW_CHOICES
    return count <= FEW_CHOICES and not field.optional


def _choices(field: Field) -> Element:
    defaults = field.default if field.has_default and isinstance(field.default, list) else []
    indexes = dict.fromkeys(field.choice_index(value) for value in defaults)
    initial = [choice_option(field, index) for index in indexes if index is not None] or None
    if uses_typeahead(field):
        return ExternalDataMultiSelectElement(
            action_id=ACTION_ID,
            placeholder=field.placeholder or "Type to search",
            initial_options=initial,
            min_query_length=0,
            max_selected_items=field.max_items,
        )
    if _as_buttons(field):
        options = choice_options(field)
        return CheckboxesElement(action_id=ACTION_ID, options=options, initial_options=initial)
    return StaticMultiSelectElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        options=choice_options(field),
        initial_options=initial,
        max_selected_items=field.max_items,
    )


def _lines(field: Field) -> Element:
    return PlainTextInputElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_value=initial_lines(field.default) if field.has_default else None,
        multiline=True,
    )


def _json(field: Field) -> Element:
    return PlainTextInputElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder or ("JSON, like " + ("[{…}]" if field.max_items else "{…}")),
        initial_value=initial_json(field),
        multiline=True,
    )


_ELEMENTS: dict[Kind, Callable[[Field], Element]] = {
    Kind.TEXT: _text,
    Kind.EMAIL: _email,
    Kind.URL: _url,
    Kind.DATE: _date,
    Kind.DATE_TIME: _date_time,
    Kind.TIME: _time,
    Kind.INTEGER: _number,
    Kind.NUMBER: _number,
    Kind.BOOLEAN: _boolean,
    Kind.CHOICE: _choice,
    Kind.CHOICES: _choices,
    Kind.LINES: _lines,
    Kind.JSON: _json,
    Kind.PICKER: picker_element,
}
