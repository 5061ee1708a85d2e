"""Slack's own pickers (users, channels, conversations), asked for by an `x-slack` hint.

The value sent is the picked id (`U012AB3CD`, `C012AB3CD`), or a list of them.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import (
    ChannelMultiSelectElement,
    ChannelSelectElement,
    ConversationMultiSelectElement,
    ConversationSelectElement,
    InputInteractiveElement,
    UserMultiSelectElement,
    UserSelectElement,
)

from bot.form_fields import ACTION_ID, Field, Picker

SLACK_ID = re.compile(r"[A-Z0-9]{2,40}")


def picker_element(field: Field) -> InputInteractiveElement:
    """The picker `field` asks for, starting from its default (or what was entered)."""
    if field.multiple:
        return _multi_picker(field, _initial_ids(field))
    initial = _initial_id(field)
    if field.picker is Picker.USERS:
        return UserSelectElement(
            action_id=ACTION_ID, placeholder=field.placeholder, initial_user=initial
        )
    if field.picker is Picker.CHANNELS:
        return ChannelSelectElement(
            action_id=ACTION_ID, placeholder=field.placeholder, initial_channel=initial
        )
    return ConversationSelectElement(
        action_id=ACTION_ID,
        placeholder=field.placeholder,
        initial_conversation=initial,
        # With nothing else to start from, the conversation the command was typed in is
        # the likeliest answer.
        default_to_current_conversation=None if initial else True,
    )


def _multi_picker(field: Field, initial: list[str] | None) -> InputInteractiveElement:
    placeholder, limit = field.placeholder, field.max_items
    if field.picker is Picker.USERS:
        return UserMultiSelectElement(
            action_id=ACTION_ID,
            placeholder=placeholder,
            initial_users=initial,
            max_selected_items=limit,
        )
    if field.picker is Picker.CHANNELS:
        return ChannelMultiSelectElement(
            action_id=ACTION_ID,
            placeholder=placeholder,
            initial_channels=initial,
            max_selected_items=limit,
        )
    return ConversationMultiSelectElement(
        action_id=ACTION_ID,
        placeholder=placeholder,
        initial_conversations=initial,
        max_selected_items=limit,
    )


def is_slack_id(value: Any) -> bool:
    """Whether `value` is shaped like a Slack user, channel or conversation id."""
    return isinstance(value, str) and SLACK_ID.fullmatch(value) is not None


def _initial_id(field: Field) -> str | None:
    return field.default if field.has_default and is_slack_id(field.default) else None


def _initial_ids(field: Field) -> list[str] | None:
    ids = field.default if field.has_default and isinstance(field.default, list) else []
    return [item for item in ids if is_slack_id(item)] or None
