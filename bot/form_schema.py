"""Untrusted inputs schema → `FormSchema`: guarded, then flattened into fields in display order."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.errors import SchemaNotRenderable
from bot.form_branches import branch_labels
from bot.form_fields import Field, FormSchema, Kind, Path, block_id_for, selector_block_id
from bot.form_guard import guard_schema
from bot.form_hints import slack_hints
from bot.form_kinds import kind_attributes
from bot.form_resolve import ALTERNATIVES, resolve
from bot.form_text import humanize, truncate, value_text

MAX_FIELDS = 200
MAX_OBJECT_DEPTH = 8
MAX_ALTERNATIVES = 100  # the select of a oneOf/anyOf is a static menu
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
    _add_properties(fields, root, plain, _Place(parent=(), enclosing_required=True))
    if _most_blocks(fields) > MAX_BLOCKS:
        raise SchemaNotRenderable(
            f"The workflow has more inputs than a Slack form can hold ({MAX_BLOCKS} blocks)."
        )
    return FormSchema(schema=plain, fields=tuple(fields))


def _most_blocks(fields: list[Field], conditions: tuple[tuple[Path, int], ...] = ()) -> int:
    # The form is as long as its fields shown always plus, for each choice of
    # alternatives, the longest one (alternatives inside alternatives included).
    here = [field for field in fields if field.conditions == conditions]
    total = sum(field.block_count for field in here)
    for selector in (field for field in here if field.kind is Kind.BRANCH):
        total += max(
            _most_blocks(fields, (*conditions, (selector.path, index)))
            for index in selector.choices
        )
    return total


@dataclass(frozen=True)
class _Place:
    """Where properties sit: under which object, whether every enclosing object is
    required, and under which chosen alternatives they are shown."""

    parent: Path
    enclosing_required: bool
    conditions: tuple[tuple[Path, int], ...] = ()

    def inside(self, path: Path, is_required: bool) -> _Place:
        return _Place(path, self.enclosing_required and is_required, self.conditions)


def _add_properties(
    fields: list[Field], node: dict[str, Any], root: dict[str, Any], place: _Place
) -> None:
    properties: dict[str, Any] = node.get("properties", {})
    required = set(node.get("required", []))
    missing = sorted(required - properties.keys())
    # A name required here may be described by the alternatives instead.
    if missing and ALTERNATIVES not in node:
        where = _where((*place.parent, missing[0]))
        raise SchemaNotRenderable(f"“{where}” is required, but the schema does not describe it.")

    for name, schema in properties.items():
        path = (*place.parent, name)
        prop = resolve(schema, root, _where(path))
        is_required = name in required
        if _is_object(prop) and (prop.get("properties") or ALTERNATIVES in prop):
            _add_object(fields, prop, root, path, is_required, place)
        elif ALTERNATIVES in prop:
            _add_alternatives(fields, prop, root, path, is_required, place)
        else:
            fields.append(_describe(prop, root, path, is_required, place))
        if len(fields) > MAX_FIELDS:
            raise SchemaNotRenderable(f"The workflow has more than {MAX_FIELDS} inputs.")
    if ALTERNATIVES in node:
        _add_alternatives(fields, node, root, place.parent, True, place)


def _add_object(
    fields: list[Field],
    prop: dict[str, Any],
    root: dict[str, Any],
    path: Path,
    is_required: bool,
    place: _Place,
) -> None:
    _check_depth(path)
    if prop.get("properties"):
        header = Field(
            path=path,
            block_id=block_id_for(path),
            kind=Kind.OBJECT,
            label=_label(prop, path),
            required=is_required,
            hint=_text_keyword(prop, "description", _HINT_LIMIT),
            conditions=place.conditions,
        )
        fields.append(header)
    _add_properties(fields, prop, root, place.inside(path, is_required))


def _add_alternatives(
    fields: list[Field],
    node: dict[str, Any],
    root: dict[str, Any],
    path: Path,
    is_required: bool,
    place: _Place,
) -> None:
    # A select of the alternatives, then each alternative's fields, shown when chosen.
    _check_depth(path)
    branches: list[dict[str, Any]] = node[ALTERNATIVES]
    if any(field.kind is Kind.BRANCH and field.path == path for field in fields):
        # One select per property: the chosen alternative is remembered by its path.
        raise SchemaNotRenderable(f"“{_where(path)}” nests alternatives inside alternatives.")
    if len(branches) > MAX_ALTERNATIVES:
        raise SchemaNotRenderable(
            f"“{_where(path)}” offers {len(branches)} alternatives; "
            f"a Slack menu shows at most {MAX_ALTERNATIVES}."
        )
    has_fields = tuple(
        _is_object(branch) or "properties" in branch or ALTERNATIVES in branch
        for branch in branches
    )
    fields.append(
        Field(
            path=path,
            block_id=selector_block_id(path),
            kind=Kind.BRANCH,
            label=_label(node, path) if path else "Choose one",
            required=is_required,
            optional=not (is_required and place.enclosing_required),
            hint=_text_keyword(node, "description", _HINT_LIMIT),
            choices=tuple(range(len(branches))),
            choice_labels=branch_labels(branches),
            conditions=place.conditions,
            object_branches=has_fields,
        )
    )
    for index, branch in enumerate(branches):
        chosen = _Place(place.parent, place.enclosing_required, (*place.conditions, (path, index)))
        if has_fields[index]:
            _add_properties(fields, branch, root, chosen.inside(path, is_required))
        else:
            shape = {**{k: v for k, v in node.items() if k != ALTERNATIVES}, **branch}
            shape["title"] = _label(node, path) if path else "Value"
            fields.append(_describe(shape, root, path, is_required, chosen))


def _check_depth(path: Path) -> None:
    if len(path) > MAX_OBJECT_DEPTH:
        raise SchemaNotRenderable(
            f"“{_where(path)}” nests objects deeper than {MAX_OBJECT_DEPTH} levels."
        )


def _describe(
    prop: dict[str, Any], root: dict[str, Any], path: Path, is_required: bool, place: _Place
) -> Field:
    if "const" in prop or prop.get("readOnly") is True or prop.get("type") == "null":
        return replace(_fixed(prop, path), conditions=place.conditions)

    attributes = kind_attributes(prop, root, _where(path))
    kind: Kind = attributes.pop("kind")
    nullable = bool(attributes.pop("nullable"))
    fallback_placeholder = attributes.pop("placeholder", None)
    return Field(
        path=path,
        block_id=block_id_for(path),
        kind=kind,
        label=_label(prop, path),
        required=is_required,
        # A checkbox is never required (unticked means false), and an empty input that
        # means null is a valid answer.
        optional=kind is Kind.BOOLEAN or nullable or not (is_required and place.enclosing_required),
        nullable=nullable,
        secret=_is_secret(prop, path),
        hint=_text_keyword(prop, "description", _HINT_LIMIT),
        placeholder=_placeholder(prop) or fallback_placeholder,
        has_default="default" in prop,
        default=prop.get("default"),
        conditions=place.conditions,
        **attributes,
    )


def _fixed(prop: dict[str, Any], path: Path) -> Field:
    # A const, or a readOnly property's default, is shown and sent from the schema itself;
    # a readOnly property without a value is shown as set by the workflow and never sent.
    label = _label(prop, path)
    if "const" in prop:
        value, known = prop["const"], True
    elif prop.get("type") == "null":  # the alternative "nothing": sends null
        value, known = None, True
    else:
        value, known = prop.get("default"), "default" in prop
    return Field(
        path,
        block_id_for(path),
        Kind.CONST,
        label,
        secret=_is_secret(prop, path),
        const=value,
        has_default=known,
    )


def _label(prop: dict[str, Any], path: Path) -> str:
    title = _text_keyword(prop, "title", _LABEL_LIMIT)
    return title or truncate(humanize(path[-1] if path else "inputs"), _LABEL_LIMIT)


def _text_keyword(prop: dict[str, Any], keyword: str, limit: int) -> str | None:
    text = prop.get(keyword)
    return truncate(text.strip(), limit) if isinstance(text, str) and text.strip() else None


def _placeholder(prop: dict[str, Any]) -> str | None:
    hinted = slack_hints(prop).placeholder
    if hinted:
        return hinted
    examples = prop.get("examples")
    if not isinstance(examples, list) or not examples or examples[0] in ("", None):
        return None
    return truncate(value_text(examples[0]), _PLACEHOLDER_LIMIT)


def _is_secret(prop: dict[str, Any], path: Path) -> bool:
    if prop.get("format") == "password" or prop.get("writeOnly") is True:
        return True
    return bool(path) and _SECRET_NAME.search(path[-1].lower()) is not None


def _is_object(prop: dict[str, Any]) -> bool:
    declared = prop.get("type")
    if declared is None:
        return "properties" in prop
    return declared == "object" or (isinstance(declared, list) and "object" in declared)


def _where(path: Path) -> str:
    return truncate(".".join(path), 80) if path else "The inputs"
