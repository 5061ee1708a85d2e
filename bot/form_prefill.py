"""A form filled in again from an earlier run's inputs, and which inputs may be kept for that.

Secret inputs are never kept: they are dropped before a run's inputs are stored, and a
form prefilled from stored inputs shows them blank. Constants are not inputs at all; the
form sends them again on submit, as it always does.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.form_branches import infer_choices, lookup
from bot.form_fields import Field, FormSchema, Path


def storable_inputs(form: FormSchema, input_values: Mapping[str, Any]) -> dict[str, Any]:
    """`input_values` without any secret field's value (in every alternative of the form)."""
    kept: dict[str, Any] = copy.deepcopy(dict(input_values))
    for field in form.fields:
        if field.secret and field.path:
            _drop(kept, field.path)
    return kept


def prefilled_form(
    form: FormSchema, input_values: Mapping[str, Any]
) -> tuple[FormSchema, dict[Path, int]]:
    """The form showing the alternatives these values chose, with the values as each
    input's initial value; inputs without a value (and every secret) start blank."""
    choices = dict(infer_choices(form, input_values))
    shown = form.chosen(choices)
    fields = tuple(_with_value(field, input_values) for field in shown.fields)
    return replace(shown, fields=fields), choices


def _with_value(field: Field, input_values: Mapping[str, Any]) -> Field:
    if not field.has_input:
        return field
    found, value = lookup(input_values, field.path)
    keep = found and not field.secret
    return replace(field, default=value if keep else None, has_default=keep)


def _drop(values: dict[str, Any], path: Path) -> None:
    node: Any = values
    for name in path[:-1]:
        if not isinstance(node, dict) or name not in node:
            return
        node = node[name]
    if isinstance(node, dict):
        node.pop(path[-1], None)
