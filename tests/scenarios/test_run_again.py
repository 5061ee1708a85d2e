"""Run again from a status message, and a run MarketCore forgets while it is followed."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from bot.messages import RUN_AGAIN_ACTION_ID
from bot.simulator_data import REVENUE_REPORT_ID, VENDOR_PAYOUT
from tests.scenarios import slack_requests
from tests.scenarios.harness import (
    CHANNEL,
    SIGNING_SECRET,
    World,
    chosen,
    element_of,
    message_text,
    running_world,
    top_level_messages,
    typed,
    wait_until,
)
from tests.scenarios.test_access import _policy
from tests.scenarios.test_runs import ACTION, revenue_values

VENDOR_ID = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"
BANK_TOKEN = "bank-token-never-kept-4d9a"


def _run_again_button(world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first status message, and its Run again button."""
    (message,) = top_level_messages(world.slack)
    buttons = [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == RUN_AGAIN_ACTION_ID
    ]
    assert len(buttons) == 1
    return message, buttons[0]


async def _press_run_again(world: World, *, user_id: str = "U123") -> str:
    """Press Run again on the status message; returns the trigger id the press carried."""
    message, button = _run_again_button(world)
    trigger_id = world.slack.issue_trigger_id()
    response = await world.press(
        message, "run_actions", button, user_id=user_id, trigger_id=trigger_id
    )
    assert response.status == 200
    return trigger_id


async def _finished_revenue_run(world: World) -> dict[str, Any]:
    await world.command("Revenue report")
    form = await world.wait_for_form()
    await world.submit(form, revenue_values(form))
    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
    return form


async def test_run_again_opens_the_form_prefilled_and_dispatches_the_same_values(
    world: World,
) -> None:
    await _finished_revenue_run(world)
    world.slack.views.clear()

    trigger_id = await _press_run_again(world)
    form = await world.wait_for_view(
        lambda view: view.get("callback_id") == "run_workflow" and "/region" in str(view)
    )

    (opened,) = world.slack.calls_to("views.open")[1:]
    assert opened.args["trigger_id"] == trigger_id
    assert element_of(form, "/region")["initial_option"]["text"]["text"] == "EMEA"
    assert element_of(form, "/start_date")["initial_date"] == "2026-10-01"
    assert "earlier run" in str(form["blocks"])

    values = revenue_values(form)
    await world.submit(form, values)
    await wait_until(lambda: len(world.runs_dispatched()) == 2)
    first, second = world.runs_dispatched()
    assert second == first
    assert second["workflow_id"] == REVENUE_REPORT_ID
    await world.slack.wait_for(lambda: len(world.posts()) == 2)
    assert world.posts()[1].args["channel"] == CHANNEL
    assert world.slack.problems == []


async def test_run_again_is_refused_plainly_to_whom_the_policy_refuses(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    async with running_world(tmp_path / "bot.db", policy_file=policy) as world:
        await world.command("Revenue report", user_id="U_ANA", channel_id="C_FIN")
        form = await world.wait_for_form()
        await world.submit(form, revenue_values(form), user_id="U_ANA")
        await world.slack.wait_for(lambda: bool(world.posts()), timeout=10)
        world.slack.views.clear()

        await _press_run_again(world, user_id="U_BOB")
        view = await world.wait_for_view(lambda view: "permission" in str(view["blocks"]))

        assert "You don't have permission to run this workflow here." in str(view["blocks"])
        assert len(world.runs_dispatched()) == 1
        assert world.slack.problems == []


async def test_secrets_are_never_kept_and_constants_are_sent_again(
    world: World, tmp_path: Path
) -> None:
    world.simulator.workflows[VENDOR_PAYOUT.id] = VENDOR_PAYOUT
    await world.command("Vendor payout")
    form = await world.wait_for_form()
    values = {
        "/vendor_id": {ACTION: typed(form, "/vendor_id", VENDOR_ID)},
        "/amount/value": {ACTION: typed(form, "/amount/value", "120.5")},
        "/amount/currency": {ACTION: chosen(form, "/amount/currency", "Euro")},
        "/bank_token": {ACTION: typed(form, "/bank_token", BANK_TOKEN)},
        "/payout/iban": {ACTION: typed(form, "/payout/iban", "DE89370400440532013000")},
    }
    await world.submit(form, values)
    await world.slack.wait_for(lambda: bool(world.posts()), timeout=10)
    assert world.runs_dispatched()[0]["input_values"]["bank_token"] == BANK_TOKEN

    with sqlite3.connect(tmp_path / "bot.db") as db:
        (stored,) = db.execute("SELECT input_values_json FROM runs").fetchone()
    assert BANK_TOKEN not in stored
    assert VENDOR_ID in stored

    world.slack.views.clear()
    await _press_run_again(world)
    again = await world.wait_for_view(lambda view: "/bank_token" in str(view))
    assert "initial_value" not in element_of(again, "/bank_token")
    assert element_of(again, "/vendor_id")["initial_value"] == VENDOR_ID
    assert "Secret inputs" in str(again["blocks"])

    values["/bank_token"] = {ACTION: typed(again, "/bank_token", "a-new-token")}
    await world.submit(again, values)
    await wait_until(lambda: len(world.runs_dispatched()) == 2)
    sent = world.runs_dispatched()[1]["input_values"]
    assert sent["bank_token"] == "a-new-token"
    assert (sent["source"], sent["ledger"]) == ("slack", "AP-EU")
    assert world.slack.problems == []


async def test_a_run_marketcore_forgets_ends_tracking_with_one_explaining_edit(
    tmp_path: Path,
) -> None:
    async with running_world(tmp_path / "bot.db", run_seconds=60.0) as world:
        await world.command("Revenue report")
        form = await world.wait_for_form()
        await world.submit(form, revenue_values(form))
        await world.slack.wait_for(lambda: bool(world.posts()), timeout=10)

        run_id = _run_again_button(world)[1]["value"]
        world.simulator.forget_run(run_id)
        await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
        polls_then = _polls(world)
        await asyncio.sleep(1.5)  # several poll intervals: nothing more may happen

        (update,) = world.updates()
        assert "no longer knows this run" in message_text(update)
        assert "Run again" in message_text(update)
        assert _polls(world) == polls_then
        assert world.slack.problems == []


def _polls(world: World) -> int:
    return sum(1 for tool, _ in world.simulator.calls if tool == "get_workflow_run")


async def test_run_again_on_a_run_the_bot_does_not_know_explains_instead_of_a_form(
    world: World,
) -> None:
    action = {"type": "button", "action_id": RUN_AGAIN_ACTION_ID, "value": "no-such-run"}
    request = slack_requests.block_actions(
        SIGNING_SECRET,
        view=None,
        action=action,
        channel_id=CHANNEL,
        message_ts="1700000000.000100",
        trigger_id=world.slack.issue_trigger_id(),
        response_url=world.slack.response_url(world.slack_url),
    )
    assert (await world.send(request)).status == 200

    view = await world.wait_for_view(lambda view: "remember that run" in str(view["blocks"]))
    assert "/run-workflow" in str(view["blocks"])
    assert world.runs_dispatched() == []
    assert world.slack.problems == []
