"""Inputs checked as they are typed: Enter in a text or number input shows its problem
right under it (views.update), clears it once fixed, and loses nothing typed elsewhere."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.scenarios import slack_requests
from tests.scenarios.harness import (
    SIGNING_SECRET,
    World,
    block_ids,
    chosen,
    typed,
    wait_until,
)

ACTION = "value"
NOTE = "/budget~error"


async def _open_campaign_send(world: World) -> dict[str, Any]:
    await world.command("Campaign send")
    return await world.wait_for_form()


def _entered(form: dict[str, Any], budget: str) -> dict[str, Any]:
    # What the person has typed so far: an audience, channels, and the budget at hand.
    return {
        "/audience": {ACTION: typed(form, "/audience", "Winter churn risk")},
        "/channels": {ACTION: chosen(form, "/channels", "email", "push")},
        "/budget": {ACTION: typed(form, "/budget", budget)},
    }


async def _press_enter(
    world: World, view: dict[str, Any], block_id: str, values: dict[str, Any]
) -> None:
    # Slack sends the open view, with everything entered so far, and the input's value.
    current = copy.deepcopy(view)
    current["state"] = {"values": values}
    action = {"action_id": ACTION, "block_id": block_id, **values[block_id][ACTION]}
    request = slack_requests.block_actions(SIGNING_SECRET, view=current, action=action)
    response = await world.send(request)
    assert response.status == 200


def _note_text(view: dict[str, Any]) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == NOTE)
    return str(block["elements"][0]["text"])


async def test_text_and_number_inputs_tell_the_app_when_enter_is_pressed(world: World) -> None:
    form = await _open_campaign_send(world)

    blocks = {block.get("block_id"): block for block in form["blocks"]}
    for block_id in ("/audience", "/budget", "/landing_url", "/throttle/per_minute"):
        assert blocks[block_id]["dispatch_action"] is True, block_id
        config = blocks[block_id]["element"]["dispatch_action_config"]
        assert config == {"trigger_actions_on": ["on_enter_pressed"]}, block_id
    for block_id in ("/channels", "/send_at", "/dry_run", "/notes"):
        assert "dispatch_action" not in blocks[block_id], block_id


async def test_a_bad_budget_is_shown_under_it_then_cleared_and_the_form_still_submits(
    world: World,
) -> None:
    form = await _open_campaign_send(world)

    await _press_enter(world, form, "/budget", _entered(form, "-5"))
    flagged = await world.wait_for_view(lambda view: NOTE in block_ids(view))

    assert flagged["id"] == form["id"]
    ids = block_ids(flagged)
    assert ids[ids.index("/budget") + 1] == NOTE
    assert _note_text(flagged) == ":warning: Enter 0 or more."
    assert [i for i in ids if i != NOTE] == block_ids(form)
    audience = next(b for b in flagged["blocks"] if b.get("block_id") == "/audience")
    assert audience["element"]["initial_value"] == "Winter churn risk"

    await _press_enter(world, flagged, "/budget", _entered(flagged, "10"))
    cleared = await world.wait_for_view(
        lambda view: view["hash"] != flagged["hash"] and NOTE not in block_ids(view)
    )
    assert block_ids(cleared) == block_ids(form)

    response = await world.submit(cleared, _entered(cleared, "10"))
    assert response.status == 200
    await wait_until(lambda: bool(world.runs_dispatched()))
    sent = world.runs_dispatched()[0]["input_values"]
    assert sent["audience"] == "Winter churn risk"
    assert sent["channels"] == ["email", "push"]
    assert sent["budget"] == 10
    assert world.slack.problems == []


async def test_the_submission_stays_the_final_word_on_a_form_showing_a_note(
    world: World,
) -> None:
    form = await _open_campaign_send(world)
    await _press_enter(world, form, "/budget", _entered(form, "-5"))
    flagged = await world.wait_for_view(lambda view: NOTE in block_ids(view))

    response = await world.submit(flagged, _entered(flagged, "-5"))

    assert json.loads(response.body) == {
        "response_action": "errors",
        "errors": {"/budget": "Enter 0 or more."},
    }
    assert world.runs_dispatched() == []


async def test_other_empty_required_inputs_are_not_flagged_while_typing(world: World) -> None:
    form = await _open_campaign_send(world)
    values = {"/budget": {ACTION: typed(form, "/budget", "-5")}}

    await _press_enter(world, form, "/budget", values)
    flagged = await world.wait_for_view(lambda view: NOTE in block_ids(view))

    assert [i for i in block_ids(flagged) if i.endswith("~error")] == [NOTE]


async def test_a_view_that_moved_on_is_left_alone(world: World) -> None:
    form = await _open_campaign_send(world)
    await _press_enter(world, form, "/budget", _entered(form, "-5"))
    flagged = await world.wait_for_view(lambda view: NOTE in block_ids(view))
    updates = len(world.slack.calls_to("views.update"))

    # An Enter from the view as it was before the note: its hash is out of date.
    await _press_enter(world, form, "/audience", _entered(form, "-5") | _short_audience(form))
    await world.slack.wait_for(lambda: len(world.slack.calls_to("views.update")) > updates)

    assert world.slack.views[form["id"]]["hash"] == flagged["hash"]
    assert world.slack.problems == []
    async with world.http.get(f"{world.bot_url}/healthz") as health:
        assert health.status == 200


def _short_audience(form: dict[str, Any]) -> dict[str, Any]:
    return {"/audience": {ACTION: typed(form, "/audience", "   ")}}


async def test_an_enter_in_a_form_the_bot_does_not_know_is_ignored(world: World) -> None:
    form = await _open_campaign_send(world)
    unknown = {**form, "id": "V0UNKNOWN"}
    updates = len(world.slack.calls_to("views.update"))

    await _press_enter(world, unknown, "/budget", _entered(form, "-5"))
    await _press_enter(world, form, "/audience", _entered(form, "-5") | _short_audience(form))
    await world.wait_for_view(lambda view: "/audience~error" in block_ids(view))

    assert len(world.slack.calls_to("views.update")) == updates + 1
    assert NOTE not in block_ids(world.slack.views[form["id"]])
