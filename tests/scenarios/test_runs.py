"""Submitting the form: field errors, one dispatch, one status message edited at the end."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from bot.models import RunStatus
from bot.simulator_data import (
    QUARTERLY_CLOSE_ERROR,
    REVENUE_REPORT_ID,
    WAREHOUSE_ERROR,
)
from tests.scenarios import slack_requests
from tests.scenarios.harness import (
    CHANNEL,
    SIGNING_SECRET,
    World,
    chosen,
    message_text,
    typed,
    wait_until,
)

ACTION = "value"


def revenue_values(form: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "/region": {ACTION: chosen(form, "/region", "EMEA")},
        "/quarter": {ACTION: chosen(form, "/quarter", "2026-Q4")},
        "/start_date": {ACTION: {"type": "datepicker", "selected_date": "2026-10-01"}},
        "/end_date": {ACTION: {"type": "datepicker", "selected_date": None}},
        "/include_forecast": {ACTION: {"type": "checkboxes", "selected_options": []}},
        "/recipients": {ACTION: {"type": "email_text_input", "value": None}},
    }


async def open_form(world: World, text: str) -> dict[str, Any]:
    await world.command(text)
    return await world.wait_for_form()


async def test_a_missing_required_field_is_flagged_on_its_block_and_nothing_runs(
    world: World,
) -> None:
    form = await open_form(world, "Revenue report")
    values = revenue_values(form)
    values["/region"] = {ACTION: {"type": "radio_buttons", "selected_option": None}}

    response = await world.submit(form, values)

    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"/region"}
    assert world.runs_dispatched() == []


async def test_a_valid_submission_runs_once_with_typed_values_and_the_message_follows_it(
    world: World,
) -> None:
    form = await open_form(world, "Revenue report")
    response = await world.submit(form, revenue_values(form))
    assert response.status == 200
    assert response.body == ""

    await world.slack.wait_for(lambda: bool(world.posts()))
    assert world.runs_dispatched() == [
        {
            "workflow_id": REVENUE_REPORT_ID,
            "input_values": {
                "region": "EMEA",
                "quarter": "2026-Q4",
                "start_date": "2026-10-01",
                "include_forecast": False,
            },
        }
    ]
    post = world.posts()[0]
    assert post.args["channel"] == CHANNEL
    assert "running" in message_text(post)
    assert "<@U123>" in message_text(post)
    assert "https://app.marketcore.ai/workflows/" in message_text(post)
    assert "EMEA" not in message_text(post)
    await world.slack.wait_for(lambda: bool(world.thread_posts()))
    (reply,) = world.thread_posts()
    assert "EMEA" in message_text(reply)

    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
    ((channel, ts),) = [
        key for key, message in world.slack.messages.items() if message["thread_ts"] is None
    ]
    update = world.updates()[0]
    assert (update.args["channel"], update.args["ts"]) == (channel, ts)
    assert "succeeded" in message_text(update)

    assert len(world.posts()) == 1
    assert len(world.updates()) == 1
    assert world.slack.problems == []


async def test_typed_values_cover_numbers_lists_dates_and_nested_objects(world: World) -> None:
    form = await open_form(world, "Campaign send")
    send_at = int(datetime(2026, 12, 24, 10, 0, tzinfo=UTC).timestamp())
    values = {
        "/audience": {ACTION: typed(form, "/audience", "Winter churn risk")},
        "/channels": {ACTION: chosen(form, "/channels", "email", "push")},
        "/send_at": {ACTION: {"type": "datetimepicker", "selected_date_time": send_at}},
        "/budget": {ACTION: typed(form, "/budget", "1250.5")},
        "/dry_run": {ACTION: {"type": "checkboxes", "selected_options": []}},
        "/notes": {ACTION: typed(form, "/notes", "")},
        "/landing_url": {ACTION: typed(form, "/landing_url", "https://example.com/winter")},
        "/throttle/per_minute": {ACTION: typed(form, "/throttle/per_minute", "30")},
        "/throttle/burst": {ACTION: typed(form, "/throttle/burst", "")},
    }
    await world.submit(form, values)
    await wait_until(lambda: bool(world.runs_dispatched()))

    sent = world.runs_dispatched()[0]["input_values"]
    assert sent == {
        "audience": "Winter churn risk",
        "channels": ["email", "push"],
        "send_at": "2026-12-24T10:00:00Z",
        "budget": 1250.5,
        "dry_run": False,
        "landing_url": "https://example.com/winter",
        "throttle": {"per_minute": 30},
    }
    assert type(sent["throttle"]["per_minute"]) is int


async def test_submitting_the_same_form_twice_dispatches_once(world: World) -> None:
    form = await open_form(world, "Revenue report")
    values = revenue_values(form)
    first = await world.submit(form, values)
    second = await world.submit(form, values)
    assert (first.status, second.status) == (200, 200)

    await world.slack.wait_for(lambda: bool(world.posts()))
    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
    assert len(world.runs_dispatched()) == 1
    assert len(world.posts()) == 1


async def test_failed_at_dispatch_shows_the_reason_and_is_not_tracked(world: World) -> None:
    form = await open_form(world, "Warehouse backfill")
    await world.submit(form, {"/days": {ACTION: typed(form, "/days", "3")}})
    await world.slack.wait_for(lambda: bool(world.posts()))

    text = message_text(world.posts()[0])
    assert "failed" in text
    assert WAREHOUSE_ERROR in text
    await asyncio.sleep(1.0)  # five first-poll intervals: a tracked run would be polled
    assert [tool for tool, _ in world.simulator.calls if tool == "get_workflow_run"] == []
    assert world.updates() == []


async def test_skipped_at_dispatch_says_no_work_was_needed(world: World) -> None:
    form = await open_form(world, "Inventory refresh")
    await world.submit(form, {})
    await world.slack.wait_for(lambda: bool(world.posts()))

    assert "no work was needed" in message_text(world.posts()[0])
    await asyncio.sleep(1.0)
    assert [tool for tool, _ in world.simulator.calls if tool == "get_workflow_run"] == []


async def test_a_run_that_fails_later_has_its_message_edited_with_the_reason(
    world: World,
) -> None:
    form = await open_form(world, "Quarterly close checklist")
    await world.submit(form, {"/quarter": {ACTION: chosen(form, "/quarter", "2026-Q4")}})
    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)

    update = message_text(world.updates()[0])
    assert RunStatus.FAILED.value in update
    assert QUARTERLY_CLOSE_ERROR in update
    assert len(world.posts()) == 1


async def test_a_channel_closed_to_the_bot_gets_the_status_by_direct_message(
    world: World,
) -> None:
    world.slack.not_member_channels.add("C999")
    await world.command("Nightly sync", channel_id="C999")
    form = await world.wait_for_form()
    await world.submit(form, {})

    await world.slack.wait_for(
        lambda: any(call.args["channel"].startswith("D") for call in world.posts())
    )
    direct = next(call for call in world.posts() if call.args["channel"].startswith("D"))
    assert "<#C999>" in message_text(direct)

    await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
    assert world.updates()[0].args["channel"] == direct.args["channel"]


async def test_a_submission_slack_retries_dispatches_once(world: World) -> None:
    form = await open_form(world, "Nightly sync")
    request = slack_requests.view_submission(SIGNING_SECRET, view=form, values={})
    await world.send(request)
    retried = await world.send(
        request, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retried.status == 200

    await world.slack.wait_for(lambda: bool(world.posts()))
    await asyncio.sleep(0.5)
    assert len(world.runs_dispatched()) == 1
    assert len(world.posts()) == 1
