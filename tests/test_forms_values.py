"""Reading a submitted view's state: typed values, left-out blanks, hostile payloads."""

from __future__ import annotations

from typing import Any

import pytest

from bot.forms import ACTION_ID, FormSchema, parse_submission, prepare_schema


def _form(properties: dict[str, Any], required: list[str] | None = None) -> FormSchema:
    return prepare_schema({"type": "object", "properties": properties, "required": required or []})


def _state(**actions: dict[str, Any]) -> dict[str, Any]:
    return {f"/{name}": {ACTION_ID: action} for name, action in actions.items()}


def _option(index: int) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": "…"}, "value": str(index)}


def test_text_is_kept_as_typed() -> None:
    form = _form({"x": {"type": "string"}})

    assert parse_submission(form, _state(x={"value": "  two words "})) == (
        {"x": "  two words "},
        {},
    )


def test_blank_and_whitespace_only_text_are_left_out_never_sent_as_empty() -> None:
    form = _form({"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}})

    values, errors = parse_submission(
        form, _state(a={"value": ""}, b={"value": "   "}, c={"value": None})
    )

    assert (values, errors) == ({}, {})


def test_unticked_boolean_is_false_and_ticked_is_true() -> None:
    form = _form({"on": {"type": "boolean"}, "off": {"type": "boolean"}})
    ticked = {"selected_options": [{"value": "true"}]}

    values, _ = parse_submission(form, _state(on=ticked, off={"selected_options": []}))

    assert values == {"on": True, "off": False}


def test_enum_values_come_back_in_their_own_type() -> None:
    form = _form({"n": {"enum": [1, 2]}, "b": {"enum": [True, False]}, "f": {"enum": [0.5, "x"]}})

    values, _ = parse_submission(
        form,
        _state(
            n={"selected_option": _option(0)},
            b={"selected_option": _option(1)},
            f={"selected_option": _option(0)},
        ),
    )

    assert values == {"n": 1, "b": False, "f": 0.5}
    assert type(values["n"]) is int
    assert type(values["b"]) is bool


def test_multi_select_keeps_the_order_picked_without_repeats() -> None:
    form = _form({"m": {"type": "array", "items": {"enum": ["a", "b", "c"]}}})
    picked = [_option(2), _option(0), _option(2)]

    values, _ = parse_submission(form, _state(m={"selected_options": picked}))

    assert values == {"m": ["c", "a"]}


def test_lines_become_a_list_with_blank_lines_dropped() -> None:
    form = _form({"tags": {"type": "array", "items": {"type": "string"}}})

    values, _ = parse_submission(form, _state(tags={"value": "alpha\n\n  beta \r\ngamma\n"}))

    assert values == {"tags": ["alpha", "beta", "gamma"]}


def test_a_line_that_is_not_a_number_is_named_in_the_error() -> None:
    form = _form({"w": {"type": "array", "items": {"type": "number"}}})

    values, errors = parse_submission(form, _state(w={"value": "1.5\n\nabc"}))

    assert values == {}
    assert errors == {"/w": "Line 3 (“abc”) is not a number."}


def test_integer_lines_become_ints() -> None:
    form = _form({"ids": {"type": "array", "items": {"type": "integer"}}})

    values, errors = parse_submission(form, _state(ids={"value": "1\n-20\n+3"}))

    assert (values, errors) == ({"ids": [1, -20, 3]}, {})


@pytest.mark.parametrize(
    ("schema_type", "text", "expected"),
    [
        ("integer", "42", 42),
        ("integer", "-7", -7),
        ("number", "42", 42.0),
        ("number", "-0.25", -0.25),
        ("number", "1e3", 1000.0),
    ],
)
def test_numbers_arrive_as_text_and_leave_typed(
    schema_type: str, text: str, expected: float
) -> None:
    form = _form({"n": {"type": schema_type}})

    values, _ = parse_submission(form, _state(n={"type": "number_input", "value": text}))

    assert values == {"n": expected}
    assert type(values["n"]) is type(expected)


@pytest.mark.parametrize(
    ("schema_type", "text", "message"),
    [
        ("integer", "abc", "Enter a whole number."),
        ("integer", "4.5", "Enter a whole number."),
        ("integer", "٣", "Enter a whole number."),
        ("number", "nan", "Enter a number."),
        ("number", "1e999", "Enter a number."),
        ("number", "9" * 100, "Enter a number."),
    ],
)
def test_numbers_that_cannot_be_read_get_an_error(
    schema_type: str, text: str, message: str
) -> None:
    form = _form({"n": {"type": schema_type}})

    assert parse_submission(form, _state(n={"value": text})) == ({}, {"/n": message})


def test_date_time_epoch_seconds_become_rfc3339_utc() -> None:
    form = _form({"at": {"type": "string", "format": "date-time"}})

    values, _ = parse_submission(form, _state(at={"selected_date_time": 1798106400}))

    assert values == {"at": "2026-12-24T10:00:00Z"}


def test_date_is_sent_as_picked() -> None:
    form = _form({"d": {"type": "string", "format": "date"}})

    assert parse_submission(form, _state(d={"selected_date": "2026-02-28"}))[0] == {
        "d": "2026-02-28"
    }
    assert parse_submission(form, _state(d={"selected_date": "2026-02-30"}))[1] == {
        "/d": "Pick a date."
    }


def test_optional_object_left_blank_is_left_out() -> None:
    form = _form(
        {
            "target": {
                "type": "object",
                "required": ["market"],
                "properties": {"market": {"type": "string"}, "live": {"type": "boolean"}},
            }
        }
    )

    values, _ = parse_submission(form, {})

    assert values == {}


def test_optional_object_with_any_input_is_sent_with_its_blanks_left_out() -> None:
    form = _form(
        {
            "target": {
                "type": "object",
                "properties": {"market": {"type": "string"}, "budget": {"type": "integer"}},
            }
        }
    )

    values, _ = parse_submission(form, {"/target/budget": {ACTION_ID: {"value": "5"}}})

    assert values == {"target": {"budget": 5}}


def test_required_object_is_sent_even_when_blank() -> None:
    form = _form({"t": {"type": "object", "properties": {"m": {"type": "string"}}}}, ["t"])

    assert parse_submission(form, {})[0] == {"t": {}}


def test_const_is_always_sent_and_never_taken_from_the_client() -> None:
    form = _form({"source": {"const": "slack"}, "x": {"type": "string"}})

    values, _ = parse_submission(form, _state(source={"value": "forged"}))

    assert values == {"source": "slack"}


def test_required_nullable_input_left_blank_is_sent_as_null() -> None:
    form = _form({"n": {"type": ["integer", "null"]}, "m": {"type": ["integer", "null"]}}, ["n"])

    assert parse_submission(form, {})[0] == {"n": None}


def test_text_longer_than_slack_allows_is_refused() -> None:
    form = _form({"x": {"type": "string"}})

    assert parse_submission(form, _state(x={"value": "a" * 3001}))[1] == {
        "/x": "Enter at most 3000 characters."
    }


HOSTILE_STATES: list[Any] = [
    None,
    [],
    "values",
    {"/x": None},
    {"/x": []},
    {"/x": {ACTION_ID: None}},
    {"/x": {ACTION_ID: "text"}},
    {"/x": {"other_action": {"value": "1"}}},
]


@pytest.mark.parametrize("state", HOSTILE_STATES)
def test_missing_or_malformed_state_reads_as_blank(state: Any) -> None:
    form = _form({"x": {"type": "string"}, "b": {"type": "boolean"}})

    assert parse_submission(form, state) == ({"b": False}, {})


@pytest.mark.parametrize(
    ("schema", "action"),
    [
        ({"type": "string"}, {"value": 5}),
        ({"type": "integer"}, {"value": 5}),
        ({"type": "string", "format": "date"}, {"selected_date": 20261224}),
        ({"type": "string", "format": "date-time"}, {"selected_date_time": "soon"}),
        ({"type": "string", "format": "date-time"}, {"selected_date_time": 10**30}),
        ({"type": "string", "format": "date-time"}, {"selected_date_time": True}),
        ({"enum": ["a"]}, {"selected_option": {"value": "7"}}),
        ({"enum": ["a"]}, {"selected_option": {"value": "-1"}}),
        ({"enum": ["a"]}, {"selected_option": "0"}),
        ({"type": "array", "items": {"enum": ["a"]}}, {"selected_options": ["0"]}),
        ({"type": "array", "items": {"enum": ["a"]}}, {"selected_options": {"value": "0"}}),
        ({"type": "boolean"}, {"selected_options": "true"}),
    ],
)
def test_wrongly_typed_state_never_crashes(schema: dict[str, Any], action: Any) -> None:
    form = _form({"x": schema})

    values, errors = parse_submission(form, _state(x=action))

    assert "x" not in values or values["x"] is False
    assert set(errors) <= {"/x"}
