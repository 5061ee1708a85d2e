"""The Slack block each kind of field becomes, as Block Kit JSON."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.errors import SchemaNotRenderable
from bot.forms import build_form_blocks, prepare_schema

# Text and number inputs tell the app when Enter is pressed, so they are checked at once.
_ON_ENTER = {"trigger_actions_on": ["on_enter_pressed"]}


def _blocks(properties: dict[str, Any], required: list[str] | None = None) -> list[dict[str, Any]]:
    schema = {"type": "object", "properties": properties, "required": required or []}
    blocks = build_form_blocks(prepare_schema(schema))
    View(type="modal", title="Run", blocks=blocks).to_dict()  # Block Kit limits hold
    return [block.to_dict() for block in blocks]


def _block(schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return _blocks({"x": schema}, ["x"] if required else None)[0]


def _element(schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = _block(schema, required=required)["element"]
    return element


def test_string_is_a_single_line_plain_text_input_in_an_input_block() -> None:
    block = _block({"type": "string", "minLength": 2, "maxLength": 40}, required=True)

    assert block == {
        "type": "input",
        "block_id": "/x",
        "label": {"type": "plain_text", "text": "X", "emoji": True},
        "optional": False,
        "dispatch_action": True,
        "element": {
            "type": "plain_text_input",
            "action_id": "value",
            "min_length": 2,
            "max_length": 40,
            "dispatch_action_config": _ON_ENTER,
        },
    }


def test_long_string_is_a_multiline_input() -> None:
    assert _element({"type": "string", "maxLength": 1000})["multiline"] is True


def test_enter_in_a_text_area_starts_a_new_line_rather_than_checking_it() -> None:
    block = _block({"type": "string", "maxLength": 1000})

    assert "dispatch_action" not in block
    assert "dispatch_action_config" not in block["element"]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "boolean"},
        {"enum": ["a", "b"]},
        {"type": "string", "format": "date"},
        {"type": "array", "items": {"type": "string"}},
    ],
)
def test_only_text_and_number_inputs_are_checked_on_enter(schema: dict[str, Any]) -> None:
    assert "dispatch_action" not in _block(schema)


def test_title_description_examples_and_default_fill_the_block() -> None:
    block = _block(
        {
            "type": "string",
            "title": "Market",
            "description": "Two letters",
            "examples": ["FR"],
            "default": "DE",
        }
    )

    assert block["label"]["text"] == "Market"
    assert block["hint"]["text"] == "Two letters"
    assert block["element"]["placeholder"]["text"] == "FR"
    assert block["element"]["initial_value"] == "DE"
    assert block["optional"] is True


@pytest.mark.parametrize(
    ("text_format", "element_type"), [("email", "email_text_input"), ("uri", "url_text_input")]
)
def test_email_and_uri_get_their_own_inputs(text_format: str, element_type: str) -> None:
    element = _element({"type": "string", "format": text_format})

    assert element == {
        "type": element_type,
        "action_id": "value",
        "dispatch_action_config": _ON_ENTER,
    }


def test_date_is_a_datepicker_with_its_default() -> None:
    element = _element({"type": "string", "format": "date", "default": "2026-12-24"})

    assert element == {"type": "datepicker", "action_id": "value", "initial_date": "2026-12-24"}


def test_date_time_is_a_datetimepicker_with_its_default_in_epoch_seconds() -> None:
    element = _element({"type": "string", "format": "date-time", "default": "2026-12-24T10:00:00Z"})

    assert element == {
        "type": "datetimepicker",
        "action_id": "value",
        "initial_date_time": 1798106400,
    }


def test_integer_is_a_whole_number_input_with_its_bounds() -> None:
    element = _element({"type": "integer", "minimum": 1, "maximum": 10, "default": 3})

    assert element == {
        "type": "number_input",
        "action_id": "value",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "10",
        "initial_value": "3",
        "dispatch_action_config": _ON_ENTER,
    }


def test_number_allows_decimals() -> None:
    assert _element({"type": "number", "minimum": 0.5})["is_decimal_allowed"] is True
    assert _element({"type": "number", "minimum": 0.5})["min_value"] == "0.5"


def test_boolean_is_one_optional_checkbox_ticked_by_a_true_default() -> None:
    block = _block({"type": "boolean", "default": True}, required=True)
    option = {"text": {"type": "plain_text", "text": "Yes", "emoji": True}, "value": "true"}

    assert block["optional"] is True
    assert block["element"] == {
        "type": "checkboxes",
        "action_id": "value",
        "options": [option],
        "initial_options": [option],
    }


def test_required_enum_of_few_values_is_radio_buttons() -> None:
    element = _element({"enum": ["eu", "us"], "default": "us"}, required=True)

    assert element["type"] == "radio_buttons"
    assert [option["value"] for option in element["options"]] == ["0", "1"]
    assert element["initial_option"]["value"] == "1"


def test_optional_enum_is_a_menu_so_it_can_stay_empty() -> None:
    assert _element({"enum": ["eu", "us"]})["type"] == "static_select"


def test_enum_of_many_values_is_a_static_select() -> None:
    element = _element({"enum": list(range(20)), "examples": [3]}, required=True)

    assert element["type"] == "static_select"
    assert len(element["options"]) == 20
    assert element["placeholder"]["text"] == "3"


def test_enum_options_stay_within_slacks_lengths_whatever_the_values() -> None:
    values = ["v" * 500, 1, True, 2.5]

    options = _element({"enum": values})["options"]

    assert [option["text"]["text"] for option in options][1:] == ["1", "true", "2.5"]
    assert len(options[0]["text"]["text"]) == 75
    assert all(len(option["value"]) <= 150 for option in options)


def test_array_of_few_enum_values_is_checkboxes() -> None:
    element = _element({"type": "array", "items": {"enum": ["a", "b"]}, "default": ["b"]})

    assert element["type"] == "checkboxes"
    assert [option["value"] for option in element["initial_options"]] == ["1"]


def test_array_of_many_enum_values_is_a_multi_select_capped_by_max_items() -> None:
    element = _element({"type": "array", "items": {"enum": list("abcdefg")}, "maxItems": 3})

    assert element["type"] == "multi_static_select"
    assert element["max_selected_items"] == 3


def test_array_of_strings_is_a_multiline_input_one_item_per_line() -> None:
    element = _element({"type": "array", "items": {"type": "string"}, "default": ["a", "b"]})

    assert element == {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "initial_value": "a\nb",
    }


def test_nested_object_gets_a_header_and_its_description_then_its_inputs() -> None:
    blocks = _blocks(
        {
            "target": {
                "type": "object",
                "title": "Target",
                "description": "Who sees it",
                "properties": {
                    "area": {"type": "object", "properties": {"city": {"type": "string"}}}
                },
            }
        }
    )

    assert [(block["type"], block.get("block_id")) for block in blocks] == [
        ("header", "/target"),
        ("context", None),
        ("header", "/target/area"),
        ("input", "/target/area/city"),
    ]
    assert blocks[2]["text"]["text"] == "Target → Area"


def test_const_is_shown_as_context_not_asked_for() -> None:
    block = _block({"const": "slack", "title": "Source"})

    assert block["type"] == "context"
    assert block["elements"][0]["text"] == "Source: slack"


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "default": 5},
        {"type": "string", "maxLength": 3, "default": "too long"},
        {"type": "string", "format": "date", "default": "24/12/2026"},
        {"type": "string", "format": "date-time", "default": "tomorrow"},
        {"type": "integer", "default": 2.5},
        {"type": "integer", "maximum": 3, "default": 9},
        {"enum": ["a"], "default": "z"},
        {"type": "array", "items": {"type": "string"}, "default": [{"a": 1}]},
    ],
)
def test_default_slack_would_refuse_is_dropped(schema: dict[str, Any]) -> None:
    element = _element(schema)

    assert not {"initial_value", "initial_date", "initial_date_time", "initial_option"} & set(
        element
    )


def test_form_of_98_blocks_fits_with_room_for_two_more() -> None:
    properties = {f"p{i}": {"type": "string", "title": "t" * 2500} for i in range(98)}

    blocks = build_form_blocks(prepare_schema({"type": "object", "properties": properties}))
    view = View(type="modal", title="Run", blocks=[*blocks, *blocks[:2]]).to_dict()

    assert len(view["blocks"]) == 100


def test_nested_headers_count_towards_the_block_limit() -> None:
    inner = {"type": "object", "properties": {f"p{i}": {} for i in range(9)}}
    properties = {f"group{i}": inner for i in range(10)}  # 10 headers + 90 inputs

    with pytest.raises(SchemaNotRenderable):
        prepare_schema({"type": "object", "properties": properties})
