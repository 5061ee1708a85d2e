"""A submitted form read back: size caps first, then typed values, then the schema."""

from __future__ import annotations

from typing import Any

from bot.forms import FormSchema, parse_submission, validate_inputs
from bot.submission_limits import oversized


def read_submission(
    form: FormSchema, state: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed values and field errors: size caps first, then conversion, then the schema."""
    first = form.first_input()
    errors = oversized(state, first.block_id if first else None)
    if errors:
        # Only blocks the form has can carry an error; a forged state may name others.
        known = {key: text for key, text in errors.items() if key in form.block_ids}
        return {}, known or ({first.block_id: next(iter(errors.values()))} if first else {})
    values, errors = parse_submission(form, state)
    if errors:
        return values, errors
    return values, validate_inputs(form, values)
