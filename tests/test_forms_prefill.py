"""storable_inputs and prefilled_form: what Run again keeps of a run, and shows again."""

from __future__ import annotations

from typing import Any

from bot.forms import build_form_blocks, prefilled_form, prepare_schema, storable_inputs

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "region": {"type": "string", "title": "Region", "enum": ["EMEA", "APAC"]},
        "days": {"type": "integer", "title": "Days"},
        "api_key": {"type": "string", "title": "API key"},
        "target": {
            "type": "object",
            "properties": {
                "market": {"type": "string"},
                "password": {"type": "string"},
            },
        },
        "source": {"const": "slack"},
        "note": {"type": "string"},
    },
}
VALUES = {
    "region": "APAC",
    "days": 3,
    "api_key": "sk-live-123",
    "target": {"market": "FR", "password": "hunter2"},
    "source": "slack",
}


def _elements(blocks: list[Any]) -> dict[str, dict[str, Any]]:
    shown = [block.to_dict() for block in blocks]
    return {block["block_id"]: block.get("element", {}) for block in shown if "block_id" in block}


def test_secret_values_are_dropped_before_storing_and_the_rest_is_kept() -> None:
    form = prepare_schema(SCHEMA)

    kept = storable_inputs(form, VALUES)

    assert kept == {"region": "APAC", "days": 3, "target": {"market": "FR"}, "source": "slack"}
    assert VALUES["target"] == {"market": "FR", "password": "hunter2"}  # left untouched


def test_prefilled_form_shows_the_values_as_initial_values_and_secrets_blank() -> None:
    form = prepare_schema(SCHEMA)

    shown, choices = prefilled_form(form, {**VALUES, "api_key": "should-not-show"})
    elements = _elements(build_form_blocks(shown, choices))

    assert elements["/region"]["initial_option"]["text"]["text"] == "APAC"
    assert elements["/days"]["initial_value"] == "3"
    assert elements["/target/market"]["initial_value"] == "FR"
    assert "initial_value" not in elements["/api_key"]
    assert "initial_value" not in elements["/target/password"]
    assert "initial_value" not in elements["/note"]


def test_an_input_left_empty_comes_back_empty_rather_than_its_default() -> None:
    form = prepare_schema(
        {"type": "object", "properties": {"days": {"type": "integer", "default": 7}}}
    )

    shown, choices = prefilled_form(form, {})

    assert "initial_value" not in _elements(build_form_blocks(shown, choices))["/days"]


def test_prefill_chooses_the_alternative_the_values_belong_to() -> None:
    form = prepare_schema(
        {
            "type": "object",
            "properties": {
                "payout": {
                    "oneOf": [
                        {
                            "title": "Bank",
                            "type": "object",
                            "properties": {"method": {"const": "bank"}, "iban": {"type": "string"}},
                        },
                        {
                            "title": "Check",
                            "type": "object",
                            "properties": {"method": {"const": "check"}, "to": {"type": "string"}},
                        },
                    ]
                }
            },
            "required": ["payout"],
        }
    )

    shown, choices = prefilled_form(form, {"payout": {"method": "check", "to": "Paris"}})
    elements = _elements(build_form_blocks(shown, choices))

    assert elements["/payout/to"]["initial_value"] == "Paris"
    assert "/payout/iban" not in elements
