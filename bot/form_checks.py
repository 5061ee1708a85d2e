"""Inputs checked as they are typed: when the person presses Enter in a text or number
input, its value gets the same conversion and jsonschema checks as on submit, and the
problem (if any) is shown right under it.

Pure builders for the listener in handlers/form_actions.py. The submission is still
checked in full: this only tells the person sooner.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.form_branches import read_choices
from bot.form_errors import problem_of_field
from bot.form_fields import Field, FormSchema
from bot.form_live import redrawn_form_view
from bot.form_notes import note_block, note_text, shown_notes
from bot.form_values import parse_submission
from bot.submission_limits import oversized


def field_problem(form: FormSchema, state_values: Mapping[str, Any], block_id: str) -> str | None:
    """What is wrong with the value of the input `block_id` in the form's state so far,
    in the words the submission would use; None when it is fine (or not checked).

    Only this input is judged: other inputs left empty or still wrong do not count.
    """
    field = checked_field(form, state_values, block_id)
    if field is None:
        return None
    # The same caps as on submit come first, so a forged state is never parsed whole.
    too_large = oversized(state_values, field.block_id)
    if too_large:
        return too_large.get(field.block_id)

    values, unreadable = parse_submission(form, state_values)
    if field.block_id in unreadable:
        return unreadable[field.block_id]
    return problem_of_field(form, values, field)


def checked_field(form: FormSchema, state_values: Mapping[str, Any], block_id: str) -> Field | None:
    """The input `block_id` if the form shows it now and it is checked as typed."""
    shown = form.chosen(read_choices(form, state_values))
    for field in shown.fields:
        if field.block_id == block_id and field.checked_on_enter:
            return field
    return None


def checked_form_view(view: Mapping[str, Any], form: FormSchema, block_id: str) -> View | None:
    """The open form `view` with the problem of the input `block_id` shown right under it,
    or its earlier note gone once the value is fine; every other input and note is kept.

    None when the view would not change, so Slack is not asked to redraw it for nothing.
    """
    state = (view.get("state") or {}).get("values") or {}
    if checked_field(form, state, block_id) is None:
        return None
    message = field_problem(form, state, block_id)
    notes = shown_notes(view, form)
    earlier = notes.pop(block_id, None)
    if message == (note_text(earlier) if earlier is not None else None):
        return None

    # The note of the input at hand comes first: it is the last one dropped for room.
    shown: dict[str, Block] = {}
    if message is not None:
        shown[block_id] = note_block(block_id, message)
    for input_id, block in notes.items():
        parsed = Block.parse(dict(block))
        if parsed is not None:
            shown[input_id] = parsed
    return redrawn_form_view(view, form, shown)
