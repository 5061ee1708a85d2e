"""oneOf / anyOf: a select of the alternatives, the chosen one's fields, exact values back."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.errors import SchemaNotRenderable
from bot.form_live import redrawn_form_view
from bot.forms import (
    ACTION_ID,
    BRANCH_ACTION_ID,
    build_form_blocks,
    parse_submission,
    prepare_schema,
    summarize_inputs,
    validate_inputs,
)

PAYMENT: dict[str, Any] = {
    "type": "object",
    "required": ["payee", "payment"],
    "properties": {
        "payee": {"type": "string", "title": "Payee"},
        "payment": {
            "title": "Pay by",
            "oneOf": [
                {
                    "title": "Card",
                    "type": "object",
                    "properties": {
                        "method": {"const": "card"},
                        "card_number": {"type": "string", "title": "Card number"},
                    },
                    "required": ["method", "card_number"],
                },
                {
                    "title": "Bank transfer",
                    "type": "object",
                    "properties": {
                        "method": {"const": "bank"},
                        "iban": {"type": "string", "title": "IBAN", "minLength": 15},
                        "bic": {"type": "string", "title": "BIC"},
                    },
                    "required": ["method", "iban"],
                },
            ],
        },
    },
}


def _view(blocks: list[Any]) -> dict[str, Any]:
    return View(type="modal", title="Run", blocks=blocks).to_dict()


def _ids(blocks: list[Any]) -> list[str]:
    return [block.block_id for block in blocks]


def _branch(block_id: str, index: int) -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": "x"}, "value": str(index)}
    return {block_id: {BRANCH_ACTION_ID: {"type": "radio_buttons", "selected_option": option}}}


def _typed(block_id: str, text: str) -> dict[str, Any]:
    return {block_id: {ACTION_ID: {"type": "plain_text_input", "value": text}}}


def test_one_of_is_a_select_of_the_alternatives_followed_by_the_first_ones_fields() -> None:
    form = prepare_schema(PAYMENT)

    view = _view(build_form_blocks(form))

    selector = view["blocks"][1]
    assert [block.get("block_id") for block in view["blocks"]] == [
        "/payee",
        "#of/payment",
        "/payment/method",
        "/payment/card_number",
    ]
    assert selector["dispatch_action"] is True
    assert selector["element"]["action_id"] == BRANCH_ACTION_ID
    assert selector["element"]["type"] == "radio_buttons"
    assert [option["text"]["text"] for option in selector["element"]["options"]] == [
        "Card",
        "Bank transfer",
    ]
    assert selector["element"]["initial_option"]["value"] == "0"


def test_choosing_another_alternative_swaps_in_its_fields() -> None:
    form = prepare_schema(PAYMENT)

    blocks = build_form_blocks(form, {("payment",): 1})

    assert _ids(blocks)[2:] == ["/payment/method", "/payment/iban", "/payment/bic"]


def test_only_the_chosen_alternative_is_read_and_its_constant_is_injected() -> None:
    form = prepare_schema(PAYMENT)
    state = {
        **_typed("/payee", "ACME"),
        **_branch("#of/payment", 1),
        **_typed("/payment/iban", "DE89370400440532013000"),
        **_typed("/payment/card_number", "4111 left over from the other branch"),
    }

    values, errors = parse_submission(form, state)

    assert errors == {}
    assert values == {
        "payee": "ACME",
        "payment": {"method": "bank", "iban": "DE89370400440532013000"},
    }
    assert validate_inputs(form, values) == {}


def test_errors_land_on_the_chosen_alternatives_fields() -> None:
    form = prepare_schema(PAYMENT)
    state = {**_typed("/payee", "ACME"), **_branch("#of/payment", 1)}
    state.update(_typed("/payment/iban", "DE89"))

    values, _ = parse_submission(form, state)

    assert validate_inputs(form, values) == {"/payment/iban": "Enter at least 15 characters."}


def test_missing_field_of_the_chosen_alternative_is_named_on_its_block() -> None:
    form = prepare_schema(PAYMENT)
    values, _ = parse_submission(form, {**_typed("/payee", "ACME"), **_branch("#of/payment", 0)})

    assert values == {"payee": "ACME", "payment": {"method": "card"}}
    assert validate_inputs(form, values) == {"/payment/card_number": "This field is required."}


def test_entered_values_are_kept_when_the_form_is_redrawn() -> None:
    form = prepare_schema(PAYMENT)
    open_view = _view(build_form_blocks(form))
    open_view["state"] = {"values": {**_typed("/payee", "ACME"), **_branch("#of/payment", 1)}}

    redrawn = redrawn_form_view(open_view, form).to_dict()

    assert [block["block_id"] for block in redrawn["blocks"]][2:] == [
        "/payment/method",
        "/payment/iban",
        "/payment/bic",
    ]
    assert redrawn["blocks"][0]["element"]["initial_value"] == "ACME"
    assert redrawn["blocks"][1]["element"]["initial_option"]["value"] == "1"


def test_an_input_emptied_by_the_person_stays_empty_when_redrawn() -> None:
    schema = {**PAYMENT, "properties": {**PAYMENT["properties"], "payee": {"default": "Me"}}}
    form = prepare_schema(schema)
    open_view = _view(build_form_blocks(form))
    open_view["state"] = {"values": {**_typed("/payee", ""), **_branch("#of/payment", 0)}}

    redrawn = redrawn_form_view(open_view, form).to_dict()

    assert "initial_value" not in redrawn["blocks"][0]["element"]


def test_summary_shows_the_chosen_alternative_only() -> None:
    form = prepare_schema(PAYMENT)
    values = {"payee": "ACME", "payment": {"method": "bank", "iban": "DE89370400440532013000"}}

    assert summarize_inputs(form, values) == [
        ("Payee", "ACME"),
        ("Pay by", "Bank transfer"),
        ("Pay by → IBAN", "DE89370400440532013000"),
    ]


def test_root_level_one_of_object_shapes_works_the_same_way() -> None:
    schema = {
        "type": "object",
        "properties": {"note": {"type": "string"}},
        "oneOf": [
            {"properties": {"email": {"type": "string", "format": "email"}}, "required": ["email"]},
            {"properties": {"phone": {"type": "string"}}, "required": ["phone"]},
        ],
    }
    form = prepare_schema(schema)

    first = _ids(build_form_blocks(form))
    values, _ = parse_submission(form, {**_branch("#of", 1), **_typed("/phone", "+33 1 23")})

    assert first == ["/note", "#of", "/email"]
    assert values == {"phone": "+33 1 23"}
    assert validate_inputs(form, values) == {}
    assert validate_inputs(form, {}) == {"/email": "This field is required."}


def test_alternatives_without_titles_are_labelled_by_their_shape() -> None:
    schema = {
        "type": "object",
        "properties": {
            "contact": {"oneOf": [{"type": "string", "format": "email"}, {"type": "integer"}]}
        },
    }
    form = prepare_schema(schema)

    selector = form.selectors[("contact",)]
    blocks = build_form_blocks(form, {("contact",): 1})
    values, _ = parse_submission(
        form, {**_branch("#of/contact", 1), "/contact": {ACTION_ID: {"value": "42"}}}
    )

    assert selector.choice_labels == ("Email address", "Whole number")
    assert blocks[1].element.type == "number_input"
    assert values == {"contact": 42}


def test_optional_alternatives_start_unchosen_and_are_left_out_when_untouched() -> None:
    schema = {
        "type": "object",
        "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
    }
    form = prepare_schema(schema)

    view = _view(build_form_blocks(form))
    values, errors = parse_submission(form, {})

    assert [block["block_id"] for block in view["blocks"]] == ["#of/x"]
    assert view["blocks"][0]["element"]["type"] == "static_select"
    assert (values, errors) == ({}, {})


def test_a_null_alternative_sends_null() -> None:
    schema = {
        "type": "object",
        "required": ["x"],
        "properties": {"x": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}},
    }
    form = prepare_schema(schema)

    values, _ = parse_submission(form, _branch("#of/x", 2))

    assert values == {"x": None}
    assert validate_inputs(form, values) == {}


def test_value_fitting_two_alternatives_of_a_one_of_is_explained() -> None:
    schema = {
        "type": "object",
        "required": ["x"],
        "properties": {"x": {"oneOf": [{"type": "number"}, {"type": "integer"}]}},
    }
    form = prepare_schema(schema)

    errors = validate_inputs(form, {"x": 3})

    assert errors == {
        "/x": "This fits more than one of the choices; fill in what sets yours apart."
    }


def test_selector_of_a_very_long_property_name_keeps_a_short_block_id() -> None:
    name = "n" * 300
    schema = {
        "type": "object",
        "properties": {name: {"anyOf": [{"type": "string"}, {"type": "boolean"}]}},
    }

    blocks = build_form_blocks(prepare_schema(schema))

    assert all(len(block.block_id) <= 255 for block in blocks)


def test_more_than_a_hundred_alternatives_are_refused_clearly() -> None:
    schema = {
        "type": "object",
        "properties": {"x": {"anyOf": [{"type": "string", "minLength": n} for n in range(101)]}},
    }

    with pytest.raises(SchemaNotRenderable, match="101 alternatives"):
        prepare_schema(schema)


def test_if_then_else_errors_land_on_the_field_they_concern() -> None:
    schema = {
        "type": "object",
        "properties": {"country": {"type": "string"}, "postcode": {"type": "string"}},
        "if": {"properties": {"country": {"const": "US"}}},
        "then": {"properties": {"postcode": {"pattern": "^[0-9]{5}$"}}},
    }
    form = prepare_schema(schema)

    errors = validate_inputs(form, {"country": "US", "postcode": "SW1A"})

    assert errors == {"/postcode": "Enter a value in the expected format."}


def test_dependent_schemas_errors_land_on_the_field_they_concern() -> None:
    schema = {
        "type": "object",
        "properties": {"card": {"type": "string"}, "billing": {"type": "string"}},
        "dependentSchemas": {"card": {"required": ["billing"]}},
    }

    errors = validate_inputs(prepare_schema(schema), {"card": "4111"})

    assert errors == {"/billing": "This field is required."}


def test_a_form_fits_when_its_longest_alternative_does() -> None:
    def shape(prefix: str) -> dict[str, Any]:
        names = {f"{prefix}{number}": {"type": "string"} for number in range(60)}
        return {"type": "object", "properties": names}

    schema = {"type": "object", "oneOf": [shape("a"), shape("b")]}

    form = prepare_schema(schema)
    blocks = build_form_blocks(form, {(): 1})

    assert len(blocks) == 61
    assert blocks[1].block_id == "/b0"


def test_a_form_whose_longest_alternative_is_too_long_is_refused() -> None:
    names = {f"f{number}": {"type": "string"} for number in range(98)}
    schema = {"type": "object", "oneOf": [{"properties": names}, {"properties": {"x": {}}}]}

    with pytest.raises(SchemaNotRenderable, match="98 blocks"):
        prepare_schema(schema)


def test_alternatives_nested_directly_in_alternatives_are_refused_clearly() -> None:
    inner = {"oneOf": [{"properties": {"a": {}}}, {"properties": {"b": {}}}]}
    schema = {"type": "object", "oneOf": [inner, {"properties": {"c": {}}}]}

    with pytest.raises(SchemaNotRenderable, match="alternatives inside alternatives"):
        prepare_schema(schema)


def test_alternatives_inside_an_alternatives_object_field_work() -> None:
    inner = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    schema = {
        "type": "object",
        "required": ["p"],
        "properties": {
            "p": {"oneOf": [{"properties": {"q": inner}, "required": ["q"]}, {"type": "boolean"}]}
        },
    }
    form = prepare_schema(schema)
    state = {
        "#of/p": {BRANCH_ACTION_ID: {"selected_option": {"value": "0"}}},
        "#of/p/q": {BRANCH_ACTION_ID: {"selected_option": {"value": "1"}}},
        "/p/q": {ACTION_ID: {"value": "7"}},
    }

    values, errors = parse_submission(form, state)

    assert (values, errors) == ({"p": {"q": 7}}, {})
    assert validate_inputs(form, values) == {}
