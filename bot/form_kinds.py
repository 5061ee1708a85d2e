"""What a property schema asks for: its kind of field, choices, lengths and bounds."""

from __future__ import annotations

import math
from typing import Any

from bot.errors import SchemaNotRenderable
from bot.form_fields import SLACK_TEXT_LIMIT, Kind
from bot.form_guard import MAX_ENUM_VALUES
from bot.form_hints import SlackHints, slack_hints
from bot.form_resolve import CHOICE_LABELS, NULLABLE, resolve
from bot.form_text import choice_text

# Past 100 choices (a static select's limit) the menu loads its options as people type.
MAX_CHOICES = MAX_ENUM_VALUES
MULTILINE_ABOVE = 150  # a maxLength above this gets a text area
_NUMBER_LIMIT = 1e15  # beyond this Slack's number_input shows exponents or refuses
_UUID_LENGTH = 36  # 8-4-4-4-12 hex digits, the only spelling `format: uuid` accepts
_UUID_EXAMPLE = "123e4567-e89b-12d3-a456-426614174000"

_TEXT_FORMATS = {
    "email": Kind.EMAIL,
    "uri": Kind.URL,
    "date": Kind.DATE,
    "date-time": Kind.DATE_TIME,
    "time": Kind.TIME,
}
_LINE_ITEMS: dict[str | None, Kind] = {
    "string": Kind.TEXT,
    None: Kind.TEXT,
    "integer": Kind.INTEGER,
    "number": Kind.NUMBER,
}


def kind_attributes(prop: dict[str, Any], root: dict[str, Any], where: str) -> dict[str, Any]:
    """The Field attributes (kind, nullable, choices, limits…) a property schema asks for.

    `where` names the property in the SchemaNotRenderable raised for shapes a form cannot show.
    """
    type_name, nullable = _type_of(prop, where)
    hints = slack_hints(prop)
    if "enum" in prop:
        return {**_choice_attributes(prop, where, nullable, Kind.CHOICE), "layout": hints.layout}
    if type_name == "array" or (type_name is None and "items" in prop):
        return _array_attributes(prop, root, where, nullable, hints)
    if type_name in ("string", None):
        if hints.picker is not None:
            return {"kind": Kind.PICKER, "nullable": nullable, "picker": hints.picker}
        return _string_attributes(prop, nullable, hints)
    if type_name in ("integer", "number"):
        bounds = _number_bounds(prop, integer=type_name == "integer")
        return {"kind": Kind(type_name), "nullable": nullable, **bounds}
    if type_name == "boolean":
        return {"kind": Kind.BOOLEAN, "nullable": nullable}
    if type_name == "object":
        return {"kind": Kind.JSON, "nullable": nullable, "multiline": True}
    raise SchemaNotRenderable(f"“{where}” is of type {type_name}, which a form cannot show.")


def _type_of(prop: dict[str, Any], where: str) -> tuple[str | None, bool]:
    declared = prop.get("type")
    all_names = [declared] if isinstance(declared, str) else list(declared or [])
    nullable = "null" in all_names or prop.get(NULLABLE) is True
    names = [name for name in all_names if name != "null"]
    if sorted(names) == ["integer", "number"]:
        names = ["number"]
    if len(names) > 1:
        kinds = ", ".join(names)
        raise SchemaNotRenderable(f"“{where}” accepts several types ({kinds}).")
    if not names and all_names:
        raise SchemaNotRenderable(f"“{where}” can only be null, so there is nothing to ask.")
    return (names[0] if names else None), nullable


def _choice_attributes(
    prop: dict[str, Any], where: str, nullable: bool, kind: Kind
) -> dict[str, Any]:
    values: list[Any] = prop["enum"]
    if any(isinstance(value, dict | list) for value in values):
        raise SchemaNotRenderable(f"“{where}” offers choices that are not simple values.")
    labels = _choice_labels(prop, values)
    pairs = [
        (value, label) for value, label in zip(values, labels, strict=True) if value is not None
    ]
    if not pairs:
        raise SchemaNotRenderable(f"“{where}” offers no choice to pick.")
    if len(pairs) > MAX_CHOICES:
        raise SchemaNotRenderable(
            f"“{where}” offers {len(pairs)} choices; a Slack menu shows at most {MAX_CHOICES}."
        )
    return {
        "kind": kind,
        "nullable": nullable or None in values,
        "choices": tuple(value for value, _ in pairs),
        "choice_labels": tuple(label for _, label in pairs),
    }


