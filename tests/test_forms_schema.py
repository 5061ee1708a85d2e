"""How prepare_schema reads a schema: kinds, labels, optional inputs, refs and idioms."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.errors import SchemaNotRenderable
from bot.forms import Field, Kind, prepare_schema


def _fields(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Field]:
    schema = {"type": "object", "properties": properties, "required": required or []}
    return {field.pointer: field for field in prepare_schema(schema).fields}


def _field(schema: dict[str, Any], *, required: bool = False) -> Field:
    return _fields({"x": schema}, ["x"] if required else None)["/x"]


@pytest.mark.parametrize(
    ("schema", "kind"),
    [
        ({"type": "string"}, Kind.TEXT),
        ({"type": "string", "format": "email"}, Kind.EMAIL),
        ({"type": "string", "format": "uri"}, Kind.URL),
        ({"type": "string", "format": "date"}, Kind.DATE),
        ({"type": "string", "format": "date-time"}, Kind.DATE_TIME),
        ({"type": "string", "format": "uuid"}, Kind.TEXT),
        ({"type": "integer"}, Kind.INTEGER),
        ({"type": "number"}, Kind.NUMBER),
        ({"type": ["integer", "number"]}, Kind.NUMBER),
        ({"type": "boolean"}, Kind.BOOLEAN),
        ({"enum": ["a", "b"]}, Kind.CHOICE),
        ({"type": "string", "enum": ["a", "b"]}, Kind.CHOICE),
        ({"type": "array", "items": {"enum": ["a", "b"]}}, Kind.CHOICES),
        ({"type": "array", "items": {"type": "string"}}, Kind.LINES),
        ({"type": "array", "items": {"type": "integer"}}, Kind.LINES),
        ({"type": "array"}, Kind.LINES),
        ({"const": "fixed"}, Kind.CONST),
        ({"description": "no type at all"}, Kind.TEXT),
    ],
)
def test_each_schema_shape_becomes_its_kind_of_field(schema: dict[str, Any], kind: Kind) -> None:
    assert _field(schema).kind is kind


def test_label_comes_from_title_else_from_the_humanised_name() -> None:
    fields = _fields(
        {"start_date": {}, "launchDate": {}, "ID_of_run": {}, "x": {"title": "Market"}}
    )

    labels = [field.label for field in fields.values()]

    assert labels == ["Start date", "Launch date", "ID of run", "Market"]


def test_hint_placeholder_and_default_come_from_the_schema() -> None:
    field = _field({"type": "string", "description": "Where", "examples": ["FR"], "default": "DE"})

    assert (field.hint, field.placeholder, field.default) == ("Where", "FR", "DE")
    assert field.has_default


def test_long_title_is_cut_to_slacks_label_limit_with_an_ellipsis() -> None:
    field = _field({"title": "t" * 5000, "examples": ["e" * 500]})

    assert len(field.label) == 2000
    assert field.label.endswith("…")
    assert field.placeholder is not None
    assert len(field.placeholder) == 150


def test_input_is_required_only_when_every_enclosing_object_is_required() -> None:
    fields = _fields(
        {
            "top": {"type": "string"},
            "inner": {
                "type": "object",
                "required": ["leaf"],
                "properties": {"leaf": {"type": "string"}},
            },
            "outer": {
                "type": "object",
                "required": ["leaf"],
                "properties": {"leaf": {"type": "string"}},
            },
        },
        required=["top", "inner"],
    )

    assert not fields["/top"].optional
    assert not fields["/inner/leaf"].optional
    assert fields["/outer/leaf"].optional
    assert fields["/outer/leaf"].required


def test_boolean_is_always_optional() -> None:
    assert _field({"type": "boolean"}, required=True).optional


def test_required_nullable_input_is_optional_because_empty_means_null() -> None:
    field = _field({"type": ["string", "null"]}, required=True)

    assert field.optional
    assert field.nullable
    assert field.required


def test_pydantic_style_optional_is_a_nullable_input() -> None:
    field = _field({"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None})

    assert (field.kind, field.nullable) == (Kind.INTEGER, True)


def test_null_among_enum_values_makes_the_choice_nullable_not_an_option() -> None:
    field = _field({"enum": ["a", None]})

    assert field.choices == ("a",)
    assert field.nullable


def test_consts_with_titles_become_labelled_choices() -> None:
    field = _field({"oneOf": [{"const": 1, "title": "One"}, {"const": 2, "title": "Two"}]})

    assert (field.kind, field.choices, field.choice_labels) == (
        Kind.CHOICE,
        (1, 2),
        ("One", "Two"),
    )


def test_enum_names_label_the_choices() -> None:
    field = _field({"enum": ["eu", "us"], "x-enumNames": ["Europe", "United States"]})

    assert field.choice_labels == ("Europe", "United States")


def test_all_of_object_parts_are_merged_into_one_group_of_fields() -> None:
    schema = {
        "type": "object",
        "allOf": [
            {"properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"type": "integer"}}},
        ],
        "properties": {"c": {"type": "boolean"}},
    }

    fields = prepare_schema(schema).fields

    assert [field.pointer for field in fields] == ["/a", "/b", "/c"]
    assert not fields[0].optional


def test_ref_with_sibling_description_keeps_the_description() -> None:
    schema = {
        "type": "object",
        "$defs": {"Region": {"title": "Region", "enum": ["eu", "us"]}},
        "properties": {"r": {"$ref": "#/$defs/Region", "description": "Where to run"}},
    }

    field = prepare_schema(schema).fields[0]

    assert (field.label, field.hint, field.kind) == ("Region", "Where to run", Kind.CHOICE)


def test_nested_object_is_a_header_followed_by_its_fields() -> None:
    fields = _fields(
        {"target": {"type": "object", "properties": {"market": {}, "area": {"type": "string"}}}}
    )

    assert [(pointer, field.kind) for pointer, field in fields.items()] == [
        ("/target", Kind.OBJECT),
        ("/target/market", Kind.TEXT),
        ("/target/area", Kind.TEXT),
    ]


def test_eight_levels_of_nested_objects_are_accepted_and_nine_are_not() -> None:
    def nested(objects: int) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        for _ in range(objects):
            schema = {"type": "object", "properties": {"n": schema}}
        return {"type": "object", "properties": {"n": schema}}

    assert len(prepare_schema(nested(8)).fields) == 9  # eight headers and the text input
    with pytest.raises(SchemaNotRenderable, match="deeper than 8"):
        prepare_schema(nested(9))


def test_text_limits_and_multiline_follow_the_schema() -> None:
    short = _field({"type": "string", "minLength": 2, "maxLength": 150})
    long = _field({"type": "string", "maxLength": 151})
    flagged = _field({"type": "string", "x-multiline": True})

    assert (short.min_length, short.max_length, short.multiline) == (2, 150, False)
    assert long.multiline
    assert flagged.multiline


def test_integer_bounds_are_rounded_inwards() -> None:
    field = _field({"type": "integer", "minimum": 0.5, "maximum": 9.5})

    assert (field.minimum, field.maximum) == (1, 9)


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("password", {"type": "string"}),
        ("slack_api_key", {"type": "string"}),
        ("client_secret", {"type": "string"}),
        ("refresh_token", {"type": "string"}),
        ("pin", {"type": "string", "format": "password"}),
        ("pin", {"type": "string", "writeOnly": True}),
    ],
)
def test_secret_fields_are_recognised(name: str, schema: dict[str, Any]) -> None:
    assert _fields({name: schema})["/" + name].secret


def test_ordinary_field_is_not_secret() -> None:
    assert not _field({"type": "string"}).secret


def test_realistic_schema_is_prepared_well_under_50_ms() -> None:
    properties = {f"field_{i}": {"type": "string", "maxLength": 80} for i in range(30)}
    properties["region"] = {"enum": [f"r{i}" for i in range(50)]}
    schema = {"type": "object", "required": ["region"], "properties": properties}

    started = time.perf_counter()
    prepare_schema(schema)
    first = time.perf_counter() - started

    assert first < 0.05
