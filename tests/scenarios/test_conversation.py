"""Opening the form: the command, the picker, lookup by name and id, and what is refused."""

from __future__ import annotations

import json
import time

from bot.modals import PICKER_BLOCK_ID
from bot.simulator_data import NIGHTLY_SYNC_ID, REVENUE_REPORT_ID
from tests.scenarios import slack_requests
from tests.scenarios.harness import SIGNING_SECRET, World, block_ids, running_world


async def test_health_check_answers_once_ready(world: World) -> None:
    async with world.http.get(f"{world.bot_url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_modal_opens_within_three_seconds_even_when_the_schema_takes_four(
    world: World,
) -> None:
    world.simulator.tool_delays["get_workflow"] = 4.0

    sent = time.monotonic()
    response = await world.command("Revenue report")

    assert response.status == 200
    assert response.at - sent < 3.0
    await world.slack.wait_for(lambda: bool(world.slack.calls_to("views.open")), timeout=3.0)
    assert world.slack.calls_to("views.open")[0].at - sent < 3.0

    form = await world.wait_for_form(timeout=10.0)
    assert "/region" in block_ids(form)
    assert world.slack.calls_to("views.update")[-1].at - sent >= 4.0
    assert world.slack.problems == []


async def test_empty_command_opens_the_picker_and_choosing_shows_the_form(world: World) -> None:
    await world.command("")
    picker = await world.wait_for_view(lambda view: PICKER_BLOCK_ID in block_ids(view))

    select = picker["blocks"][-1]["elements"][0]
    assert select["type"] == "static_select"
    names = [option["text"]["text"] for option in select["options"]]
    assert "Revenue report" in names
    assert "Nightly sync" in names

    await world.pick(picker, REVENUE_REPORT_ID, "Revenue report")
    form = await world.wait_for_form()
    assert form["id"] == picker["id"]
    assert form["title"]["text"] == "Revenue report"
    assert {"/region", "/quarter"} <= set(block_ids(form))
    assert world.slack.problems == []


async def test_a_workspace_with_many_workflows_gets_a_typeahead_picker(tmp_path: object) -> None:
    from pathlib import Path

    async with running_world(Path(str(tmp_path)) / "bot.db", extra_workflows=150) as world:
        await world.command("")
        picker = await world.wait_for_view(lambda view: PICKER_BLOCK_ID in block_ids(view))
        select = picker["blocks"][-1]["elements"][0]
        assert select["type"] == "external_select"

        request = slack_requests.block_suggestion(
            SIGNING_SECRET,
            view=picker,
            action_id=select["action_id"],
            block_id=PICKER_BLOCK_ID,
            value="revenue",
        )
        response = await world.send(request)
        assert response.status == 200
        options = json.loads(response.body)["options"]
        assert [option["value"] for option in options] == [REVENUE_REPORT_ID]


async def test_exact_name_is_found_whatever_its_case(world: World) -> None:
    await world.command("  revenue   REPORT ")
    form = await world.wait_for_form()
    assert form["title"]["text"] == "Revenue report"


async def test_workflow_id_opens_its_form(world: World) -> None:
    await world.command(REVENUE_REPORT_ID)
    form = await world.wait_for_form()
    assert "/region" in block_ids(form)
    assert ("get_workflow", {"workflow_id": REVENUE_REPORT_ID}) in world.simulator.calls


async def test_partial_name_offers_the_matches(world: World) -> None:
    await world.command("sync")
    picker = await world.wait_for_view(lambda view: PICKER_BLOCK_ID in block_ids(view))
    options = picker["blocks"][-1]["elements"][0]["options"]
    assert [option["value"] for option in options] == [NIGHTLY_SYNC_ID]
    assert "“sync”" in picker["blocks"][0]["text"]["text"]


async def test_unknown_workflow_is_answered_by_name(world: World) -> None:
    await world.command("Quarterly moonshot")
    view = await world.wait_for_view(lambda view: "No workflow matches" in str(view["blocks"]))
    assert "“Quarterly moonshot”" in str(view["blocks"])
    assert world.runs_dispatched() == []


async def test_workflow_without_inputs_gets_a_confirmation(world: World) -> None:
    await world.command("Nightly sync")
    form = await world.wait_for_form()
    assert form["submit"]["text"] == "Run"
    assert not [block for block in form["blocks"] if block["type"] == "input"]
    assert "takes no inputs" in str(form["blocks"])


async def test_a_long_workflow_name_is_shortened_in_the_title_and_whole_in_the_body(
    world: World,
) -> None:
    await world.command("Quarterly close checklist")
    form = await world.wait_for_form()
    assert form["title"]["text"] == "Quarterly close checkli…"
    assert "*Quarterly close checklist*" in form["blocks"][0]["text"]["text"]


async def test_a_forged_signature_is_refused_with_no_side_effects(world: World) -> None:
    forged = slack_requests.slash_command(
        "not-the-signing-secret",
        text="Revenue report",
        trigger_id=world.slack.issue_trigger_id(),
        response_url=world.slack.response_url(world.slack_url),
    )
    assert (await world.send(forged)).status == 401

    honest = slack_requests.slash_command(
        SIGNING_SECRET,
        text="Revenue report",
        trigger_id=world.slack.issue_trigger_id(),
        response_url=world.slack.response_url(world.slack_url),
    )
    stale = slack_requests.sign(honest.body, SIGNING_SECRET, timestamp=int(time.time()) - 600)
    assert (await world.send(honest, headers=stale)).status == 401

    assert world.slack.calls_to("views.open") == []
    assert world.simulator.calls == []


async def test_an_expired_trigger_is_answered_through_the_response_url(world: World) -> None:
    world.slack.trigger_ttl = 0.0
    await world.command("Revenue report")
    await world.slack.wait_for(lambda: bool(world.slack.response_url_posts))
    assert "try again" in world.slack.response_url_posts[0]["text"]
