"""The form layer end to end, through its public API: schema → blocks → Slack state → values."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.views import View

from bot.forms import (
    ACTION_ID,
    BRANCH_ACTION_ID,
    Field,
    FormSchema,
    Kind,
    build_form_blocks,
    parse_submission,
    prepare_schema,
    summarize_inputs,
    validate_inputs,
)

EVERY_ELEMENT: dict[str, Any] = {
    "type": "object",
    "required": ["name", "count", "region", "target"],
    "properties": {
        "name": {"type": "string", "maxLength": 40},
        "notes": {"type": "string", "maxLength": 2000},
        "contact": {"type": "string", "format": "email"},
        "site": {"type": "string", "format": "uri"},
        "start_date": {"type": "string", "format": "date"},
        "run_at": {"type": "string", "format": "date-time"},
        "count": {"type": "integer", "minimum": 1, "maximum": 10},
        "ratio": {"type": "number"},
        "dry_run": {"type": "boolean"},
        "region": {"enum": ["eu", "us", "apac"]},
        "tier": {"enum": [1, 2, 3, 4, 5, 6, 7]},
        "flag": {"enum": [True, False, None]},
        "channels": {"type": "array", "items": {"enum": ["email", "sms"]}},
        "markets": {"type": "array", "items": {"enum": [f"m{i}" for i in range(12)]}},
        "keywords": {"type": "array", "items": {"type": "string"}},
        "weights": {"type": "array", "items": {"type": "number"}},
        "target": {
            "type": "object",
            "required": ["market"],
            "properties": {"market": {"type": "string"}, "budget": {"type": "integer"}},
        },
        "source": {"const": "slack"},
    },
}

FILLED_IN: dict[str, Any] = {
    "name": "Spring launch",
    "notes": "line one\nline two",
    "contact": "ops@example.com",
    "site": "https://example.com/launch",
    "start_date": "2026-03-01",
    "run_at": "2026-12-24T10:00:00Z",
    "count": 7,
    "ratio": 0.25,
    "dry_run": True,
    "region": "apac",
    "tier": 6,
    "flag": False,
    "channels": ["sms", "email"],
    "markets": ["m3", "m11"],
    "keywords": ["alpha", "beta gamma"],
    "weights": [1.0, 2.5],
    "target": {"market": "FR", "budget": 1000},
    "source": "slack",
}


def slack_state(
    form: FormSchema, values: dict[str, Any], choices: dict[tuple[str, ...], int] | None = None
) -> dict[str, Any]:
    """view["state"]["values"] as Slack sends it when a person has entered `values`,
    having picked the alternatives `choices` of each oneOf/anyOf."""
    state: dict[str, Any] = {}
    for path, index in (choices or {}).items():
        option = {"text": {"type": "plain_text", "text": "x"}, "value": str(index)}
        state[form.selectors[path].block_id] = {BRANCH_ACTION_ID: {"selected_option": option}}
    for field in form.chosen(choices or {}).fields:
        if field.has_input:
            found, value = _lookup(values, field.path)
            state[field.block_id] = {ACTION_ID: _action(field, value if found else None)}
    return state


def _lookup(values: dict[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = values
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return False, None
        node = node[name]
    return True, node


def _option(field: Field, value: Any) -> dict[str, Any]:
    index = field.choice_index(value)
    assert index is not None
    return {"text": {"type": "plain_text", "text": field.choice_labels[index]}, "value": str(index)}


def _action(field: Field, value: Any) -> dict[str, Any]:
    if field.kind is Kind.BOOLEAN:
        ticked = [{"text": {"type": "plain_text", "text": "Yes"}, "value": "true"}]
        return {"type": "checkboxes", "selected_options": ticked if value else []}
    if field.kind is Kind.CHOICE:
        chosen = None if value is None else _option(field, value)
        return {"type": "static_select", "selected_option": chosen}
    if field.kind is Kind.CHOICES:
        return {
            "type": "multi_static_select",
            "selected_options": [_option(field, v) for v in value or []],
        }
    if field.kind is Kind.DATE:
        return {"type": "datepicker", "selected_date": value}
    if field.kind is Kind.DATE_TIME:
        seconds = None if value is None else int(datetime.fromisoformat(value).timestamp())
        return {"type": "datetimepicker", "selected_date_time": seconds}
    if field.kind is Kind.TIME:
        return {"type": "timepicker", "selected_time": None if value is None else value[:5]}
    if field.kind is Kind.PICKER and field.multiple:
        return {"type": "multi_channels_select", "selected_channels": value}
    if field.kind is Kind.PICKER:
        return {"type": "users_select", "selected_user": value}
    if field.kind is Kind.JSON:
        return {"type": "plain_text_input", "value": None if value is None else json.dumps(value)}
    if field.kind is Kind.LINES:
        text = None if value is None else "\n".join(str(item) for item in value)
        return {"type": "plain_text_input", "value": text}
    if field.kind in (Kind.INTEGER, Kind.NUMBER):
        return {"type": "number_input", "value": None if value is None else str(value)}
    return {"type": "plain_text_input", "value": value}


def _modal(blocks: list[Any]) -> dict[str, Any]:
    return View(type="modal", title="Run workflow", blocks=blocks).to_dict()


def test_every_element_round_trips_to_exactly_typed_values() -> None:
    form = prepare_schema(EVERY_ELEMENT)

    values, errors = parse_submission(form, slack_state(form, FILLED_IN))

    assert errors == {}
    assert values == FILLED_IN
    assert type(values["ratio"]) is float
    assert type(values["count"]) is int
    assert validate_inputs(form, values) == {}


def test_every_element_view_passes_slack_sdk_validation() -> None:
    blocks = build_form_blocks(prepare_schema(EVERY_ELEMENT))

    view = _modal(blocks)

    assert len(view["blocks"]) == len(blocks) <= 98


def test_blank_submission_leaves_out_optional_inputs_and_sends_false_for_the_box() -> None:
    form = prepare_schema(EVERY_ELEMENT)

    values, errors = parse_submission(form, slack_state(form, {}))

    assert errors == {}
    assert values == {"dry_run": False, "target": {}, "source": "slack"}


def test_required_errors_land_on_the_missing_fields_blocks() -> None:
    form = prepare_schema(EVERY_ELEMENT)
    values, _ = parse_submission(form, slack_state(form, {"name": "x"}))

    errors = validate_inputs(form, values)

    assert errors == {
        "/count": "This field is required.",
        "/region": "This field is required.",
        "/target/market": "This field is required.",
    }


def test_nested_properties_have_json_pointer_block_ids() -> None:
    blocks = build_form_blocks(prepare_schema(EVERY_ELEMENT))

    block_ids = [block.block_id for block in blocks]

    assert "/target" in block_ids  # the header
    assert {"/target/market", "/target/budget"} <= set(block_ids)


def test_property_named_with_slash_and_tilde_round_trips_under_an_escaped_pointer() -> None:
    form = prepare_schema(
        {"type": "object", "required": ["a/b~c"], "properties": {"a/b~c": {"type": "string"}}}
    )

    block = build_form_blocks(form)[0]
    values, errors = parse_submission(form, {"/a~1b~0c": {ACTION_ID: {"value": "hi"}}})

    assert block.block_id == "/a~1b~0c"
    assert (values, errors) == ({"a/b~c": "hi"}, {})
    assert validate_inputs(form, {}) == {"/a~1b~0c": "This field is required."}


def test_very_long_property_name_gets_a_short_stable_block_id_that_round_trips() -> None:
    name = "n" * 300
    schema = {"type": "object", "required": [name], "properties": {name: {"type": "integer"}}}
    form = prepare_schema(schema)

    block_id = build_form_blocks(form)[0].block_id
    assert block_id is not None
    values, errors = parse_submission(form, {block_id: {ACTION_ID: {"value": "4"}}})

    assert len(block_id) <= 255
    assert block_id == build_form_blocks(prepare_schema(schema))[0].block_id
    assert (values, errors) == ({name: 4}, {})
    assert validate_inputs(form, {name: "four"}) == {block_id: "Enter a whole number."}
    assert validate_inputs(form, {}) == {block_id: "This field is required."}


def test_errors_are_only_keyed_by_block_ids_of_input_blocks() -> None:
    form = prepare_schema(EVERY_ELEMENT)
    input_block_ids = {block.block_id for block in build_form_blocks(form) if block.type == "input"}
    wrong = {"name": 5, "count": 99, "tier": 0, "target": 3, "source": "cli", "extra": 1}

    errors = validate_inputs(form, wrong)

    assert errors
    assert set(errors) <= input_block_ids


def test_summary_masks_secrets_and_lists_what_was_given() -> None:
    schema = {
        "type": "object",
        "properties": {"region": {"type": "string"}, "api_token": {"type": "string"}},
    }
    form = prepare_schema(schema)

    summary = summarize_inputs(form, {"region": "eu", "api_token": "xoxb-123"})

    assert summary == [("Region", "eu"), ("Api token", "••••••")]


def test_no_inputs_declared_is_an_empty_form() -> None:
    assert prepare_schema(None).is_empty
    assert prepare_schema({}).is_empty
    assert prepare_schema({"type": "object", "properties": {}}).is_empty
    assert not prepare_schema(EVERY_ELEMENT).is_empty


# A property test: any simple flat schema, any instance of it, survives the trip.

_names = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
_words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
    min_size=1,
    max_size=30,
)
_scalars = st.one_of(
    st.integers(-1000, 1000), st.booleans(), _words, st.floats(-1e6, 1e6, allow_nan=False)
)


_RICHER: dict[str, tuple[dict[str, Any], st.SearchStrategy[Any]]] = {
    "time": (
        {"type": "string", "format": "time"},
        st.times().map(lambda moment: moment.strftime("%H:%M:00Z")),
    ),
    "uuid": ({"type": "string", "format": "uuid"}, st.uuids().map(str)),
    "user": (
        {"type": "string", "x-slack": {"picker": "users"}},
        st.from_regex(r"U[A-Z0-9]{8}", fullmatch=True),
    ),
    "channels": (
        {"type": "array", "items": {"type": "string"}, "x-slack": {"picker": "channels"}},
        st.lists(st.from_regex(r"C[A-Z0-9]{8}", fullmatch=True), min_size=1, unique=True),
    ),
    "rows": (
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
            },
        },
        st.lists(st.fixed_dictionaries({"sku": _words, "qty": st.integers(-9, 9)}), min_size=1),
    ),
    "huge": ({"type": "integer", "minimum": 10**18}, st.integers(10**18, 10**24)),
    "nullable": ({"type": ["integer", "null"]}, st.integers(-50, 50)),
    "many": (
        {"enum": [f"v{number}" for number in range(150)]},
        st.sampled_from([f"v{number}" for number in range(150)]),
    ),
    "labelled": (
        {"oneOf": [{"const": 1, "title": "One"}, {"const": True, "title": "Yes"}]},
        st.sampled_from([1, True]),
    ),
}


@st.composite
def _property(draw: st.DrawFn) -> tuple[dict[str, Any], st.SearchStrategy[Any]]:
    kinds = ["string", "integer", "number", "boolean", "enum", "tags", "date", *_RICHER]
    kind = draw(st.sampled_from(kinds))
    if kind in _RICHER:
        return _RICHER[kind]
    if kind == "enum":
        choices = draw(st.lists(_scalars, min_size=1, max_size=8, unique_by=repr))
        return {"enum": choices}, st.sampled_from(choices)
    if kind == "tags":
        return {"type": "array", "items": {"type": "string"}}, st.lists(_words, min_size=1)
    if kind == "date":
        return {"type": "string", "format": "date"}, st.dates().map(str)
    return {"type": kind}, {
        "string": _words,
        "integer": st.integers(-(10**12), 10**12),
        "number": st.floats(-1e9, 1e9, allow_nan=False).map(float),
        "boolean": st.booleans(),
    }[kind]


@st.composite
def _schema_and_instance(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    names = draw(st.lists(_names, min_size=1, max_size=8, unique=True))
    properties, instance = {}, {}
    for name in names:
        schema, values = draw(_property())
        properties[name] = schema
        # A checkbox always sends a value; any other input may be left blank.
        if schema.get("type") == "boolean" or draw(st.booleans()):
            instance[name] = draw(values)
    return {"type": "object", "properties": properties}, instance


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schema_and_instance())
def test_any_flat_schema_and_instance_survive_the_round_trip(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    schema, instance = case
    form = prepare_schema(schema)
    _modal(build_form_blocks(form))

    values, errors = parse_submission(form, slack_state(form, instance))

    assert errors == {}
    assert _same_json(values, instance)
    assert validate_inputs(form, values) == {}


def _same_json(left: Any, right: Any) -> bool:
    # `True == 1` in Python; JSON tells them apart, and so must the round trip.
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same_json(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same_json, left, right))
    return type(left) is type(right) and left == right


@st.composite
def _alternatives_and_instance(
    draw: st.DrawFn,
) -> tuple[dict[str, Any], dict[str, Any], dict[tuple[str, ...], int]]:
    # A required oneOf of object shapes, each told apart by a constant, at the root or
    # under a property; the instance fills in one of them.
    count = draw(st.integers(2, 4))
    branches, values = [], []
    for index in range(count):
        fields = {f"f{index}_{n}": draw(_property()) for n in range(draw(st.integers(1, 3)))}
        properties = {"kind": {"const": f"k{index}"}}
        properties.update({name: schema for name, (schema, _) in fields.items()})
        branches.append({"type": "object", "properties": properties, "required": ["kind"]})
        chosen = {name: draw(strategy) for name, (_, strategy) in fields.items()}
        values.append({"kind": f"k{index}", **chosen})

    index = draw(st.integers(0, count - 1))
    if draw(st.booleans()):
        return {"type": "object", "oneOf": branches}, values[index], {(): index}
    schema = {"type": "object", "required": ["pick"], "properties": {"pick": {"oneOf": branches}}}
    return schema, {"pick": values[index]}, {("pick",): index}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_alternatives_and_instance())
def test_any_chosen_alternative_and_its_instance_survive_the_round_trip(
    case: tuple[dict[str, Any], dict[str, Any], dict[tuple[str, ...], int]],
) -> None:
    schema, instance, choices = case
    form = prepare_schema(schema)
    _modal(build_form_blocks(form, choices))

    values, errors = parse_submission(form, slack_state(form, instance, choices))

    assert errors == {}
    assert _same_json(values, instance)
    assert validate_inputs(form, values) == {}


@pytest.mark.parametrize(
    "number",
    [0.1, -3.0, 1e-7, 123456.789],
)
def test_numbers_keep_their_value_through_slacks_text(number: float) -> None:
    form = prepare_schema({"type": "object", "properties": {"x": {"type": "number"}}})

    values, _ = parse_submission(form, {"/x": {ACTION_ID: {"value": str(number)}}})

    assert values == {"x": number}
