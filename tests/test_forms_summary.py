"""summarize_inputs: what the status message shows of the inputs."""

from __future__ import annotations

from typing import Any

import pytest

from bot.forms import prepare_schema, summarize_inputs


def _summary(properties: dict[str, Any], values: dict[str, Any]) -> list[tuple[str, str]]:
    form = prepare_schema({"type": "object", "properties": properties})
    return summarize_inputs(form, values)


def test_each_provided_input_is_listed_in_form_order_with_its_label() -> None:
    properties = {"region": {"title": "Region"}, "count": {"type": "integer"}, "unused": {}}

    assert _summary(properties, {"count": 3, "region": "eu"}) == [
        ("Region", "eu"),
        ("Count", "3"),
    ]


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("password", {"type": "string"}),
        ("github_token", {"type": "string"}),
        ("api_key", {"type": "string"}),
        ("client_secret", {"type": "string"}),
        ("pin", {"type": "string", "format": "password"}),
        ("pin", {"type": "string", "writeOnly": True}),
    ],
)
def test_secret_values_are_masked(name: str, schema: dict[str, Any]) -> None:
    assert _summary({name: schema}, {name: "hunter2"})[0][1] == "••••••"


def test_long_values_are_shortened_to_about_80_characters_on_one_line() -> None:
    text = _summary({"notes": {}}, {"notes": "word\n" * 100})[0][1]

    assert len(text) == 80
    assert text.endswith("…")
    assert "\n" not in text


def test_values_read_as_people_expect() -> None:
    properties = {
        "live": {"type": "boolean"},
        "ratio": {"type": "number"},
        "region": {"enum": ["eu", "us"], "x-enumNames": ["Europe", "United States"]},
        "channels": {"type": "array", "items": {"enum": ["a", "b"]}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "maybe": {"type": ["string", "null"]},
    }
    values = {
        "live": False,
        "ratio": 2.0,
        "region": "us",
        "channels": ["b", "a"],
        "tags": ["x", "y"],
        "maybe": None,
    }

    assert [text for _, text in _summary(properties, values)] == [
        "No",
        "2",
        "United States",
        "b, a",
        "x, y",
        "—",
    ]


def test_nested_inputs_are_labelled_with_their_objects() -> None:
    properties = {"target": {"type": "object", "properties": {"market": {"type": "string"}}}}

    assert _summary(properties, {"target": {"market": "FR"}}) == [("Target → Market", "FR")]


def test_unexpected_shapes_are_shown_rather_than_crashing() -> None:
    properties = {"n": {"type": "integer"}, "t": {"type": "object", "properties": {"m": {}}}}

    assert _summary(properties, {"n": {"odd": [1]}, "t": "flat"}) == [("N", "odd: 1")]
