"""Caps on what a submitted form may carry, checked before anything else reads it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# Slack's own inputs stop at 3,000 characters for single-line text; a whole
# submission this large is no form a person filled in.
MAX_SUBMISSION_BYTES = 100_000
MAX_TEXT_CHARS = 10_000


def oversized(state_values: Mapping[str, Any], first_block_id: str | None) -> dict[str, str]:
    """Field errors for values past the caps; `{}` when the submission is within them."""
    try:
        size = len(json.dumps(state_values, separators=(",", ":")).encode())
    except (TypeError, ValueError):
        size = MAX_SUBMISSION_BYTES + 1
    if size > MAX_SUBMISSION_BYTES and first_block_id is not None:
        return {first_block_id: "This form is too large to submit. Shorten the longest fields."}

    errors: dict[str, str] = {}
    for block_id, actions in state_values.items():
        if not isinstance(actions, Mapping):
            continue
        for state in actions.values():
            value = state.get("value") if isinstance(state, Mapping) else None
            if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
                errors[str(block_id)] = f"Enter at most {MAX_TEXT_CHARS:,} characters."
    return errors
