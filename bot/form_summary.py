"""Input values → short (label, text) pairs for the run's status message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.form_branches import infer_choices
from bot.form_fields import Field, FormSchema, Kind
from bot.form_text import truncate, value_text

MASKED_VALUE = "••••••"
SUMMARY_LIMIT = 80


def summarize_inputs(form: FormSchema, input_values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for each input that was provided, in form order; secrets masked and
    long values shortened, so the summary can be posted in a channel."""
    rows: list[tuple[str, str]] = []
    choices = infer_choices(form, input_values)
    form = form.chosen(choices)
    for field in form.fields:
        if field.kind is Kind.BRANCH and field.path in choices:
            # Which alternative was chosen reads better than its constants.
            label = field.choice_labels[choices[field.path]]
            rows.append((_trail(form, field) if field.path else field.label, label))
        if not field.has_input:
            continue
        found, value = _lookup(input_values, field)
        if found:
            rows.append((_trail(form, field), _shown(field, value)))
    return rows


def _lookup(values: Mapping[str, Any], field: Field) -> tuple[bool, Any]:
    node: Any = values
    for name in field.path:
        if not isinstance(node, Mapping) or name not in node:
            return False, None
        node = node[name]
    return True, node


def _trail(form: FormSchema, field: Field) -> str:
    # Nested fields carry their objects' labels: "Target → Market".
    labels = [form.label_at(field.path[:depth]) for depth in range(1, len(field.path) + 1)]
    return truncate(" → ".join(labels), SUMMARY_LIMIT)


def _shown(field: Field, value: Any) -> str:
    if field.secret and value is not None:
        return MASKED_VALUE
    if field.kind is Kind.CHOICE:
        text = _choice_label(field, value)
    elif field.kind is Kind.CHOICES and isinstance(value, list):
        text = ", ".join(_choice_label(field, item) for item in value)
    else:
        text = value_text(value)
    return truncate(" ".join(text.split()), SUMMARY_LIMIT)


def _choice_label(field: Field, value: Any) -> str:
    index = field.choice_index(value)
    return field.choice_labels[index] if index is not None else value_text(value)
