"""The token modal and its App Home section, as plain dicts."""

from __future__ import annotations

from bot.home import build_home_view
from bot.playground.blockkit_checks import check_view
from bot.workspace_token_views import (
    SET_TOKEN_ACTION_ID,
    TOKEN_BLOCK_ID,
    TOKEN_CALLBACK_ID,
    TOKEN_INPUT_ACTION_ID,
    build_token_modal,
    build_token_refused_view,
)


def test_the_modal_has_one_empty_text_input_and_a_save_button() -> None:
    modal = build_token_modal().to_dict()

    (field,) = [block for block in modal["blocks"] if block["type"] == "input"]
    assert modal["callback_id"] == TOKEN_CALLBACK_ID
    assert modal["submit"]["text"] == "Save"
    assert field["block_id"] == TOKEN_BLOCK_ID
    assert field["element"]["type"] == "plain_text_input"
    assert field["element"]["action_id"] == TOKEN_INPUT_ACTION_ID
    assert "initial_value" not in field["element"]
    assert check_view(modal) == []


def test_a_refusal_says_why_and_offers_nothing_to_submit() -> None:
    refusal = build_token_refused_view("Only workspace admins can.").to_dict()

    assert "submit" not in refusal
    assert "Only workspace admins can." in str(refusal["blocks"])
    assert check_view(refusal) == []


def test_the_home_shows_the_token_button_only_with_many_workspaces() -> None:
    single = build_home_view([], notify_dm=False).to_dict()
    unset = build_home_view([], notify_dm=False, token_set=False).to_dict()
    set_ = build_home_view([], notify_dm=False, token_set=True).to_dict()

    assert SET_TOKEN_ACTION_ID not in str(single)
    assert SET_TOKEN_ACTION_ID in str(unset)
    assert "No token is set yet." in str(unset)
    assert "A token is set." in str(set_)
    assert check_view(set_) == []
