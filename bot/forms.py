"""The form layer: JSON Schema → Slack modal blocks, view state → typed input values,
jsonschema errors → {block_id: message}, and one input's problem while the form is
open. Pure functions, no I/O.

The work is split by step into the `bot/form_*.py` modules; this is their public face.
"""

from __future__ import annotations

from bot.form_blocks import build_form_blocks
from bot.form_checks import field_problem
from bot.form_errors import validate_inputs
from bot.form_fields import ACTION_ID, BRANCH_ACTION_ID, Field, FormSchema, Kind
from bot.form_prefill import prefilled_form, storable_inputs
from bot.form_schema import prepare_schema
from bot.form_summary import summarize_inputs
from bot.form_values import parse_submission

__all__ = [
    "ACTION_ID",
    "BRANCH_ACTION_ID",
    "Field",
    "FormSchema",
    "Kind",
    "build_form_blocks",
    "field_problem",
    "parse_submission",
    "prefilled_form",
    "prepare_schema",
    "storable_inputs",
    "summarize_inputs",
    "validate_inputs",
]
