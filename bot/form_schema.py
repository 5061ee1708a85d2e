"""Untrusted inputs schema → `FormSchema`: guarded, then flattened into fields in display order."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from bot.errors import SchemaNotRenderable
from bot.form_fields import Field, FormSchema, Kind, Path, block_id_for
from bot.form_guard import guard_schema
from bot.form_resolve import CHOICE_LABELS, NULLABLE, resolve
from bot.form_text import choice_text, humanize, truncate, value_text

MAX_FIELDS = 200
MAX_OBJECT_DEPTH = 8
# Slack allows 100 blocks per view; the caller adds up to 2 of its own.
MAX_BLOCKS = 98
# A static select holds at most 100 options. TODO(typeahead): external_select beyond that.
MAX_CHOICES = 100
MULTILINE_ABOVE = 150  # a maxLength above this gets a text area
SLACK_TEXT_LIMIT = 3000  # plain_text_input's own maximum length
_LABEL_LIMIT, _HINT_LIMIT, _PLACEHOLDER_LIMIT = 2000, 2000, 150
_NUMBER_LIMIT = 1e15  # beyond this Slack's number_input shows exponents or refuses

_SHAPES = frozenset({"enum", "const", "items"})
_SECRET_NAME = re.compile(r"pass(word|phrase)|secret|token|api[_-]?key|private[_-]?key|credential")
_TEXT_FORMATS = {
    "email": Kind.EMAIL,
    "uri": Kind.URL,
    "date": Kind.DATE,
    "date-time": Kind.DATE_TIME,
}
_LINE_ITEMS: dict[str | None, Kind] = {
    "string": Kind.TEXT,
    None: Kind.TEXT,
    "integer": Kind.INTEGER,
    "number": Kind.NUMBER,
}


def prepare_schema(schema: Mapping[str, Any] | None) -> FormSchema:
    """Check an untrusted inputs schema and flatten it into form fields.

    Raises SchemaNotRenderable, with a reason for people, when it cannot be shown.
    """
    if schema is None:
        return FormSchema(schema={}, fields=())
    plain = guard_schema(schema)
    root = resolve(plain, plain, "the inputs schema")
    if not _is_object(root) and ("type" in root or _SHAPES & root.keys()):
        raise SchemaNotRenderable(
            'The inputs schema does not describe an object ("type": "object").'
        )

    fields: list[Field] = []
    _add_properties(fields, root, plain, parent=(), enclosing_required=True)
    if sum(field.block_count for field in fields) > MAX_BLOCKS:
        raise SchemaNotRenderable(
            f"The workflow has more inputs than a Slack form can hold ({MAX_BLOCKS} blocks)."
        )
    return FormSchema(schema=plain, fields=tuple(fields))


def _add_properties(
    fields: list[Field],
    node: dict[str, Any],
    root: dict[str, Any],
    *,
    parent: Path,
    enclosing_required: bool,
) -> None:
    properties: dict[str, Any] = node.get("properties", {})
    required = set(node.get("required", []))
    missing = sorted(required - properties.keys())
    if missing:
        where = _where((*parent, missing[0]))
        raise SchemaNotRenderable(f"“{where}” is required, but the schema does not describe it.")

    for name, schema in properties.items():
        path = (*parent, name)
        prop = resolve(schema, root, _where(path))
        is_required = name in required
        if _is_object(prop):
            _add_object(fields, prop, root, path, is_required, enclosing_required)
        else:
            fields.append(_describe(prop, root, path, is_required, enclosing_required))
        if len(fields) > MAX_FIELDS:
            raise SchemaNotRenderable(f"The workflow has more than {MAX_FIELDS} inputs.")


def _add_object(
    fields: list[Field],
    prop: dict[str, Any],
    root: dict[str, Any],
    path: Path,
    is_required: bool,
    enclosing_required: bool,
) -> None:
    if len(path) > MAX_OBJECT_DEPTH:
        raise SchemaNotRenderable(
            f"“{_where(path)}” nests objects deeper than {MAX_OBJECT_DEPTH} levels."
        )
    if not prop.get("properties"):
        raise SchemaNotRenderable(
            f"“{_where(path)}” is an object without listed properties, which a form cannot show."
        )

    header = Field(
        path=path,
        block_id=block_id_for(path),
        kind=Kind.OBJECT,
        label=_label(prop, path),
        required=is_required,
        hint=_text_keyword(prop, "description", _HINT_LIMIT),
    )
    fields.append(header)
    _add_properties(
        fields, prop, root, parent=path, enclosing_required=enclosing_required and is_required
    )


def _describe(
    prop: dict[str, Any], root: dict[str, Any], path: Path, is_required: bool, enclosing: bool
) -> Field:
    if "const" in prop:
        label = _label(prop, path)
        return Field(path, block_id_for(path), Kind.CONST, label, const=prop["const"])

    attributes = _kind_attributes(prop, root, path)
    kind: Kind = attributes.pop("kind")
    nullable = bool(attributes.pop("nullable"))
    return Field(
        path=path,
        block_id=block_id_for(path),
        kind=kind,
        label=_label(prop, path),
        required=is_required,
        # A checkbox is never required (unticked means false), and an empty input that
        # means null is a valid answer.
        optional=kind is Kind.BOOLEAN or nullable or not (is_required and enclosing),
        nullable=nullable,
        secret=_is_secret(prop, path),
        hint=_text_keyword(prop, "description", _HINT_LIMIT),
        placeholder=_placeholder(prop),
        has_default="default" in prop,
        default=prop.get("default"),
        **attributes,
    )


def _kind_attributes(prop: dict[str, Any], root: dict[str, Any], path: Path) -> dict[str, Any]:
    type_name, nullable = _type_of(prop, path)
    if "enum" in prop:
        return _choice_attributes(prop, path, nullable, Kind.CHOICE)
    if type_name == "array" or (type_name is None and "items" in prop):
        return _array_attributes(prop, root, path, nullable)
    if type_name in ("string", None):
        return _string_attributes(prop, nullable)
    if type_name in ("integer", "number"):
        bounds = _number_bounds(prop, integer=type_name == "integer")
        return {"kind": Kind(type_name), "nullable": nullable, **bounds}
    if type_name == "boolean":
        return {"kind": Kind.BOOLEAN, "nullable": nullable}
    raise SchemaNotRenderable(f"“{_where(path)}” is of type {type_name}, which a form cannot show.")


def _type_of(prop: dict[str, Any], path: Path) -> tuple[str | None, bool]:
    declared = prop.get("type")
    all_names = [declared] if isinstance(declared, str) else list(declared or [])
    nullable = "null" in all_names or prop.get(NULLABLE) is True
    names = [name for name in all_names if name != "null"]
    if sorted(names) == ["integer", "number"]:
        names = ["number"]
    if len(names) > 1:
        kinds = ", ".join(names)
        raise SchemaNotRenderable(f"“{_where(path)}” accepts several types ({kinds}).")
    if not names and all_names:
        raise SchemaNotRenderable(f"“{_where(path)}” can only be null, so there is nothing to ask.")
    return (names[0] if names else None), nullable


def _choice_attributes(
    prop: dict[str, Any], path: Path, nullable: bool, kind: Kind
) -> dict[str, Any]:
    values: list[Any] = prop["enum"]
    if any(isinstance(value, dict | list) for value in values):
        raise SchemaNotRenderable(f"“{_where(path)}” offers choices that are not simple values.")
    labels = _choice_labels(prop, values)
    pairs = [
        (value, label) for value, label in zip(values, labels, strict=True) if value is not None
    ]
    if not pairs:
        raise SchemaNotRenderable(f"“{_where(path)}” offers no choice to pick.")
    if len(pairs) > MAX_CHOICES:
        raise SchemaNotRenderable(
            f"“{_where(path)}” offers {len(pairs)} choices; "
            f"a Slack menu shows at most {MAX_CHOICES}."
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
    prop: dict[str, Any], root: dict[str, Any], path: Path, nullable: bool
) -> dict[str, Any]:
    items = prop.get("items", True)
    if isinstance(items, list) or "prefixItems" in prop:
        raise SchemaNotRenderable(
            f"“{_where(path)}” is a list by position, which a form cannot show."
        )
    item = resolve(items, root, _where(path))
    max_items = _whole(prop.get("maxItems"))
    if "enum" in item:
        attributes = _choice_attributes(item, path, nullable, Kind.CHOICES)
        return {**attributes, "nullable": nullable, "max_items": max_items}

    item_type = item.get("type")
    if not isinstance(item_type, str | None) or item_type not in _LINE_ITEMS:
        raise SchemaNotRenderable(
            f"“{_where(path)}” lists items of type {item_type}, which a form cannot show."
        )
    return {
        "kind": Kind.LINES,
        "nullable": nullable,
        "item_kind": _LINE_ITEMS[item_type],
        "max_items": max_items,
        "multiline": True,
    }


def _string_attributes(prop: dict[str, Any], nullable: bool) -> dict[str, Any]:
    text_format = prop.get("format")
    kind = _TEXT_FORMATS.get(text_format, Kind.TEXT) if isinstance(text_format, str) else Kind.TEXT
    if kind is not Kind.TEXT:
        return {"kind": kind, "nullable": nullable}
    min_length = _whole(prop.get("minLength"))
    max_length = _whole(prop.get("maxLength"))
    return {
        "kind": kind,
        "nullable": nullable,
        "min_length": min_length if min_length and min_length <= SLACK_TEXT_LIMIT else None,
        "max_length": max_length if max_length and max_length <= SLACK_TEXT_LIMIT else None,
        "multiline": prop.get("x-multiline") is True
        or prop.get("format") == "textarea"
        or (max_length or 0) > MULTILINE_ABOVE,
    }


def _number_bounds(prop: dict[str, Any], *, integer: bool) -> dict[str, Any]:
    low, high = _finite(prop.get("minimum")), _finite(prop.get("maximum"))
    if integer:
        low = math.ceil(low) if low is not None else None
        high = math.floor(high) if high is not None else None
    if low is not None and high is not None and low > high:
        return {}  # contradictory: leave it to validation rather than break the form
    return {"minimum": low, "maximum": high}


def _finite(value: Any) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return value if math.isfinite(value) and abs(value) < _NUMBER_LIMIT else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _label(prop: dict[str, Any], path: Path) -> str:
    title = _text_keyword(prop, "title", _LABEL_LIMIT)
    return title or truncate(humanize(path[-1]), _LABEL_LIMIT)


def _text_keyword(prop: dict[str, Any], keyword: str, limit: int) -> str | None:
    text = prop.get(keyword)
    return truncate(text.strip(), limit) if isinstance(text, str) and text.strip() else None


def _placeholder(prop: dict[str, Any]) -> str | None:
    examples = prop.get("examples")
    if not isinstance(examples, list) or not examples or examples[0] in ("", None):
        return None
    return truncate(value_text(examples[0]), _PLACEHOLDER_LIMIT)


def _is_secret(prop: dict[str, Any], path: Path) -> bool:
    if prop.get("format") == "password" or prop.get("writeOnly") is True:
        return True
    return _SECRET_NAME.search(path[-1].lower()) is not None


def _is_object(prop: dict[str, Any]) -> bool:
    declared = prop.get("type")
    if declared is None:
        return "properties" in prop
    return declared == "object" or (isinstance(declared, list) and "object" in declared)


def _where(path: Path) -> str:
    return truncate(".".join(path), 80)
