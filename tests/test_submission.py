from bot.forms import prepare_schema
from bot.submission import read_submission
from bot.submission_limits import MAX_TEXT_CHARS

FORM = prepare_schema(
    {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 20}, "count": {"type": "integer"}},
        "required": ["name"],
    }
)


def _text(value: str | None) -> dict[str, dict[str, str | None]]:
    return {"value": {"type": "plain_text_input", "value": value}}


def test_a_valid_submission_comes_back_typed() -> None:
    state = {"/name": _text("Ana"), "/count": {"value": {"type": "number_input", "value": "3"}}}
    assert read_submission(FORM, state) == ({"name": "Ana", "count": 3}, {})


def test_schema_errors_land_on_their_block() -> None:
    _, errors = read_submission(FORM, {"/name": _text(None)})
    assert list(errors) == ["/name"]


def test_an_oversized_field_is_refused_before_it_is_parsed() -> None:
    values, errors = read_submission(FORM, {"/name": _text("x" * (MAX_TEXT_CHARS + 1))})
    assert values == {}
    assert errors == {"/name": "Enter at most 10,000 characters."}


def test_an_oversized_block_the_form_lacks_is_reported_on_the_first_input() -> None:
    _, errors = read_submission(FORM, {"/forged": _text("x" * (MAX_TEXT_CHARS + 1))})
    assert errors == {"/name": "Enter at most 10,000 characters."}
