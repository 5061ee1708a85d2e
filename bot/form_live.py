"""A form that changes while it is open: alternatives swapped in, menus searched as typed.

Pure builders for the listeners in handlers/form_actions.py. Both start from what Slack
sends about the open view (its blocks and state) and the FormSchema it was drawn from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from slack_sdk.models.blocks import Block, Option
from slack_sdk.models.views import View

from bot.form_blocks import build_form_blocks
from bot.form_branches import lookup, read_choices
from bot.form_elements import MAX_STATIC_OPTIONS, choice_option
from bot.form_fields import Field, FormSchema, Kind
from bot.form_notes import shown_notes, with_notes
from bot.form_values import parse_submission

# Form blocks' ids are JSON Pointers ("/…") or digests and selects ("#…"); Slack's own
# ids for blocks without one never start with either.
_FORM_BLOCK_PREFIXES = ("/", "#")
_MAX_QUERY = 100


def redrawn_form_view(
    view: Mapping[str, Any], form: FormSchema, notes: Mapping[str, Block] | None = None
) -> View:
    """The open form `view` again, showing the alternatives now chosen in its state and
    keeping everything already entered; the blocks above the form are kept as they were.

    `notes` are shown under the inputs they are keyed by (block id); by default the notes
    the view already shows stay, under those of their inputs still on the form.
    """
    state = (view.get("state") or {}).get("values") or {}
    choices = read_choices(form, state)
    shown = _with_entered(form.chosen(choices), state)
    if notes is None:
        notes = _parsed(shown_notes(view, form))
    blocks = [*_blocks_above_form(view), *build_form_blocks(shown, choices)]
    return View(
        type="modal",
        callback_id=view.get("callback_id"),
        title=view.get("title"),
        submit=view.get("submit"),
        close=view.get("close"),
        private_metadata=view.get("private_metadata"),
        blocks=with_notes(blocks, notes),
    )


def _parsed(blocks: Mapping[str, Mapping[str, Any]]) -> dict[str, Block]:
    parsed = {key: Block.parse(dict(block)) for key, block in blocks.items()}
    return {key: block for key, block in parsed.items() if block is not None}


def _with_entered(form: FormSchema, state: Mapping[str, Any]) -> FormSchema:
    # An input whose block was on screen starts from what it holds (even empty); one
    # that was not (a newly chosen alternative's) starts from the schema's default.
    entered, _ = parse_submission(form, state)
    fields: list[Field] = []
    for field in form.fields:
        if field.has_input and field.block_id in state:
            found, value = lookup(entered, field.path)
            field = replace(field, default=value if found else None, has_default=found)
        fields.append(field)
    return replace(form, fields=tuple(fields))


def _blocks_above_form(view: Mapping[str, Any]) -> list[Block]:
    above: list[Block] = []
    for block in view.get("blocks") or []:
        block_id = str(block.get("block_id") or "")
        if block_id.startswith(_FORM_BLOCK_PREFIXES):
            break
        parsed = Block.parse(block)
        if parsed is not None:
            above.append(parsed)
    return above


def matching_choice_options(form: FormSchema, block_id: str, query: str) -> list[Option]:
    """The options of the typeahead menu `block_id` whose label contains `query`, at most
    100 (Slack's limit per answer); none when the block is not such a menu."""
    field = next((f for f in form.fields if f.block_id == block_id), None)
    if field is None or field.kind not in (Kind.CHOICE, Kind.CHOICES):
        return []
    wanted = " ".join(query[:_MAX_QUERY].split()).casefold()
    options: list[Option] = []
    for index, label in enumerate(field.choice_labels):
        if wanted in label.casefold():
            options.append(choice_option(field, index))
            if len(options) == MAX_STATIC_OPTIONS:
                break
    return options
