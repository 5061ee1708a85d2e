"""Bounds on an untrusted inputs schema, checked before anything else reads it.

MarketCore's schemas are written by people we do not control. Before the schema is
flattened or validated, this module makes sure it is plain JSON of bounded size and
depth, valid per its own draft, free of remote or recursive `$ref`s, and that every
`pattern` in it can be checked without risk of hanging.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft3Validator, Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from bot.errors import SchemaNotRenderable
from bot.form_regex import pattern_problem
from bot.form_text import truncate

MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 40
MAX_NODES = 50_000
# check_schema costs ~0.2 ms per subschema; this keeps a hostile schema under ~150 ms.
MAX_SUBSCHEMAS = 600
MAX_ENUM_VALUES = 1000
MAX_REFS = 200
MAX_EXPANDED_SUBSCHEMAS = 5000
MAX_PATTERNS = 50

Pointer = tuple[str, ...]

# Where schemas sit inside a schema: one schema, a map of name → schema, a list of them.
_ONE_SCHEMA = frozenset(
    {
        "items", "additionalItems", "additionalProperties", "not", "if", "then", "else",
        "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
        "contentSchema",
    }
)  # fmt: skip
_SCHEMA_MAP = frozenset({"properties", "$defs", "definitions", "dependentSchemas", "dependencies"})
_SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems", "items"})
# Keywords that make rendering or resolution depend on something outside this document.
_REFUSED = {
    "$dynamicRef": "uses $dynamicRef",
    "$recursiveRef": "uses $recursiveRef",
    "patternProperties": "uses patternProperties, which a form cannot show",
}
# Digests of schemas that passed check_schema, oldest first (see _check_against_metaschema).
_PASSED_METASCHEMA: dict[str, None] = {}
_PASSED_METASCHEMA_SIZE = 512


class _Role(Enum):
    SCHEMA = "schema"
    SCHEMA_MAP = "schema map"
    SCHEMA_LIST = "schema list"
    DATA = "data"


@dataclass
class _Survey:
    """What one pass over the schema found."""

    nodes: int = 0
    characters: int = 0
    subschemas: int = 0
    schema_pointers: set[Pointer] = field(default_factory=set)
    refs: list[tuple[Pointer, str]] = field(default_factory=list)
    patterns: set[str] = field(default_factory=set)


def guard_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A plain-JSON copy of `schema`, or SchemaNotRenderable saying why it cannot be used."""
    if not isinstance(schema, Mapping):
        raise SchemaNotRenderable("The inputs schema is not a JSON object.")
    survey = _survey(schema)
    text = json.dumps(schema, ensure_ascii=False, default=dict)
    if len(text.encode()) > MAX_JSON_BYTES:
        raise SchemaNotRenderable(f"The inputs schema is larger than {MAX_JSON_BYTES // 1024} kB.")

    plain: dict[str, Any] = json.loads(text)
    # Patterns first: check_schema compiles them with Python's recursive `re` parser,
    # which the linear engine's nesting limit (250) keeps within the recursion limit.
    _check_patterns(survey)
    _check_against_metaschema(text, plain)
    _check_refs(survey)
    return plain


def _survey(schema: Mapping[str, Any]) -> _Survey:
    # Iterative on purpose: recursion over hostile nesting is what we are guarding against.
    survey = _Survey()
    stack: list[tuple[Any, Pointer, _Role]] = [(schema, (), _Role.SCHEMA)]
    while stack:
        value, pointer, role = stack.pop()
        survey.nodes += 1
        survey.characters += _characters(value)
        if survey.nodes > MAX_NODES or survey.characters > MAX_JSON_BYTES:
            raise SchemaNotRenderable("The inputs schema is too large.")
        if len(pointer) > MAX_JSON_DEPTH:
            raise SchemaNotRenderable(
                f"The inputs schema nests deeper than {MAX_JSON_DEPTH} levels."
            )
        _check_json_value(value, pointer)
        if role is _Role.SCHEMA and isinstance(value, Mapping | bool):
            _note_schema(survey, value, pointer)
        stack.extend(_children(value, pointer, role))
    return survey


