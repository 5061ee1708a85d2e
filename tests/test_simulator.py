"""The MarketCore simulator, served over streamable HTTP and driven by the real client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from jsonschema import Draft202012Validator
from pydantic import SecretStr

from bot.errors import MarketCoreToolError
from bot.marketcore import MarketCore
from bot.models import RunStatus
from bot.simulator import Simulator, SimulatorServer
from bot.simulator_data import (
    CAMPAIGN_SEND_ID,
    INVENTORY_REFRESH_ID,
    NIGHTLY_SYNC_ID,
    QUARTERLY_CLOSE_ERROR,
    QUARTERLY_CLOSE_ID,
    REVENUE_REPORT_ID,
    SAMPLE_WORKFLOWS,
    WAREHOUSE_BACKFILL_ID,
    WAREHOUSE_ERROR,
    generated_workflows,
)

RUN_SECONDS = 0.3
CAMPAIGN_INPUTS: dict[str, Any] = {
    "audience": "Trial users, EU",
    "channels": ["email", "push"],
    "send_at": "2026-12-24T10:00:00Z",
    "budget": 250.5,
    "dry_run": False,
    "landing_url": "https://example.com/winter",
    "throttle": {"per_minute": 120, "burst": 10},
}


@pytest.fixture
def simulator() -> Simulator:
    return Simulator(run_seconds=RUN_SECONDS, extra_workflows=150)


@pytest.fixture
async def marketcore(simulator: Simulator) -> AsyncIterator[MarketCore]:
    async with SimulatorServer(simulator) as server:
        client = MarketCore(server.url, call_timeout=3.0)
        await client.start()
        yield client
        await client.aclose()


def test_sample_workflows_have_distinct_ids_and_valid_input_schemas() -> None:
    workflows = [*SAMPLE_WORKFLOWS, *generated_workflows(3)]

    assert len({workflow.id for workflow in workflows}) == len(workflows)
    for workflow in workflows:
        if workflow.inputs is not None:
            Draft202012Validator.check_schema(workflow.inputs)


def test_generated_workflows_keep_their_ids() -> None:
    assert generated_workflows(2) == generated_workflows(3)[:2]


async def test_list_is_paged_by_limit_and_cursor(marketcore: MarketCore) -> None:
    first = await marketcore.list_workflows()
    assert len(first.workflows) == 100
    assert first.next_cursor is not None

    second = await marketcore.list_workflows(cursor=first.next_cursor)
    assert len(second.workflows) == len(SAMPLE_WORKFLOWS) + 150 - 100
    assert second.next_cursor is None


async def test_list_limit_is_capped_at_two_hundred(marketcore: MarketCore) -> None:
    page = await marketcore.list_workflows(limit=500)

    assert len(page.workflows) == 158
    assert page.next_cursor is None


async def test_list_query_matches_part_of_the_name_ignoring_case(marketcore: MarketCore) -> None:
    page = await marketcore.list_workflows("REPORT")

    assert [workflow.id for workflow in page.workflows] == [REVENUE_REPORT_ID]


async def test_list_rejects_a_cursor_it_did_not_hand_out(marketcore: MarketCore) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.list_workflows(cursor="abc")

    assert "cursor 'abc'" in caught.value.message


async def test_get_workflow_includes_team_and_schema(marketcore: MarketCore) -> None:
    workflow = await marketcore.get_workflow(CAMPAIGN_SEND_ID)

    assert workflow.team_id == 4217
    assert workflow.inputs is not None
    assert workflow.inputs["properties"]["throttle"]["required"] == ["per_minute"]


async def test_unknown_workflow_is_named_in_the_error(marketcore: MarketCore) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.get_workflow("xyz")

    assert caught.value.message == "workflow 'xyz' not found"


async def test_run_starts_running_and_succeeds_after_the_run_time(
    marketcore: MarketCore,
) -> None:
    run = await marketcore.run_workflow(CAMPAIGN_SEND_ID, CAMPAIGN_INPUTS)
    assert run.status is RunStatus.RUNNING
    assert run.runner_session_id is not None
    assert run.trigger_type == "manual"
    assert run.created_at is not None
    assert abs(run.created_at - time.time()) < 5

    await asyncio.sleep(RUN_SECONDS + 0.05)
    later = await marketcore.get_workflow_run(run.id)

    assert later.status is RunStatus.SUCCEEDED
    assert later.error_reason is None


async def test_warehouse_backfill_fails_at_dispatch(marketcore: MarketCore) -> None:
    run = await marketcore.run_workflow(WAREHOUSE_BACKFILL_ID, {"days": 7})

    assert run.status is RunStatus.FAILED
    assert run.error_reason == WAREHOUSE_ERROR
    assert run.runner_session_id is None


async def test_inventory_refresh_is_skipped_at_dispatch(marketcore: MarketCore) -> None:
    run = await marketcore.run_workflow(INVENTORY_REFRESH_ID, {})

    assert run.status is RunStatus.SKIPPED


async def test_quarterly_close_fails_after_the_run_time(marketcore: MarketCore) -> None:
    run = await marketcore.run_workflow(QUARTERLY_CLOSE_ID, {"quarter": "2026-Q4"})
    assert run.status is RunStatus.RUNNING

    await asyncio.sleep(RUN_SECONDS + 0.05)
    later = await marketcore.get_workflow_run(run.id)

    assert later.status is RunStatus.FAILED
    assert later.error_reason == QUARTERLY_CLOSE_ERROR


async def test_finish_run_ends_a_run_on_command(
    marketcore: MarketCore, simulator: Simulator
) -> None:
    run = await marketcore.run_workflow(NIGHTLY_SYNC_ID, {})

    simulator.finish_run(run.id, RunStatus.FAILED, "Runner crashed")
    later = await marketcore.get_workflow_run(run.id)

    assert (later.status, later.error_reason) == (RunStatus.FAILED, "Runner crashed")


def test_finish_run_of_an_unknown_run_raises(simulator: Simulator) -> None:
    with pytest.raises(KeyError):
        simulator.finish_run("nope", RunStatus.SUCCEEDED)


async def test_unknown_run_is_named_in_the_error(marketcore: MarketCore) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.get_workflow_run("run-x")

    assert caught.value.message == "run 'run-x' not found"


async def test_invalid_inputs_list_every_problem_by_pointer(marketcore: MarketCore) -> None:
    bad = {
        **CAMPAIGN_INPUTS,
        "channels": ["fax"],
        "budget": -1,
        "landing_url": "not a url",
        "throttle": {"burst": 2},
    }

    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.run_workflow(CAMPAIGN_SEND_ID, bad)

    message = caught.value.message
    for pointer in ("/channels/0", "/budget", "/landing_url", "/throttle"):
        assert f"{pointer}:" in message
    assert "'per_minute' is a required property" in message


async def test_dates_are_checked_for_format(marketcore: MarketCore) -> None:
    bad = {"region": "EMEA", "quarter": "2026-Q4", "start_date": "2026-02-30"}

    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.run_workflow(REVENUE_REPORT_ID, bad)

    assert "/start_date:" in caught.value.message


async def test_inputs_for_a_workflow_without_inputs_are_refused(marketcore: MarketCore) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.run_workflow(NIGHTLY_SYNC_ID, {"force": True})

    assert "takes no inputs" in caught.value.message


async def test_every_call_is_recorded_with_its_arguments(
    marketcore: MarketCore, simulator: Simulator
) -> None:
    await marketcore.get_workflow(REVENUE_REPORT_ID)
    run = await marketcore.run_workflow(INVENTORY_REFRESH_ID, {})
    await marketcore.get_workflow_run(run.id)

    assert simulator.calls == [
        ("get_workflow", {"workflow_id": REVENUE_REPORT_ID}),
        ("run_workflow", {"workflow_id": INVENTORY_REFRESH_ID, "input_values": {}}),
        ("get_workflow_run", {"run_id": run.id}),
    ]


async def test_tool_delays_slow_down_one_tool(marketcore: MarketCore, simulator: Simulator) -> None:
    simulator.tool_delays["get_workflow"] = 0.3

    started = time.monotonic()
    await marketcore.get_workflow(REVENUE_REPORT_ID)
    slow = time.monotonic() - started
    started = time.monotonic()
    await marketcore.list_workflows(limit=1)
    fast = time.monotonic() - started

    assert slow >= 0.3
    assert fast < 0.3


async def test_missing_or_wrong_bearer_token_gets_401() -> None:
    async with SimulatorServer(Simulator(token="t0ken")) as server, httpx2.AsyncClient() as http:
        missing = await http.post(server.url, json={})
        wrong = await http.post(server.url, json={}, headers={"Authorization": "Bearer x"})

    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")


async def test_right_bearer_token_reaches_the_tools() -> None:
    async with SimulatorServer(Simulator(token="t0ken")) as server:
        client = MarketCore(server.url, token=SecretStr("t0ken"))
        await client.start()
        try:
            page = await client.list_workflows("sync")
        finally:
            await client.aclose()

    assert [workflow.id for workflow in page.workflows] == [NIGHTLY_SYNC_ID]


async def test_server_can_stop_and_start_again_on_its_port(simulator: Simulator) -> None:
    server = SimulatorServer(simulator)
    await server.start()
    port = server.port
    await server.stop()
    await server.start()
    try:
        assert server.port == port
        async with httpx2.AsyncClient() as http:
            answer = await http.get(server.url)
    finally:
        await server.stop()

    assert answer.status_code != 404
