"""One property schema made plain for rendering: `$ref`s followed, `allOf` merged, idioms unwrapped.

The result only decides how a property is shown. Validation always runs against the
schema exactly as MarketCore gave it, so a loose merge here cannot let a bad value through.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from bot.errors import SchemaNotRenderable

# Markers this module adds to a merged schema (never read from MarketCore's schema).
NULLABLE = "x-workflow-bot-nullable"
CHOICE_LABELS = "x-workflow-bot-labels"
# The resolved alternatives of a oneOf/anyOf the person chooses between in the form.
ALTERNATIVES = "x-workflow-bot-alternatives"

# Keywords of a branch that only constrains an object (e.g. `oneOf: [{required: [a]}, …]`).
_SHAPE_KEYWORDS = frozenset({"type", "properties", "items", "enum", "const", "$ref", "format"})


def resolve(schema: Any, root: dict[str, Any], where: str) -> dict[str, Any]:
    """`schema` with its `$ref` chain followed, `allOf` merged and nullable/labelled-choice
    `anyOf`/`oneOf` idioms unwrapped; other alternatives are listed under ALTERNATIVES,
    resolved, for the form to offer a choice. `where` names the property in error messages."""
    node = _follow_refs(schema, root, where)
    if isinstance(node.get("allOf"), list):
        node = _merge_all_of(node, root, where)
    for keyword in ("anyOf", "oneOf"):
        if isinstance(node.get(keyword), list):
            node = _unwrap_alternatives(node, keyword, root, where)
    return node


def _follow_refs(schema: Any, root: dict[str, Any], where: str) -> dict[str, Any]:
    # The guard has refused remote, dangling and looping refs, so this chain ends.
    node = _as_dict(schema, where)
    while isinstance(node.get("$ref"), str):
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        node = {**_as_dict(_lookup(root, node["$ref"]), where), **siblings}
    return node


def _lookup(root: dict[str, Any], ref: str) -> Any:
    fragment = unquote(ref[1:])
    node: Any = root
    for token in fragment.split("/")[1:] if fragment else []:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _as_dict(schema: Any, where: str) -> dict[str, Any]:
    if schema is True:
        return {}
    if isinstance(schema, dict):
        return schema
    raise SchemaNotRenderable(f"“{where}” can never be valid, so the form cannot be filled in.")


def _merge_all_of(node: dict[str, Any], root: dict[str, Any], where: str) -> dict[str, Any]:
    merged = {key: value for key, value in node.items() if key != "allOf"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in node["allOf"]:
        part = resolve(part, root, where)
        properties.update(
            (name, schema)
            for name, schema in part.get("properties", {}).items()
            if name not in properties
        )
        required.extend(part.get("required", []))
        for key, value in part.items():
            merged.setdefault(key, value)

    if properties or "properties" in node:
        merged["properties"] = {**properties, **node.get("properties", {})}
    if required or "required" in node:
        merged["required"] = list(dict.fromkeys([*required, *node.get("required", [])]))
    return merged


def _unwrap_alternatives(
    node: dict[str, Any], keyword: str, root: dict[str, Any], where: str
) -> dict[str, Any]:
    rest = {key: value for key, value in node.items() if key != keyword}
    branches = [resolve(branch, root, where) for branch in node[keyword]]
    if all(_SHAPE_KEYWORDS.isdisjoint(branch) for branch in branches):
        return node  # constraints only (which fields are required): validation's business

    others = [branch for branch in branches if branch.get("type") != "null"]
    if len(others) == 1 and len(branches) > 1:  # `anyOf: [X, {type: null}]` is "X or null"
        return {**others[0], **rest, NULLABLE: True}
    if branches and all("const" in branch for branch in branches):
        return {
            **rest,
            "enum": [branch["const"] for branch in branches],
            CHOICE_LABELS: [branch.get("title") for branch in branches],
        }
    if ALTERNATIVES in rest:
        raise SchemaNotRenderable(f"“{where}” has both oneOf and anyOf alternatives.")
    if not branches:
        raise SchemaNotRenderable(f"“{where}” has an empty {keyword}.")
    return {**rest, ALTERNATIVES: branches}
