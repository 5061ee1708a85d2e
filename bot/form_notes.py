"""Notes under a form's inputs: a problem found while the form is open, shown right below
the input it concerns.

Slack shows field errors only in the answer to a submission, so a problem found earlier is
a context block placed under the input instead, added and removed with `views.update`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, PlainTextObject

from bot.form_fields import MAX_BLOCK_ID, FormSchema
from bot.form_text import truncate

# A note's block id is its input's + this. In a JSON Pointer "~" is always followed by
# 0 or 1, and digests are hex, so no input's own block id can ever end this way.
NOTE_SUFFIX = "~error"
# Slack's limit on the blocks of a view; a note that does not fit is left out (the
# submission still reports the problem).
MAX_VIEW_BLOCKS = 100

_NOTE_PREFIX = ":warning: "
_NOTE_LIMIT = 2000


def note_block_id(block_id: str) -> str:
    """The block id of the note under the input `block_id`, within Slack's 255 characters."""
    note_id = block_id + NOTE_SUFFIX
    if len(note_id) <= MAX_BLOCK_ID:
        return note_id
    return "#" + hashlib.sha256(block_id.encode()).hexdigest() + NOTE_SUFFIX


def note_block(block_id: str, message: str) -> Block:
    """The note that shows `message` under the input `block_id`."""
    text = PlainTextObject(text=truncate(_NOTE_PREFIX + message, _NOTE_LIMIT), emoji=True)
    return ContextBlock(block_id=note_block_id(block_id), elements=[text])


def note_text(block: Mapping[str, Any]) -> str | None:
    """The message a note shows, as Slack sends the block back; None for other blocks."""
    elements = block.get("elements")
    if block.get("type") != "context" or not isinstance(elements, list) or not elements:
        return None
    text = elements[0].get("text") if isinstance(elements[0], Mapping) else None
    if not isinstance(text, str):
        return None
    return text.removeprefix(_NOTE_PREFIX)


def shown_notes(view: Mapping[str, Any], form: FormSchema) -> dict[str, Mapping[str, Any]]:
    """The notes the open `view` shows, as Slack sent them, by their input's block id."""
    inputs = {note_block_id(field.block_id): field.block_id for field in form.fields}
    notes: dict[str, Mapping[str, Any]] = {}
    for block in view.get("blocks") or []:
        input_id = inputs.get(str(block.get("block_id") or ""))
        if input_id is not None:
            notes[input_id] = block
    return notes


def with_notes(blocks: Iterable[Block], notes: Mapping[str, Block]) -> list[Block]:
    """`blocks` with each note right under its input; a note whose input is not there is
    dropped, and so are the last ones when the view would pass Slack's block limit."""
    blocks = list(blocks)
    present = {block.block_id for block in blocks}
    room = MAX_VIEW_BLOCKS - len(blocks)
    # Notes are kept in the order given, so the caller decides which matter most.
    kept = {input_id: note for input_id, note in notes.items() if input_id in present}
    kept = dict(list(kept.items())[: max(room, 0)])

    placed: list[Block] = []
    for block in blocks:
        placed.append(block)
        note = kept.get(block.block_id or "")
        if note is not None:
            placed.append(note)
    return placed
