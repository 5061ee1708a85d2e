"""Alternatives (`oneOf` / `anyOf`) in a form: which one is chosen, and what each is called.

A form shows one alternative of each oneOf/anyOf at a time, behind a select. Which one
is chosen is known three ways: when the form is first drawn (the first, for a required
property), from the view state (the select itself), and, where only the values are at
hand (validation, the summary), from which alternative's own fields hold values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.form_fields import BRANCH_ACTION_ID, Field, FormSchema, Kind, Path, same_value
from bot.form_text import humanize, truncate

Choices = dict[Path, int]

_LABEL_LIMIT = 75
_TYPE_WORDS = {
    "string": "Text",
    "integer": "Whole number",
    "number": "Number",
    "boolean": "Yes or no",
    "array": "List",
    "object": "Details",
    "null": "None",
}
_FORMAT_WORDS = {
    "email": "Email address",
    "uri": "Web address",
    "date": "Date",
    "date-time": "Date and time",
    "time": "Time",
    "uuid": "UUID",
}


def branch_labels(branches: list[dict[str, Any]]) -> tuple[str, ...]:
    """A label per alternative: its title, else a readable summary of its shape."""
    labels = [_branch_label(branch, index) for index, branch in enumerate(branches)]
    # Two alternatives that read alike are told apart by their position.
    return tuple(
        label if labels.count(label) == 1 else f"{label} ({index + 1})"
        for index, label in enumerate(labels)
    )


def _branch_label(branch: dict[str, Any], index: int) -> str:
    title = branch.get("title")
    if isinstance(title, str) and title.strip():
        return truncate(title.strip(), _LABEL_LIMIT)
    properties = branch.get("properties")
    if isinstance(properties, dict) and properties:
        names = [humanize(name) for name in list(properties)[:3]]
        more = ", …" if len(properties) > 3 else ""
        return truncate(", ".join(names) + more, _LABEL_LIMIT)
    text_format = branch.get("format")
    if isinstance(text_format, str) and text_format in _FORMAT_WORDS:
        return _FORMAT_WORDS[text_format]
    declared = branch.get("type")
    if isinstance(declared, str) and declared in _TYPE_WORDS:
        return _TYPE_WORDS[declared]
    return f"Option {index + 1}"


def initial_choices(form: FormSchema) -> Choices:
    """The alternatives a fresh form shows: the first of each required one, none otherwise."""
    choices: Choices = {}
    for selector in form.selectors.values():
        if selector.shown_with(choices) and not selector.optional:
            choices[selector.path] = 0
    return choices


def read_choices(form: FormSchema, state_values: Any) -> Choices:
    """The alternatives chosen in the view state; a required one left unread is the first."""
    choices: Choices = {}
    for selector in form.selectors.values():
        if not selector.shown_with(choices):
            continue
        index = _selected_index(selector, state_values)
        if index is None and not selector.optional:
            index = 0
        if index is not None:
            choices[selector.path] = index
    return choices


def _selected_index(selector: Field, state_values: Any) -> int | None:
    block = state_values.get(selector.block_id) if isinstance(state_values, Mapping) else None
    action = block.get(BRANCH_ACTION_ID) if isinstance(block, Mapping) else None
    option = action.get("selected_option") if isinstance(action, Mapping) else None
    value = option.get("value") if isinstance(option, Mapping) else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        index = int(value)
        return index if index < len(selector.choices) else None
    return None


def infer_choices(form: FormSchema, values: Mapping[str, Any]) -> Choices:
    """The alternatives `values` were entered under: the one whose own fields hold the
    most of them (a matching constant counts, a differing one counts against)."""
    choices: Choices = {}
    for selector in form.selectors.values():
        if not selector.shown_with(choices):
            continue
        found, _ = lookup(values, selector.path)
        if not found and selector.optional:
            continue
        scores = [_score(form, selector.path, index, values) for index in selector.choices]
        choices[selector.path] = max(range(len(scores)), key=lambda index: (scores[index], -index))
    return choices


def _score(form: FormSchema, path: Path, index: int, values: Mapping[str, Any]) -> int:
    score = 0
    for field in form.fields:
        if not field.conditions or field.conditions[-1] != (path, index):
            continue
        found, value = lookup(values, field.path)
        if field.kind is Kind.CONST and field.has_default:
            score += (1 if same_value(value, field.const) else -1) if found else 0
        elif found and field.kind is not Kind.BRANCH:
            score += 1
    return score


def lookup(values: Any, path: Path) -> tuple[bool, Any]:
    """(True, value) at `path` inside nested input values, or (False, None) when absent."""
    node = values
    for name in path:
        if not isinstance(node, Mapping) or name not in node:
            return False, None
        node = node[name]
    return True, node
