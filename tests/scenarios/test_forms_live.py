"""The form while it is open: alternatives swapped in place, long menus searched as typed."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from bot.simulator_data import VENDOR_PAYOUT, SampleWorkflow
from tests.scenarios import slack_requests
from tests.scenarios.harness import SIGNING_SECRET, World, block_ids, chosen, typed

VENDOR_ID = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"


def _with_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    # Slack sends the open view with what the person has entered so far.
    current = copy.deepcopy(view)
    current["state"] = {"values": values}
    return current


def _alternative(view: dict[str, Any], block_id: str, text: str) -> dict[str, Any]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    options = {option["text"]["text"]: option for option in block["element"]["options"]}
    return {"type": block["element"]["type"], "selected_option": options[text]}


async def _choose_alternative(
    world: World, view: dict[str, Any], block_id: str, text: str, values: dict[str, Any]
) -> None:
    picked = _alternative(view, block_id, text)
    values = {**values, block_id: {"branch": picked}}
    action = {"action_id": "branch", "block_id": block_id, **picked}
    request = slack_requests.block_actions(
        SIGNING_SECRET, view=_with_state(view, values), action=action
    )
    response = await world.send(request)
    assert response.status == 200


async def _open_vendor_payout(world: World) -> dict[str, Any]:
    world.simulator.workflows[VENDOR_PAYOUT.id] = VENDOR_PAYOUT
    await world.command("Vendor payout")
    return await world.wait_for_form()


async def test_choosing_another_alternative_swaps_its_fields_in_and_keeps_what_was_typed(
    world: World,
) -> None:
    form = await _open_vendor_payout(world)
    assert "/payout/iban" in block_ids(form)
    entered = {
        "/vendor_id": {"value": typed(form, "/vendor_id", VENDOR_ID)},
        "/approver": {"value": {"type": "users_select", "selected_user": "U0APPROVER"}},
    }

    await _choose_alternative(world, form, "#of/payout", "Check by mail", entered)
    redrawn = await world.wait_for_view(lambda view: "/payout/mail_to" in block_ids(view))

    assert redrawn["id"] == form["id"]
    assert "/payout/iban" not in block_ids(redrawn)
    vendor = next(b for b in redrawn["blocks"] if b.get("block_id") == "/vendor_id")
    assert vendor["element"]["initial_value"] == VENDOR_ID
    approver = next(b for b in redrawn["blocks"] if b.get("block_id") == "/approver")
    assert approver["element"]["initial_user"] == "U0APPROVER"
    selector = next(b for b in redrawn["blocks"] if b.get("block_id") == "#of/payout")
    assert selector["element"]["initial_option"]["text"]["text"] == "Check by mail"
    assert redrawn["blocks"][0] == form["blocks"][0]  # the workflow's name stays on top
    assert world.slack.problems == []


async def test_submitting_the_chosen_alternative_sends_exactly_its_values(world: World) -> None:
    form = await _open_vendor_payout(world)
    entered = {"/vendor_id": {"value": typed(form, "/vendor_id", VENDOR_ID)}}
    await _choose_alternative(world, form, "#of/payout", "Check by mail", entered)
    redrawn = await world.wait_for_view(lambda view: "/payout/mail_to" in block_ids(view))

    values = {
        **entered,
        "/amount/value": {"value": typed(redrawn, "/amount/value", "120.5")},
        "/amount/currency": {"value": chosen(redrawn, "/amount/currency", "Euro")},
        "#of/payout": {"branch": _alternative(redrawn, "#of/payout", "Check by mail")},
        "/payout/mail_to": {"value": typed(redrawn, "/payout/mail_to", "1 Rue de Rivoli")},
        "/approver": {"value": {"type": "users_select", "selected_user": "U0APPROVER"}},
        "/pay_at": {"value": {"type": "timepicker", "selected_time": "09:45"}},
    }
    response = await world.submit(redrawn, values)
    assert response.status == 200
    await world.slack.wait_for(lambda: bool(world.runs_dispatched()), timeout=10)

    assert world.runs_dispatched()[0]["input_values"] == {
        "vendor_id": VENDOR_ID,
        "amount": {"value": 120.5, "currency": "EUR"},
        "pay_at": "09:45:00Z",
        "approver": "U0APPROVER",
        "source": "slack",
        "ledger": "AP-EU",
        "payout": {"method": "check", "mail_to": "1 Rue de Rivoli"},
    }
    assert world.slack.problems == []


async def test_errors_of_the_chosen_alternative_land_on_its_fields(world: World) -> None:
    form = await _open_vendor_payout(world)
    values = {
        "/vendor_id": {"value": typed(form, "/vendor_id", VENDOR_ID)},
        "/amount/value": {"value": typed(form, "/amount/value", "10")},
        "/amount/currency": {"value": chosen(form, "/amount/currency", "Euro")},
        "#of/payout": {"branch": _alternative(form, "#of/payout", "Bank transfer")},
        "/payout/iban": {"value": typed(form, "/payout/iban", "DE89")},
    }

    response = await world.submit(form, values)

    assert json.loads(response.body) == {
        "response_action": "errors",
        "errors": {"/payout/iban": "Enter at least 15 characters."},
    }
    assert world.runs_dispatched() == []


async def test_a_menu_of_more_than_a_hundred_choices_is_searched_as_people_type(
    world: World,
) -> None:
    form = await _open_vendor_payout(world)
    element = next(b for b in form["blocks"] if b.get("block_id") == "/cost_center")["element"]
    assert element["type"] == "external_select"

    request = slack_requests.block_suggestion(
        SIGNING_SECRET, view=form, action_id="value", block_id="/cost_center", value="cc-012"
    )
    response = await world.send(request)

    options = json.loads(response.body)["options"]
    assert [option["text"]["text"] for option in options] == [
        f"CC-012{digit}" for digit in range(10)
    ]
    assert response.at - world.commands_sent[-1] < 10


async def test_a_searched_choice_comes_back_as_its_value(world: World) -> None:
    form = await _open_vendor_payout(world)
    request = slack_requests.block_suggestion(
        SIGNING_SECRET, view=form, action_id="value", block_id="/cost_center", value="0149"
    )
    option = json.loads((await world.send(request)).body)["options"][0]
    values = {
        "/vendor_id": {"value": typed(form, "/vendor_id", VENDOR_ID)},
        "/amount/value": {"value": typed(form, "/amount/value", "10")},
        "/amount/currency": {"value": chosen(form, "/amount/currency", "Euro")},
        "/cost_center": {"value": {"type": "external_select", "selected_option": option}},
        "#of/payout": {"branch": _alternative(form, "#of/payout", "Bank transfer")},
        "/payout/iban": {"value": typed(form, "/payout/iban", "DE89370400440532013000")},
    }

    await world.submit(form, values)
    await world.slack.wait_for(lambda: bool(world.runs_dispatched()), timeout=10)

    assert world.runs_dispatched()[0]["input_values"]["cost_center"] == "CC-0149"


async def test_an_empty_search_offers_the_first_hundred_choices(world: World) -> None:
    form = await _open_vendor_payout(world)
    request = slack_requests.block_suggestion(
        SIGNING_SECRET, view=form, action_id="value", block_id="/cost_center", value=""
    )

    options = json.loads((await world.send(request)).body)["options"]

    assert len(options) == 100
    assert options[0]["text"]["text"] == "CC-0001"


_DEEP: dict[str, Any] = {"type": "string"}
for _ in range(45):
    _DEEP = {"type": "object", "properties": {"x": _DEEP}}

HOSTILE: dict[str, dict[str, Any]] = {
    "remote ref": {"type": "object", "properties": {"x": {"$ref": "https://evil.example/s"}}},
    "ref loop": {"type": "object", "properties": {"x": {"$ref": "#"}}},
    "backtracking pattern": {
        "type": "object",
        "properties": {"x": {"type": "string", "pattern": "^(a+)+\\1$"}},
    },
    "deep nesting": _DEEP,
    "huge enum": {"type": "object", "properties": {"x": {"enum": list(range(5000))}}},
    "too many blocks": {
        "type": "object",
        "properties": {f"f{n}": {"type": "string"} for n in range(120)},
    },
}


async def test_hostile_schemas_are_refused_in_words_at_once_and_the_bot_stays_healthy(
    world: World,
) -> None:
    for number, (name, schema) in enumerate(HOSTILE.items()):
        workflow = SampleWorkflow(f"hostile-{number}", f"Hostile {name}", "", schema)
        world.simulator.workflows[workflow.id] = workflow
        sent = time.monotonic()

        await world.command(workflow.id)
        shown = await world.wait_for_view(
            lambda view, wanted=workflow.name: wanted in json.dumps(view)
        )

        text = json.dumps(shown)
        assert "inputs can't be shown in Slack" in text, name
        assert f"/workflows/{workflow.id}" in text, name
        assert time.monotonic() - sent < 3.0, name

    async with world.http.get(f"{world.bot_url}/healthz") as response:
        assert response.status == 200
    assert world.slack.problems == []