def _characters(value: Any) -> int:
    # Counted before serialising, so a single huge string is refused without copying it.
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(len(key) for key in value if isinstance(key, str))
    return 0


def _check_json_value(value: Any, pointer: Pointer) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise SchemaNotRenderable(f"The inputs schema holds a non-finite number at {_at(pointer)}.")
    if not isinstance(value, Mapping | list | tuple | str | int | float | bool | None):
        raise SchemaNotRenderable(f"The inputs schema holds a non-JSON value at {_at(pointer)}.")
    if isinstance(value, Mapping) and not all(isinstance(key, str) for key in value):
        raise SchemaNotRenderable(f"The inputs schema has a non-text key at {_at(pointer)}.")


def _note_schema(survey: _Survey, schema: Mapping[str, Any] | bool, pointer: Pointer) -> None:
    survey.subschemas += 1
    survey.schema_pointers.add(pointer)
    if survey.subschemas > MAX_SUBSCHEMAS:
        raise SchemaNotRenderable(f"The inputs schema has more than {MAX_SUBSCHEMAS} parts.")
    if isinstance(schema, bool):
        return

    for keyword, reason in _REFUSED.items():
        if keyword in schema:
            raise SchemaNotRenderable(f"The inputs schema {reason} (at {_at(pointer)}).")
    if "$id" in schema and pointer:
        raise SchemaNotRenderable(f"The inputs schema nests another document at {_at(pointer)}.")
    if isinstance(schema.get("$ref"), str):
        survey.refs.append((pointer, schema["$ref"]))
    if isinstance(schema.get("pattern"), str):
        survey.patterns.add(schema["pattern"])
    enum = schema.get("enum")
    if isinstance(enum, list | tuple) and len(enum) > MAX_ENUM_VALUES:
        raise SchemaNotRenderable(
            f"A list of choices at {_at(pointer)} has more than {MAX_ENUM_VALUES} values."
        )


