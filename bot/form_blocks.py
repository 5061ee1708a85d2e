"""FormSchema → modal blocks, built with slack_sdk.models so Block Kit's limits are enforced."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, InputBlock, PlainTextObject

from bot.errors import SchemaNotRenderable
from bot.form_branches import initial_choices
from bot.form_elements import element_for, selector_element
from bot.form_fields import Field, FormSchema, Kind, Path
from bot.form_schema import MAX_BLOCKS
from bot.form_summary import MASKED_VALUE
from bot.form_text import truncate, value_text

_HEADER_LIMIT = 150
_CONTEXT_LIMIT = 3000


def build_form_blocks(form: FormSchema, choices: Mapping[Path, int] | None = None) -> list[Block]:
    """The modal blocks for `form`: an input block per field, a header per nested object,
    a select per oneOf/anyOf followed by the chosen alternative's fields.

    Each input block's block_id is its property's JSON Pointer (or a digest when too long).
    `choices` are the alternatives shown (by default the first of each required one).
    """
    chosen = initial_choices(form) if choices is None else dict(choices)
    shown = form.chosen(chosen)
    blocks: list[Block] = []
    for field in shown.fields:
        blocks.extend(_blocks_for(shown, field, chosen))
    if len(blocks) > MAX_BLOCKS:
        raise SchemaNotRenderable(
            f"The workflow has more inputs than a Slack form can hold ({MAX_BLOCKS} blocks)."
        )
    return blocks


def _blocks_for(form: FormSchema, field: Field, choices: Mapping[Path, int]) -> list[Block]:
    if field.kind is Kind.BRANCH:
        select = selector_element(field, choices.get(field.path))
        block = InputBlock(
            block_id=field.block_id,
            label=field.label,
            element=select,
            hint=field.hint,
            optional=field.optional,
            # Choosing an alternative tells the app at once, so its fields can be swapped in.
            dispatch_action=True,
        )
        return [block]
    if field.kind is Kind.OBJECT:
        return _object_blocks(form, field)
    if field.kind is Kind.CONST:
        text = f"{field.label}: {_fixed_text(field)}"
        element = PlainTextObject(text=truncate(text, _CONTEXT_LIMIT))
        return [ContextBlock(block_id=field.block_id, elements=[element])]
    return [
        InputBlock(
            block_id=field.block_id,
            label=field.label,
            element=element_for(field),
            hint=field.hint,
            optional=field.optional,
            # Pressing Enter in a text or number input checks it at once (see form_checks).
            dispatch_action=field.checked_on_enter or None,
        )
    ]


def _object_blocks(form: FormSchema, field: Field) -> list[Block]:
    # Nested objects are flattened, so the header names the whole way down: "Target → Address".
    trail = [form.label_at(field.path[:depth]) for depth in range(1, len(field.path) + 1)]
    blocks: list[Block] = [
        HeaderBlock(block_id=field.block_id, text=truncate(" → ".join(trail), _HEADER_LIMIT))
    ]
    if field.hint:
        blocks.append(ContextBlock(elements=[PlainTextObject(text=field.hint)]))
    return blocks


def _fixed_text(field: Field) -> str:
    if not field.has_default:
        return "set by the workflow"
    if field.secret:
        return MASKED_VALUE
    return truncate(value_text(field.const), 200)
