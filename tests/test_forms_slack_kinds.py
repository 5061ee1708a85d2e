"""Richer mappings: time, uuid, huge numbers, readOnly, `x-slack` hints and typeahead menus."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.forms import (
    ACTION_ID,
    Kind,
    build_form_blocks,
    parse_submission,
    prepare_schema,
    summarize_inputs,
    validate_inputs,
)


def _one(prop: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": {"x": prop}}
    if required:
        schema["required"] = ["x"]
    return schema


def _element(schema: dict[str, Any]) -> dict[str, Any]:
    blocks = build_form_blocks(prepare_schema(schema))
    view = View(type="modal", title="Run workflow", blocks=blocks).to_dict()
    return dict(view["blocks"][0]["element"])


def _parse(schema: dict[str, Any], action: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    return parse_submission(prepare_schema(schema), {"/x": {ACTION_ID: action}})


def test_time_is_a_utc_timepicker_sending_rfc_3339_time_with_offset() -> None:
    schema = _one({"type": "string", "format": "time", "default": "09:30:00Z"})

    element = _element(schema)
    values, errors = _parse(schema, {"type": "timepicker", "selected_time": "14:05"})

    assert element["type"] == "timepicker"
    assert element["timezone"] == "UTC"
    assert element["initial_time"] == "09:30"
    assert (values, errors) == ({"x": "14:05:00Z"}, {})
    assert validate_inputs(prepare_schema(schema), values) == {}


def test_time_default_with_another_offset_is_not_shown_as_if_utc() -> None:
    element = _element(_one({"type": "string", "format": "time", "default": "09:30:00+02:00"}))

    assert "initial_time" not in element


def test_malformed_time_in_the_state_is_refused_in_plain_words() -> None:
    _, errors = _parse(_one({"type": "string", "format": "time"}), {"selected_time": "25:99"})

    assert errors == {"/x": "Pick a time."}


def test_uuid_input_holds_exactly_a_uuids_length_and_is_checked_on_submit() -> None:
    schema = _one({"type": "string", "format": "uuid"})
    form = prepare_schema(schema)

    element = _element(schema)
    errors = validate_inputs(form, {"x": "not-a-uuid-but-36-characters-long-xx"})

    assert (element["min_length"], element["max_length"]) == (36, 36)
    assert element["placeholder"]["text"] == "123e4567-e89b-12d3-a456-426614174000"
    assert errors == {"/x": "Enter a UUID, like 123e4567-e89b-12d3-a456-426614174000."}


def test_number_past_number_inputs_range_is_typed_as_text_and_validated() -> None:
    schema = _one({"type": "integer", "minimum": 10**18})
    form = prepare_schema(schema)

    element = _element(schema)
    values, _ = _parse(schema, {"type": "plain_text_input", "value": "1000000000000000001"})

    assert element["type"] == "plain_text_input"
    assert values == {"x": 1000000000000000001}
    assert validate_inputs(form, {"x": 5}) == {"/x": "Enter 1000000000000000000 or more."}


def test_read_only_default_is_shown_as_context_and_sent_from_the_schema_only() -> None:
    schema = _one({"type": "string", "readOnly": True, "default": "eu-west", "title": "Region"})
    form = prepare_schema(schema)

    view = View(type="modal", title="Run", blocks=build_form_blocks(form)).to_dict()
    values, _ = parse_submission(form, {"/x": {ACTION_ID: {"value": "forged"}}})

    assert view["blocks"][0]["type"] == "context"
    assert view["blocks"][0]["elements"][0]["text"] == "Region: eu-west"
    assert values == {"x": "eu-west"}


def test_read_only_without_a_value_is_shown_and_never_sent() -> None:
    form = prepare_schema(_one({"type": "string", "readOnly": True, "title": "Run id"}))

    blocks = [block.to_dict() for block in build_form_blocks(form)]
    values, _ = parse_submission(form, {})

    assert blocks[0]["elements"][0]["text"] == "Run id: set by the workflow"
    assert values == {}


def test_secret_constant_is_masked_in_the_form() -> None:
    form = prepare_schema(_one({"const": "s3cr3t", "writeOnly": True, "title": "Key"}))

    blocks = [block.to_dict() for block in build_form_blocks(form)]

    assert "s3cr3t" not in str(blocks)


def test_password_is_masked_in_the_summary_and_kept_in_the_values() -> None:
    form = prepare_schema(_one({"type": "string", "format": "password", "title": "Pass"}))

    values, _ = parse_submission(form, {"/x": {ACTION_ID: {"value": "hunter2"}}})

    assert values == {"x": "hunter2"}
    assert summarize_inputs(form, values) == [("Pass", "••••••")]


@pytest.mark.parametrize(
    ("picker", "element_type", "state_key", "picked"),
    [
        ("users", "users_select", "selected_user", "U0123ABC"),
        ("channels", "channels_select", "selected_channel", "C0123ABC"),
        ("conversations", "conversations_select", "selected_conversation", "D0123ABC"),
    ],
)
def test_x_slack_picker_asks_slack_for_a_user_or_channel_and_sends_its_id(
    picker: str, element_type: str, state_key: str, picked: str
) -> None:
    schema = _one({"type": "string", "x-slack": {"picker": picker}}, required=True)

    element = _element(schema)
    values, errors = _parse(schema, {"type": element_type, state_key: picked})

    assert element["type"] == element_type
    assert (values, errors) == ({"x": picked}, {})


def test_x_slack_picker_on_a_list_is_a_multi_picker_capped_by_max_items() -> None:
    schema = _one(
        {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": 3,
            "x-slack": {"picker": "users"},
        }
    )

    element = _element(schema)
    values, _ = _parse(schema, {"type": "multi_users_select", "selected_users": ["U1A", "U2B"]})

    assert element["type"] == "multi_users_select"
    assert element["max_selected_items"] == 3
    assert values == {"x": ["U1A", "U2B"]}
    assert prepare_schema(schema).fields[0].kind is Kind.PICKER


def test_picker_state_that_is_not_a_slack_id_is_refused() -> None:
    schema = _one({"type": "string", "x-slack": {"picker": "users"}})

    _, errors = _parse(schema, {"selected_user": "<script>"})

    assert errors == {"/x": "Pick from the list."}


def test_x_slack_multiline_and_placeholder_shape_a_text_input() -> None:
    element = _element(
        _one({"type": "string", "x-slack": {"multiline": True, "placeholder": "Say why"}})
    )

    assert element["multiline"] is True
    assert element["placeholder"]["text"] == "Say why"


def test_x_slack_radio_layout_shows_an_optional_choice_as_buttons() -> None:
    element = _element(_one({"enum": ["a", "b", "c"], "x-slack": {"layout": "radio"}}))

    assert element["type"] == "radio_buttons"


def test_x_slack_menu_layout_keeps_a_required_few_choices_in_a_menu() -> None:
    element = _element(_one({"enum": ["a", "b"], "x-slack": {"layout": "menu"}}, required=True))

    assert element["type"] == "static_select"


def test_radio_layout_past_ten_choices_falls_back_to_a_menu() -> None:
    element = _element(_one({"enum": list(range(11)), "x-slack": {"layout": "radio"}}))

    assert element["type"] == "static_select"


@pytest.mark.parametrize(
    "hint", [{"picker": "robots"}, "users", {"layout": "grid"}, {"placeholder": 5}]
)
def test_malformed_x_slack_hint_is_ignored_not_fatal(hint: Any) -> None:
    element = _element(_one({"type": "string", "x-slack": hint}))

    assert element["type"] == "plain_text_input"


def test_picker_hint_on_a_number_is_ignored() -> None:
    element = _element(_one({"type": "integer", "x-slack": {"picker": "users"}}))

    assert element["type"] == "number_input"


def test_enum_past_a_hundred_values_is_a_typeahead_menu_valued_by_position() -> None:
    choices = [f"sku-{number}" for number in range(250)]
    schema = _one({"enum": choices, "default": "sku-120"})

    element = _element(schema)
    values, _ = _parse(schema, {"type": "external_select", "selected_option": {"value": "201"}})

    assert element["type"] == "external_select"
    assert element["initial_option"]["value"] == "120"
    assert "options" not in element
    assert values == {"x": "sku-201"}


def test_array_of_many_enum_values_is_a_multi_typeahead() -> None:
    schema = _one({"type": "array", "items": {"enum": list(range(300))}, "maxItems": 2})

    element = _element(schema)
    values, _ = _parse(schema, {"selected_options": [{"value": "7"}, {"value": "299"}]})

    assert element["type"] == "multi_external_select"
    assert element["max_selected_items"] == 2
    assert values == {"x": [7, 299]}


LINE_ITEMS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}},
        "required": ["sku", "qty"],
    },
    "minItems": 1,
    "default": [{"sku": "A-1", "qty": 2}],
}


def test_list_of_objects_is_typed_as_json_and_comes_back_exact() -> None:
    schema = _one(LINE_ITEMS)

    element = _element(schema)
    values, errors = _parse(schema, {"value": '[{"sku": "B-2", "qty": 3}]'})

    assert element["type"] == "plain_text_input"
    assert element["multiline"] is True
    assert element["initial_value"] == '[\n  {\n    "sku": "A-1",\n    "qty": 2\n  }\n]'
    assert (values, errors) == ({"x": [{"sku": "B-2", "qty": 3}]}, {})


def test_json_that_does_not_parse_is_refused_with_its_line() -> None:
    _, errors = _parse(_one(LINE_ITEMS), {"value": '[\n{"sku": }\n]'})

    assert errors == {"/x": "This is not valid JSON (line 2)."}


def test_errors_inside_typed_json_name_the_item_and_key() -> None:
    form = prepare_schema(_one(LINE_ITEMS))

    errors = validate_inputs(form, {"x": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 0}]})
    missing = validate_inputs(form, {"x": [{"qty": 1}]})

    assert errors == {"/x": "Item 2, “qty”: Enter 1 or more."}
    assert missing == {"/x": "Item 1: “sku” is missing."}


def test_free_form_object_is_typed_as_json() -> None:
    schema = _one({"type": "object", "required": ["team"]})
    form = prepare_schema(schema)

    values, _ = _parse(schema, {"value": '{"team": "ops", "size": 4}'})

    assert values == {"x": {"team": "ops", "size": 4}}
    assert validate_inputs(form, {"x": {}}) == {"/x": "“team” is missing."}


def test_picker_starts_from_an_id_shaped_default_and_ignores_others() -> None:
    user = _element(_one({"type": "string", "default": "U0ABC", "x-slack": {"picker": "users"}}))
    odd = _element(_one({"type": "string", "default": "bob", "x-slack": {"picker": "users"}}))
    many = _element(
        _one(
            {
                "type": "array",
                "items": {"type": "string"},
                "default": ["C1X", "nope", "C2Y"],
                "x-slack": {"picker": "conversations"},
            }
        )
    )

    assert user["initial_user"] == "U0ABC"
    assert "initial_user" not in odd
    assert many["initial_conversations"] == ["C1X", "C2Y"]


def test_conversation_picker_starts_on_the_current_conversation() -> None:
    element = _element(_one({"type": "string", "x-slack": {"picker": "conversations"}}))

    assert element["default_to_current_conversation"] is True


def test_x_slack_radio_layout_on_a_list_shows_up_to_ten_checkboxes() -> None:
    schema = _one(
        {"type": "array", "items": {"enum": list(range(8))}, "x-slack": {"layout": "radio"}}
    )

    element = _element(schema)
    values, _ = _parse(schema, {"selected_options": [{"value": "7"}]})

    assert element["type"] == "checkboxes"
    assert values == {"x": [7]}


def test_x_slack_menu_layout_keeps_a_short_list_in_a_multi_select() -> None:
    element = _element(
        _one({"type": "array", "items": {"enum": ["a", "b"]}, "x-slack": {"layout": "menu"}})
    )

    assert element["type"] == "multi_static_select"