def _children(value: Any, pointer: Pointer, role: _Role) -> Iterator[tuple[Any, Pointer, _Role]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield child, (*pointer, key), _child_role(role, key, child)
    elif isinstance(value, list | tuple):
        child_role = _Role.SCHEMA if role is _Role.SCHEMA_LIST else _Role.DATA
        for index, child in enumerate(value):
            yield child, (*pointer, str(index)), child_role


def _child_role(role: _Role, key: str, child: Any) -> _Role:
    if role is _Role.SCHEMA_MAP:
        return _Role.SCHEMA
    if role is not _Role.SCHEMA:
        return _Role.DATA
    if key in _SCHEMA_LIST and isinstance(child, list | tuple):
        return _Role.SCHEMA_LIST
    if key in _ONE_SCHEMA:
        return _Role.SCHEMA
    return _Role.SCHEMA_MAP if key in _SCHEMA_MAP else _Role.DATA


def validator_class_for(schema: Mapping[str, Any]) -> Any:
    """The jsonschema validator class for the schema's draft (2020-12 when it names none)."""
    if not isinstance(schema.get("$schema", ""), str):
        raise SchemaNotRenderable("The inputs schema's $schema is not a text.")
    validator_class = validator_for(schema, default=Draft202012Validator)
    if validator_class is Draft3Validator:
        raise SchemaNotRenderable("The inputs schema uses JSON Schema draft 3, which is too old.")
    return validator_class


def _check_against_metaschema(text: str, schema: dict[str, Any]) -> None:
    # The same schema is prepared again on every submission, and check_schema is the
    # slowest step: remember the digests of schemas that passed.
    digest = hashlib.sha256(text.encode()).hexdigest()
    if digest in _PASSED_METASCHEMA:
        return
    try:
        validator_class_for(schema).check_schema(schema)
    except SchemaError as error:
        raise SchemaNotRenderable(
            f"The inputs schema is not valid JSON Schema: {truncate(error.message, 150)} "
            f"(at {error.json_path})."
        ) from None
    except RecursionError:  # a last guard: depth and patterns are bounded above
        raise SchemaNotRenderable("The inputs schema is nested too deeply to check.") from None

    _PASSED_METASCHEMA[digest] = None
    if len(_PASSED_METASCHEMA) > _PASSED_METASCHEMA_SIZE:
        del _PASSED_METASCHEMA[next(iter(_PASSED_METASCHEMA))]


def _check_refs(survey: _Survey) -> None:
    if len(survey.refs) > MAX_REFS:
        raise SchemaNotRenderable(f"The inputs schema has more than {MAX_REFS} $refs.")
    targets = [_ref_target(ref, site) for site, ref in survey.refs]
    for (site, ref), target in zip(survey.refs, targets, strict=True):
        if target not in survey.schema_pointers:
            raise SchemaNotRenderable(
                f"The $ref “{truncate(ref, 80)}” at {_at(site)} points at no schema."
            )
    sites = [site for site, _ in survey.refs]
    # Following ref i lands in its target, where every ref site below it may be followed next.
    edges = [[j for j, site in enumerate(sites) if _is_within(site, target)] for target in targets]
    if _has_cycle(edges):
        raise SchemaNotRenderable("The inputs schema refers to itself in a loop through $ref.")
    if _expanded_size(survey, targets, edges) > MAX_EXPANDED_SUBSCHEMAS:
        raise SchemaNotRenderable("The inputs schema grows too large once its $refs are followed.")


def _ref_target(ref: str, site: Pointer) -> Pointer:
    shown = truncate(ref, 80)
    if not ref.startswith("#"):
        raise SchemaNotRenderable(
            f"The $ref “{shown}” at {_at(site)} points outside the schema; "
            "only local references (#/$defs/…) are followed."
        )
    fragment = unquote(ref[1:])
    if fragment == "":
        return ()
    if not fragment.startswith("/"):
        raise SchemaNotRenderable(f"The $ref “{shown}” at {_at(site)} uses a named anchor.")
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in fragment[1:].split("/"))


def _has_cycle(edges: list[list[int]]) -> bool:
    state = [0] * len(edges)  # 0 unseen, 1 on the current path, 2 finished
    for start in range(len(edges)):
        if state[start]:
            continue
        stack: list[tuple[int, Iterator[int]]] = [(start, iter(edges[start]))]
        state[start] = 1
        while stack:
            node, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                state[node] = 2
                stack.pop()
            elif state[following] == 1:
                return True
            elif state[following] == 0:
                state[following] = 1
                stack.append((following, iter(edges[following])))
    return False


def _expanded_size(survey: _Survey, targets: list[Pointer], edges: list[list[int]]) -> int:
    # Refs to refs multiply (`allOf: [{$ref: a}, {$ref: a}]`, twenty levels deep, is a
    # million subschemas for the validator): count subschemas as if every ref were inlined.
    own = [sum(_is_within(p, target) for p in survey.schema_pointers) for target in targets]
    expanded: list[int | None] = [None] * len(targets)

    def size(ref: int) -> int:
        known = expanded[ref]
        if known is None:
            known = own[ref] + sum(size(inner) for inner in edges[ref])
            expanded[ref] = known = min(known, MAX_EXPANDED_SUBSCHEMAS + 1)
        return known

    return survey.subschemas + sum(size(ref) for ref in range(len(targets)))


def _is_within(pointer: Pointer, ancestor: Pointer) -> bool:
    return pointer[: len(ancestor)] == ancestor


def _check_patterns(survey: _Survey) -> None:
    if len(survey.patterns) > MAX_PATTERNS:
        raise SchemaNotRenderable(f"The inputs schema has more than {MAX_PATTERNS} patterns.")
    for pattern in sorted(survey.patterns):
        problem = pattern_problem(pattern)
        if problem:
            raise SchemaNotRenderable(f"In the inputs schema, {problem}.")


def _at(pointer: Pointer) -> str:
    text = "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in pointer)
    return truncate(text or "the top level", 120)