def _choice_labels(prop: dict[str, Any], values: list[Any]) -> list[str]:
    given = prop.get(CHOICE_LABELS) or prop.get("x-enumNames") or prop.get("enumNames")
    if not isinstance(given, list) or len(given) != len(values):
        given = [None] * len(values)
    return [
        label if isinstance(label, str) and label.strip() else choice_text(value)
        for value, label in zip(values, given, strict=True)
    ]


def _array_attributes(
    prop: dict[str, Any], root: dict[str, Any], where: str, nullable: bool, hints: SlackHints
) -> dict[str, Any]:
    items = prop.get("items", True)
    if isinstance(items, list) or "prefixItems" in prop:
        raise SchemaNotRenderable(f"“{where}” is a list by position, which a form cannot show.")
    item = resolve(items, root, where)
    max_items = _whole(prop.get("maxItems"))
    if "enum" in item:
        attributes = _choice_attributes(item, where, nullable, Kind.CHOICES)
        return {**attributes, "nullable": nullable, "max_items": max_items, "layout": hints.layout}

    item_type = item.get("type")
    if hints.picker is not None and item_type in ("string", None):
        return {
            "kind": Kind.PICKER,
            "nullable": nullable,
            "picker": hints.picker,
            "multiple": True,
            "max_items": max_items,
        }
    if item_type in ("object", "array") or "properties" in item:
        # Entries with fields of their own: typed as a JSON list, checked on submit.
        return {"kind": Kind.JSON, "nullable": nullable, "multiline": True, "max_items": max_items}
    if not isinstance(item_type, str | None) or item_type not in _LINE_ITEMS:
        raise SchemaNotRenderable(
            f"“{where}” lists items of type {item_type}, which a form cannot show."
        )
    return {
        "kind": Kind.LINES,
        "nullable": nullable,
        "item_kind": _LINE_ITEMS[item_type],
        "max_items": max_items,
        "multiline": True,
    }


def _string_attributes(prop: dict[str, Any], nullable: bool, hints: SlackHints) -> dict[str, Any]:
    text_format = prop.get("format")
    kind = _TEXT_FORMATS.get(text_format, Kind.TEXT) if isinstance(text_format, str) else Kind.TEXT
    if kind is not Kind.TEXT:
        return {"kind": kind, "nullable": nullable}
    if text_format == "uuid":
        return _uuid_attributes(prop, nullable)
    min_length = _whole(prop.get("minLength"))
    max_length = _whole(prop.get("maxLength"))
    return {
        "kind": kind,
        "nullable": nullable,
        "min_length": min_length if min_length and min_length <= SLACK_TEXT_LIMIT else None,
        "max_length": max_length if max_length and max_length <= SLACK_TEXT_LIMIT else None,
        "multiline": hints.multiline
        or prop.get("x-multiline") is True
        or prop.get("format") == "textarea"
        or (max_length or 0) > MULTILINE_ABOVE,
    }


def _uuid_attributes(prop: dict[str, Any], nullable: bool) -> dict[str, Any]:
    # The input holds exactly a UUID's length; the format itself is checked on submit.
    # A schema asking for other lengths can never be met: leave that to validation.
    if _whole(prop.get("maxLength")) or _whole(prop.get("minLength")):
        return {"kind": Kind.TEXT, "nullable": nullable}
    return {
        "kind": Kind.TEXT,
        "nullable": nullable,
        "min_length": _UUID_LENGTH,
        "max_length": _UUID_LENGTH,
        "placeholder": _UUID_EXAMPLE,
    }


def _number_bounds(prop: dict[str, Any], *, integer: bool) -> dict[str, Any]:
    if _beyond_number_input(prop):
        return {"plain_number": True}
    low, high = _finite(prop.get("minimum")), _finite(prop.get("maximum"))
    if integer:
        low = math.ceil(low) if low is not None else None
        high = math.floor(high) if high is not None else None
    if low is not None and high is not None and low > high:
        return {}  # contradictory: leave it to validation rather than break the form
    return {"minimum": low, "maximum": high}


def _beyond_number_input(prop: dict[str, Any]) -> bool:
    # Bounds or a default past what number_input holds: people type the number as text.
    keywords = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "default")
    return any(
        isinstance(prop.get(keyword), int | float)
        and not isinstance(prop.get(keyword), bool)
        and abs(prop[keyword]) >= _NUMBER_LIMIT
        for keyword in keywords
    )


def _finite(value: Any) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return value if math.isfinite(value) and abs(value) < _NUMBER_LIMIT else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
