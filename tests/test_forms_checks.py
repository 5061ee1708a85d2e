"""Inputs checked as they are typed: the problem under the input, gone once it is fixed."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View

from bot.form_checks import checked_form_view, field_problem
from bot.form_live import redrawn_form_view
from bot.form_notes import MAX_VIEW_BLOCKS, note_block_id
from bot.forms import (
    ACTION_ID,
    BRANCH_ACTION_ID,
    build_form_blocks,
    parse_submission,
    validate_inputs,
)
from bot.forms import prepare_schema as prepare
from bot.playground.blockkit_checks import check_view

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["audience", "budget"],
    "properties": {
        "audience": {"type": "string", "title": "Audience", "minLength": 3},
        "budget": {"type": "number", "title": "Budget", "minimum": 0},
        "code": {"type": "string", "title": "Code", "pattern": "^[A-Z]+$"},
        "contact": {"type": "string", "format": "email", "title": "Contact"},
        "throttle": {
            "type": "object",
            "properties": {
                "per_minute": {"type": "integer", "minimum": 1},
                "burst": {"type": "integer", "minimum": 0},
            },
            "required": ["per_minute"],
        },
        "notes": {"type": "string", "maxLength": 3000},
        "dry_run": {"type": "boolean"},
    },
}
FORM = prepare(SCHEMA)


def _typed(**values: str) -> dict[str, Any]:
    # Keys are block ids without their leading "/" ("throttle__burst" for /throttle/burst).
    return {
        "/" + name.replace("__", "/"): {ACTION_ID: {"type": "plain_text_input", "value": value}}
        for name, value in values.items()
    }


def _open_view(state: dict[str, Any], blocks: list[Any] | None = None) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id="run_workflow",
        title="Run",
        submit="Run",
        blocks=blocks if blocks is not None else build_form_blocks(FORM),
    ).to_dict()
    view["id"], view["hash"], view["state"] = "V1", "1.abc", {"values": state}
    return view


def _ids(view: dict[str, Any]) -> list[str]:
    return [str(block.get("block_id")) for block in view["blocks"]]


def _note(view: dict[str, Any], block_id: str) -> str | None:
    for block in view["blocks"]:
        if block.get("block_id") == note_block_id(block_id):
            return str(block["elements"][0]["text"])
    return None


def _checked(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    redrawn = checked_form_view(view, FORM, block_id)
    assert redrawn is not None
    checked = redrawn.to_dict()
    assert check_view(checked) == []  # what stand-in Slack (and Slack) would accept
    checked["state"] = view["state"]
    return checked


def test_a_number_below_its_minimum_gets_the_submission_message() -> None:
    assert field_problem(FORM, _typed(budget="-5"), "/budget") == "Enter 0 or more."


def test_a_value_that_is_not_a_number_gets_the_conversion_message() -> None:
    assert field_problem(FORM, _typed(budget="ten"), "/budget") == "Enter a number."


def test_other_empty_required_fields_do_not_count_against_the_one_entered() -> None:
    assert field_problem(FORM, _typed(budget="10"), "/budget") is None
    assert field_problem(FORM, _typed(throttle__burst="2"), "/throttle/burst") is None


def test_other_wrong_fields_do_not_count_against_the_one_entered() -> None:
    state = {**_typed(audience="x", code="abc", budget="ten"), **_typed(contact="a@b.co")}

    assert field_problem(FORM, state, "/contact") is None
    assert field_problem(FORM, state, "/code") == "Enter a value in the expected format."


def test_each_problem_reads_as_the_submission_puts_it() -> None:
    state = _typed(audience="ab", budget="-5", code="abc", contact="nope", throttle__burst="-1")
    values, _ = parse_submission(FORM, state)
    on_submit = validate_inputs(FORM, values)

    for block_id in ("/audience", "/budget", "/code", "/contact", "/throttle/burst"):
        assert field_problem(FORM, state, block_id) == on_submit[block_id], block_id


def test_an_entered_field_left_empty_says_it_is_required() -> None:
    assert field_problem(FORM, _typed(audience=""), "/audience") == "This field is required."


def test_inputs_not_checked_as_typed_have_no_problem_to_show() -> None:
    assert field_problem(FORM, _typed(notes="x" * 4000), "/notes") is None
    assert field_problem(FORM, {}, "/dry_run") is None
    assert field_problem(FORM, {}, "/nowhere") is None


def test_a_bad_number_is_shown_right_under_its_input() -> None:
    view = _open_view(_typed(audience="Everyone", budget="-5"))

    checked = _checked(view, "/budget")

    ids = _ids(checked)
    assert ids[ids.index("/budget") + 1] == "/budget~error"
    assert _note(checked, "/budget") == ":warning: Enter 0 or more."
    assert checked["blocks"][ids.index("/budget") + 1]["type"] == "context"


def test_other_blocks_are_unchanged_and_keep_what_was_typed() -> None:
    view = _open_view(_typed(audience="Everyone", budget="-5"))

    checked = _checked(view, "/budget")

    without_note = [b for b in checked["blocks"] if b["block_id"] != "/budget~error"]
    assert [b["block_id"] for b in without_note] == _ids(view)
    audience = without_note[0]
    assert audience["element"]["initial_value"] == "Everyone"
    assert audience["element"]["action_id"] == ACTION_ID
    for before, after in zip(view["blocks"], without_note, strict=True):
        assert (before["type"], before.get("element", {}).get("action_id")) == (
            after["type"],
            after.get("element", {}).get("action_id"),
        )


def test_a_fixed_value_takes_its_note_away() -> None:
    shown = _checked(_open_view(_typed(budget="-5")), "/budget")
    shown["state"] = {"values": _typed(budget="10")}

    fixed = _checked(shown, "/budget")

    assert "/budget~error" not in _ids(fixed)
    assert _ids(fixed) == _ids(_open_view({}))


def test_a_changed_problem_replaces_the_note_rather_than_adding_one() -> None:
    shown = _checked(_open_view(_typed(budget="-5")), "/budget")
    shown["state"] = {"values": _typed(budget="ten")}

    changed = _checked(shown, "/budget")

    assert _ids(changed).count("/budget~error") == 1
    assert _note(changed, "/budget") == ":warning: Enter a number."


def test_the_notes_of_other_inputs_stay_until_those_are_fixed() -> None:
    first = _checked(_open_view(_typed(budget="-5", audience="ab")), "/budget")
    both = _checked(first, "/audience")
    both["state"] = {"values": _typed(budget="-5", audience="abc")}

    one_left = _checked(both, "/audience")

    assert _note(both, "/audience") == ":warning: Enter at least 3 characters."
    assert _note(one_left, "/audience") is None
    assert _note(one_left, "/budget") == ":warning: Enter 0 or more."


def test_nothing_is_redrawn_when_nothing_would_change() -> None:
    assert checked_form_view(_open_view(_typed(budget="10")), FORM, "/budget") is None
    shown = _checked(_open_view(_typed(budget="-5")), "/budget")

    assert checked_form_view(shown, FORM, "/budget") is None
    assert checked_form_view(shown, FORM, "/notes") is None


def test_the_submission_reads_a_form_with_notes_as_it_reads_the_form() -> None:
    state = _typed(audience="Everyone", budget="-5")
    shown = _checked(_open_view(state), "/budget")

    assert parse_submission(FORM, shown["state"]["values"]) == parse_submission(FORM, state)


def test_choosing_an_alternative_keeps_the_notes_already_shown() -> None:
    shown = _checked(_open_view(_typed(budget="-5")), "/budget")

    redrawn = redrawn_form_view(shown, FORM).to_dict()

    assert _note(redrawn, "/budget") == ":warning: Enter 0 or more."


def test_the_blocks_above_the_form_stay_on_top() -> None:
    heading = {"type": "section", "text": {"type": "mrkdwn", "text": "*Campaign*"}}
    blocks = [heading, *(b.to_dict() for b in build_form_blocks(FORM))]
    view = _open_view(_typed(budget="-5"), blocks)

    checked = _checked(view, "/budget")

    assert checked["blocks"][0]["text"] == heading["text"]


def test_a_note_that_would_pass_slacks_block_limit_is_left_out() -> None:
    schema = {
        "type": "object",
        "properties": {f"n{i:02}": {"type": "integer", "minimum": 0} for i in range(98)},
    }
    form = prepare(schema)
    heading = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{i}*"}} for i in (1, 2)]
    view = _open_view(_typed(n05="-1"), [*heading, *build_form_blocks(form)])

    assert field_problem(form, view["state"]["values"], "/n05") == "Enter 0 or more."
    checked = checked_form_view(view, form, "/n05")

    assert checked is not None
    assert len(checked.to_dict()["blocks"]) == MAX_VIEW_BLOCKS


def test_a_note_block_id_stays_within_slacks_limit_and_apart_from_inputs() -> None:
    long_id = "/" + "a" * 254

    assert len(note_block_id(long_id)) <= 255
    assert note_block_id(long_id) != note_block_id("/" + "a" * 253)
    assert note_block_id("/budget") == "/budget~error"


def test_an_input_of_the_alternative_shown_is_checked() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pay": {
                "oneOf": [
                    {
                        "title": "Card",
                        "type": "object",
                        "properties": {"cvc": {"type": "integer"}},
                        "required": ["cvc"],
                    },
                    {
                        "title": "Bank",
                        "type": "object",
                        "properties": {"iban": {"type": "string", "minLength": 15}},
                        "required": ["iban"],
                    },
                ]
            }
        },
    }
    form = prepare(schema)
    bank = {"#of/pay": {BRANCH_ACTION_ID: {"selected_option": {"value": "1"}}}}

    state = {**bank, **_typed(pay__iban="DE89")}

    assert field_problem(form, state, "/pay/iban") == "Enter at least 15 characters."
    assert field_problem(form, state, "/pay/cvc") is None  # not on the form as shown
