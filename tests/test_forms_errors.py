"""validate_inputs: plain-words messages, each on the block it concerns."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.forms import FormSchema, prepare_schema, validate_inputs


def _form(
    properties: dict[str, Any], required: list[str] | None = None, /, **extra: Any
) -> FormSchema:
    schema = {"type": "object", "properties": properties, **extra}
    return prepare_schema({**schema, "required": required} if required else schema)


@pytest.mark.parametrize(
    ("schema", "value", "message"),
    [
        ({"type": "string", "maxLength": 10}, "x" * 11, "Enter at most 10 characters."),
        ({"type": "string", "minLength": 1}, "", "Enter at least 1 character."),
        ({"type": "string", "minLength": 3}, "ab", "Enter at least 3 characters."),
        ({"enum": ["eu", "us"]}, "mars", "Pick one of the listed values."),
        (
            {"type": "string", "pattern": "^[A-Z]{2}$"},
            "fr",
            "Enter a value in the expected format.",
        ),
        ({"type": "integer", "minimum": 1}, 0, "Enter 1 or more."),
        ({"type": "number", "maximum": 2.5}, 3.0, "Enter 2.5 or less."),
        ({"type": "number", "exclusiveMinimum": 0}, 0, "Enter more than 0."),
        ({"type": "integer", "multipleOf": 5}, 7, "Enter a multiple of 5."),
        ({"type": "integer"}, "seven", "Enter a whole number."),
        (
            {"type": "string", "format": "email"},
            "nobody",
            "Enter an email address, like name@example.com.",
        ),
        ({"type": "string", "format": "date"}, "2026-13-01", "Enter a date as YYYY-MM-DD."),
        ({"type": "string", "format": "date-time"}, "noon", "Pick a date and time."),
        (
            {"type": "string", "format": "uri"},
            "example",
            "Enter a full web address, like https://example.com.",
        ),
        (
            {"type": "array", "items": {"enum": ["a", "b", "c"]}, "minItems": 2},
            ["a"],
            "Pick at least 2.",
        ),
        (
            {"type": "array", "items": {"type": "string"}, "maxItems": 1},
            ["a", "b"],
            "Enter at most 1 line.",
        ),
        (
            {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            ["a", "a"],
            "Remove the repeated items.",
        ),
        ({"type": "string", "not": {"const": "admin"}}, "admin", "This value is not accepted."),
    ],
)
def test_each_kind_of_error_reads_as_plain_words(
    schema: dict[str, Any], value: Any, message: str
) -> None:
    assert validate_inputs(_form({"x": schema}), {"x": value}) == {"/x": message}


def test_valid_inputs_have_no_errors() -> None:
    form = _form({"x": {"type": "string"}, "n": {"type": "integer"}}, ["x"])

    assert validate_inputs(form, {"x": "ok", "n": 3}) == {}


def test_required_error_goes_on_the_missing_property_not_its_object() -> None:
    form = _form(
        {
            "target": {
                "type": "object",
                "required": ["market", "area"],
                "properties": {"name": {}, "market": {}, "area": {}},
            }
        },
        ["target"],
    )

    errors = validate_inputs(form, {"target": {"name": "x"}})

    assert errors == {
        "/target/market": "This field is required.",
        "/target/area": "This field is required.",
    }


def test_missing_required_object_is_reported_on_its_first_input() -> None:
    form = _form(
        {"target": {"type": "object", "properties": {"market": {}, "area": {}}}}, ["target"]
    )

    assert validate_inputs(form, {}) == {"/target/market": "This field is required."}


def test_error_about_an_object_goes_on_its_first_input() -> None:
    target = {"type": "object", "minProperties": 2, "properties": {"a": {}, "b": {}}}
    form = _form({"first": {}, "target": target})

    assert validate_inputs(form, {"target": {"b": "x"}}) == {
        "/target/a": "Fill in at least 2 fields here."
    }


def test_one_of_several_required_fields_is_asked_for_by_name_on_the_first() -> None:
    form = _form(
        {"a": {"type": "string"}, "b": {"type": "string"}},
        anyOf=[{"required": ["a"]}, {"required": ["b"]}],
    )

    assert validate_inputs(form, {}) == {"/a": "Fill in A or B."}


def test_dependent_required_error_goes_on_the_missing_field() -> None:
    form = _form(
        {"card": {"type": "string"}, "expiry": {"type": "string"}},
        dependentRequired={"card": ["expiry"]},
    )

    assert validate_inputs(form, {"card": "4111"}) == {"/expiry": "This field is required."}


def test_array_item_error_goes_on_the_arrays_block_naming_the_item() -> None:
    form = _form({"tags": {"type": "array", "items": {"type": "string", "maxLength": 3}}})

    errors = validate_inputs(form, {"tags": ["ok", "toolong"]})

    assert errors == {"/tags": "“toolong”: Enter at most 3 characters."}


def test_error_on_a_constant_goes_on_the_first_input_of_its_object() -> None:
    form = _form({"x": {"type": "string"}, "source": {"const": "slack"}})

    assert validate_inputs(form, {"source": "cli"}) == {"/x": "Use the value slack."}


def test_draft_7_schema_is_validated_by_its_own_rules() -> None:
    form = _form(
        {"n": {"type": "number", "exclusiveMaximum": 5}},
        **{"$schema": "http://json-schema.org/draft-07/schema#"},
    )

    assert validate_inputs(form, {"n": 5}) == {"/n": "Enter less than 5."}


def test_draft_4_exclusive_flag_names_the_bound() -> None:
    form = _form(
        {"n": {"type": "number", "minimum": 1, "exclusiveMinimum": True}},
        **{"$schema": "http://json-schema.org/draft-04/schema#"},
    )

    assert validate_inputs(form, {"n": 1}) == {"/n": "Enter more than 1."}


def test_catastrophic_pattern_is_checked_in_linear_time() -> None:
    form = _form({"x": {"type": "string", "pattern": "^(a+)+$"}})

    started = time.perf_counter()
    errors = validate_inputs(form, {"x": "a" * 2999 + "!"})

    assert errors == {"/x": "Enter a value in the expected format."}
    assert time.perf_counter() - started < 0.5


def test_pattern_is_searched_not_anchored_as_json_schema_says() -> None:
    form = _form({"x": {"type": "string", "pattern": "[0-9]"}})

    assert validate_inputs(form, {"x": "room 7"}) == {}


def test_local_refs_are_followed_during_validation() -> None:
    form = _form(
        {"n": {"$ref": "#/$defs/small"}},
        **{"$defs": {"small": {"type": "integer", "maximum": 3}}},
    )

    assert validate_inputs(form, {"n": 4}) == {"/n": "Enter 3 or less."}


def test_form_without_any_input_block_returns_no_block_ids() -> None:
    form = _form({"source": {"const": "slack"}})

    assert validate_inputs(form, {"source": "cli"}) == {}


def test_regex_format_input_that_would_overflow_pythons_parser_is_an_error_not_a_crash() -> None:
    form = _form({"x": {"type": "string", "format": "regex"}})

    assert validate_inputs(form, {"x": "(" * 1400 + ")" * 1400}) == {"/x": "Enter a valid regex."}
    assert validate_inputs(form, {"x": "^[a-z]+$"}) == {}
    assert validate_inputs(form, {"x": "("}) == {"/x": "Enter a valid regex."}
