"""`pattern` checks run in linear time and refuse what they cannot run safely."""

from __future__ import annotations

import time

import pytest

from bot.form_regex import UncheckablePattern, pattern_matches, pattern_problem


def test_catastrophic_backtracking_pattern_answers_at_once() -> None:
    started = time.perf_counter()

    matched = pattern_matches("^(a+)+$", "a" * 100_000 + "!")

    assert not matched
    assert time.perf_counter() - started < 0.1


def test_pattern_is_searched_anywhere_in_the_text() -> None:
    assert pattern_matches("b", "abc")
    assert not pattern_matches("^b", "abc")


@pytest.mark.parametrize("pattern", ["(?=a)b", "(?<!a)b", r"(a)\1", "x" * 1001, r"\w{500}\w{500}"])
def test_patterns_that_cannot_run_safely_are_refused(pattern: str) -> None:
    assert pattern_problem(pattern)
    with pytest.raises(UncheckablePattern):
        pattern_matches(pattern, "text")


def test_ordinary_pattern_has_no_problem() -> None:
    assert pattern_problem(r"^[A-Z]{2}-\d{3}$") is None
