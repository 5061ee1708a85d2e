"""Untrusted inputs schema → `FormSchema`: guarded, then flattened into fields in display order."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.errors import SchemaNotRenderable
from bot.form_fields import Field, FormSchema, Kind, Path, block_id_for
from bot.form_guard import guard_schema
from bot.form_kinds import kind_attributes
from bot.form_resolve import resolve
from bot.form_text import humanize, truncate, value_text

MAX_FIELDS = 200
MAX_OBJECT_DEPTH = 8
# Slack allows 100 blocks per view; the caller adds up to 2 of its own.
MAX_BLOCKS = 98
_LABEL_LIMIT, _HINT_LIMIT, _PLACEHOLDER_LIMIT = 2000, 2000, 150

_SHAPES = frozenset({"enum", "const", "items"})
_SECRET_NAME = re.compile(r"pass(word|phrase)|secret|token|api[_-]?key|private[_-]?key|credential")


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

    attributes = kind_attributes(prop, root, _where(path))
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
