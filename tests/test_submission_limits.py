from bot.submission_limits import MAX_TEXT_CHARS, oversized


def _text(value: str) -> dict[str, dict[str, str]]:
    return {"value": {"type": "plain_text_input", "value": value}}


def test_ordinary_submissions_pass() -> None:
    assert oversized({"/a": _text("hello")}, "/a") == {}


def test_a_text_past_the_cap_is_flagged_on_its_own_block() -> None:
    state = {"/a": _text("ok"), "/b": _text("x" * (MAX_TEXT_CHARS + 1))}
    assert oversized(state, "/a") == {"/b": "Enter at most 10,000 characters."}


def test_a_huge_submission_is_flagged_on_the_first_block() -> None:
    state = {f"/f{i}": _text("y" * 9_000) for i in range(20)}
    errors = oversized(state, "/f0")
    assert list(errors) == ["/f0"]
    assert "too large" in errors["/f0"]


def test_malformed_state_is_tolerated() -> None:
    assert oversized({"/a": "nonsense", "/b": {"value": 5}}, "/a") == {}
