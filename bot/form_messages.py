"""Words for validation errors: what to do next, never jsonschema's own wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.form_fields import Field, Kind
from bot.form_text import number_text, truncate, value_text

NOT_ACCEPTED = "This value is not accepted."
MORE_THAN_ONE = "This fits more than one of the choices; fill in what sets yours apart."

_TYPE_WORDS = {
    "string": "Enter text.",
    "integer": "Enter a whole number.",
    "number": "Enter a number.",
    "boolean": "Tick or untick the box.",
    "array": "Enter a list.",
    "object": "Fill in this section.",
    "null": "Leave this empty.",
}
_FORMAT_WORDS = {
    "email": "Enter an email address, like name@example.com.",
    "idn-email": "Enter an email address, like name@example.com.",
    "uri": "Enter a full web address, like https://example.com.",
    "iri": "Enter a full web address, like https://example.com.",
    "date": "Enter a date as YYYY-MM-DD.",
    "date-time": "Pick a date and time.",
    "time": "Enter a time, like 14:30:00Z.",
    "uuid": "Enter a UUID, like 123e4567-e89b-12d3-a456-426614174000.",
    "ipv4": "Enter an IPv4 address, like 192.0.2.1.",
    "ipv6": "Enter an IPv6 address.",
    "hostname": "Enter a host name, like example.com.",
}

Writer = Callable[[Any, Any, "Field | None"], str]


def error_message(error: Any, field: Field | None) -> str:
    """A plain-words message for one jsonschema ValidationError about `field`."""
    writer = _WRITERS.get(error.validator)
    return writer(error.validator_value, error, field) if writer else NOT_ACCEPTED


def _type(expected: Any, error: Any, field: Field | None) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    names = [name for name in names if name != "null"] or names
    return _TYPE_WORDS.get(names[0], NOT_ACCEPTED) if names else NOT_ACCEPTED


def _const(expected: Any, error: Any, field: Field | None) -> str:
    return f"Use the value {truncate(value_text(expected), 80)}."


def _format(name: Any, error: Any, field: Field | None) -> str:
    return _FORMAT_WORDS.get(name, f"Enter a valid {truncate(str(name), 40)}.")


def _min_length(count: Any, error: Any, field: Field | None) -> str:
    return f"Enter at least {_count(count, 'character')}."


def _max_length(count: Any, error: Any, field: Field | None) -> str:
    return f"Enter at most {_count(count, 'character')}."


# Draft 4 spells "exclusive" as a flag beside `minimum`/`maximum`, reported by those.


def _minimum(limit: Any, error: Any, field: Field | None) -> str:
    if error.schema.get("exclusiveMinimum") is True:
        return f"Enter more than {number_text(limit)}."
    return f"Enter {number_text(limit)} or more."


def _maximum(limit: Any, error: Any, field: Field | None) -> str:
    if error.schema.get("exclusiveMaximum") is True:
        return f"Enter less than {number_text(limit)}."
    return f"Enter {number_text(limit)} or less."


def _exclusive_minimum(limit: Any, error: Any, field: Field | None) -> str:
    return f"Enter more than {number_text(limit)}."


def _exclusive_maximum(limit: Any, error: Any, field: Field | None) -> str:
    return f"Enter less than {number_text(limit)}."


def _multiple_of(step: Any, error: Any, field: Field | None) -> str:
    return f"Enter a multiple of {number_text(step)}."


def _min_items(count: Any, error: Any, field: Field | None) -> str:
    if field is not None and field.kind is Kind.CHOICES:
        return f"Pick at least {count}."
    return f"Enter at least {_count(count, _item_word(field))}."


def _max_items(count: Any, error: Any, field: Field | None) -> str:
    if field is not None and field.kind is Kind.CHOICES:
        return f"Pick at most {count}."
    return f"Enter at most {_count(count, _item_word(field))}."


def _unique_items(unique: Any, error: Any, field: Field | None) -> str:
    return "Remove the repeated items." if unique else NOT_ACCEPTED


def _min_properties(count: Any, error: Any, field: Field | None) -> str:
    return f"Fill in at least {_count(count, 'field')} here."


def _max_properties(count: Any, error: Any, field: Field | None) -> str:
    return f"Fill in at most {_count(count, 'field')} here."


def _count(count: Any, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _item_word(field: Field | None) -> str:
    return "line" if field is not None and field.kind is Kind.LINES else "item"


_WRITERS: dict[str, Writer] = {
    "type": _type,
    "enum": lambda *_: "Pick one of the listed values.",
    "const": _const,
    "format": _format,
    "pattern": lambda *_: "Enter a value in the expected format.",
    "minLength": _min_length,
    "maxLength": _max_length,
    "minimum": _minimum,
    "maximum": _maximum,
    "exclusiveMinimum": _exclusive_minimum,
    "exclusiveMaximum": _exclusive_maximum,
    "multipleOf": _multiple_of,
    "minItems": _min_items,
    "maxItems": _max_items,
    "uniqueItems": _unique_items,
    "minProperties": _min_properties,
    "maxProperties": _max_properties,
    "required": lambda *_: "This field is required.",
}
