"""Words for forms: labels from names, cut lengths, values shown to people."""

from __future__ import annotations

from typing import Any

import pytest

from bot.form_text import choice_text, humanize, number_text, truncate, value_text


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("start_date", "Start date"),
        ("startDate", "Start date"),
        ("max-retries", "Max retries"),
        ("URL", "URL"),
        ("userID", "User ID"),
        ("x", "X"),
        ("__", "__"),
        ("", "Value"),
    ],
)
def test_property_names_become_labels(name: str, label: str) -> None:
    assert humanize(name) == label


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a" * 20, 10) == "a" * 9 + "…"


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (True, "Yes"), (3.0, "3"), (2.5, "2.5"), ("", '""'), ([1, "a"], "1, a")],
)
def test_values_read_as_plain_text(value: Any, text: str) -> None:
    assert value_text(value) == text


def test_choice_text_keeps_json_spelling_of_booleans_and_null() -> None:
    assert [choice_text(v) for v in (True, False, None, "x")] == ["true", "false", "(none)", "x"]


def test_huge_numbers_keep_their_exponent() -> None:
    assert number_text(1e20) == "1e+20"
