"""Hostile and broken inputs schemas are refused quickly, with a reason, never a crash."""

from __future__ import annotations

import time
import urllib.request
from typing import Any

import pytest

from bot.errors import SchemaNotRenderable
from bot.forms import prepare_schema


def _nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"deeper": schema}}
    return schema


def _ref_diamond(levels: int) -> dict[str, Any]:
    # Each definition uses the next one twice: 2**levels subschemas once inlined.
    defs: dict[str, Any] = {f"d{levels}": {"type": "string"}}
    for level in range(levels):
        ref = {"$ref": f"#/$defs/d{level + 1}"}
        defs[f"d{level}"] = {"allOf": [ref, ref]}
    return {
        "type": "object",
        "$defs": defs,
        "properties": {"x": {"$ref": "#/$defs/d0"}},
    }


def _loop_free_many_properties(count: int) -> dict[str, Any]:
    return {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(count)}}


HOSTILE: dict[str, Any] = {
    "root refers to itself": {"$ref": "#"},
    "property refers to the root": {"type": "object", "properties": {"me": {"$ref": "#"}}},
    "definitions refer to each other": {
        "type": "object",
        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"not": {"$ref": "#/$defs/a"}}},
        "properties": {"x": {"$ref": "#/$defs/a"}},
    },
    "remote ref": {"type": "object", "properties": {"x": {"$ref": "http://example.com/s.json"}}},
    "file ref": {"type": "object", "properties": {"x": {"$ref": "file:///etc/passwd"}}},
    "named anchor ref": {"type": "object", "properties": {"x": {"$ref": "#thing"}}},
    "dangling ref": {"type": "object", "properties": {"x": {"$ref": "#/$defs/missing"}}},
    "ref into example data": {
        "type": "object",
        "properties": {"x": {"$ref": "#/properties/y/default"}, "y": {"default": {}}},
    },
    "50 levels of nesting": _nested(50),
    "10,000 properties": _loop_free_many_properties(10_000),
    "300 properties": _loop_free_many_properties(300),
    "huge enum": {"type": "object", "properties": {"x": {"enum": list(range(10_000))}}},
    "invalid type keyword": {"type": 5},
    "invalid properties": {"type": "object", "properties": {"x": {"type": "strin"}}},
    "not an object schema": {"type": "string"},
    "draft 3": {"$schema": "http://json-schema.org/draft-03/schema#", "type": "object"},
    "non-text $schema": {"$schema": ["x"], "type": "object"},
    "nested $id": {"type": "object", "properties": {"x": {"$id": "http://x/", "type": "string"}}},
    "$dynamicRef": {"type": "object", "properties": {"x": {"$dynamicRef": "#meta"}}},
    "patternProperties": {"type": "object", "patternProperties": {"^a": {"type": "string"}}},
    "look-around pattern": {
        "type": "object",
        "properties": {"x": {"type": "string", "pattern": "(?=a)b"}},
    },
    "pattern too big to compile": {
        "type": "object",
        "properties": {"x": {"type": "string", "pattern": r"\w{500}\w{500}"}},
    },
    "ref diamond": _ref_diamond(20),
    "larger than 256 kB": {"type": "object", "description": "x" * 300_000},
    "non-finite number": {"type": "object", "properties": {"x": {"maximum": float("nan")}}},
    "non-JSON value": {"type": "object", "properties": {"x": {"enum": {1, 2}}}},
    "non-text key": {"type": "object", "properties": {1: {"type": "string"}}},
    "several types": {"type": "object", "properties": {"x": {"type": ["string", "integer"]}}},
    "list by position": {
        "type": "object",
        "properties": {"x": {"type": "array", "prefixItems": [{"type": "string"}]}},
    },
    "false schema": {"type": "object", "properties": {"x": False}},
    "required but undescribed": {"type": "object", "required": ["ghost"], "properties": {}},
}


@pytest.mark.parametrize("schema", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_schema_is_refused_quickly_with_a_reason(schema: Any) -> None:
    started = time.perf_counter()

    with pytest.raises(SchemaNotRenderable) as refused:
        prepare_schema(schema)

    assert time.perf_counter() - started < 1.0
    assert str(refused.value).strip()
    assert "Traceback" not in str(refused.value)


def test_python_object_cycle_is_refused_without_recursion_error() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    schema["properties"]["me"] = schema

    with pytest.raises(SchemaNotRenderable):
        prepare_schema(schema)


def test_a_schema_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(SchemaNotRenderable):
        prepare_schema(["type", "object"])  # type: ignore[arg-type]


def test_remote_ref_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(urllib.request, "urlopen", refuse_network)
    schema = {"type": "object", "properties": {"x": {"$ref": "https://example.com/x.json"}}}

    with pytest.raises(SchemaNotRenderable, match="only local references"):
        prepare_schema(schema)


def test_reason_names_the_property_that_cannot_be_shown() -> None:
    schema = {"type": "object", "properties": {"blob": {"type": "array", "prefixItems": [{}]}}}

    with pytest.raises(SchemaNotRenderable, match="“blob”"):
        prepare_schema(schema)


def test_too_many_inputs_for_one_modal_is_refused() -> None:
    with pytest.raises(SchemaNotRenderable, match="98 blocks"):
        prepare_schema(_loop_free_many_properties(99))


def test_as_many_inputs_as_a_modal_holds_is_accepted() -> None:
    assert len(prepare_schema(_loop_free_many_properties(98)).fields) == 98


def test_local_refs_to_defs_and_definitions_are_accepted() -> None:
    schema = {
        "type": "object",
        "$defs": {"region": {"enum": ["eu", "us"]}},
        "definitions": {"count": {"type": "integer"}},
        "properties": {
            "region": {"$ref": "#/$defs/region"},
            "count": {"$ref": "#/definitions/count"},
            "again": {"$ref": "#/$defs/region"},
        },
    }

    kinds = [field.kind for field in prepare_schema(schema).fields]

    assert kinds == ["choice", "integer", "choice"]


def test_root_id_does_not_stop_local_refs() -> None:
    schema = {
        "$id": "https://marketcore.example/workflows/1/inputs",
        "type": "object",
        "$defs": {"n": {"type": "integer"}},
        "properties": {"n": {"$ref": "#/$defs/n"}},
    }

    assert prepare_schema(schema).fields[0].kind == "integer"


def test_property_named_like_a_keyword_is_not_mistaken_for_one() -> None:
    schema = {
        "type": "object",
        "properties": {
            "patternProperties": {"type": "string"},
            "$ref": {"type": "string", "default": "https://example.com"},
        },
    }

    assert [field.label for field in prepare_schema(schema).fields] == [
        "Pattern properties",
        "$ref",
    ]


def test_schema_is_stored_as_plain_json() -> None:
    schema = {"type": "object", "properties": {"x": {"enum": ("a", "b")}}}

    form = prepare_schema(schema)

    assert form.schema == {"type": "object", "properties": {"x": {"enum": ["a", "b"]}}}
    assert form.schema is not schema


def test_deeply_grouped_pattern_is_refused_before_pythons_parser_sees_it() -> None:
    pattern = "(" * 400 + ")" * 400
    schema = {"type": "object", "properties": {"x": {"type": "string", "pattern": pattern}}}

    with pytest.raises(SchemaNotRenderable, match="nested parentheses"):
        prepare_schema(schema)
