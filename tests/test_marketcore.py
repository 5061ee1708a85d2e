"""The MarketCore client against the simulator, served over real streamable HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from pydantic import SecretStr

from bot.errors import (
    DispatchOutcomeUnknown,
    MarketCoreBadResponse,
    MarketCoreToolError,
    MarketCoreUnavailable,
)
from bot.marketcore import MarketCore
from bot.models import RunStatus, Workflow, WorkflowPage, WorkflowRun
from bot.simulator import Simulator, SimulatorServer
from bot.simulator_data import (
    NIGHTLY_SYNC_ID,
    REVENUE_REPORT_ID,
    WAREHOUSE_BACKFILL_ID,
    WAREHOUSE_ERROR,
)

REVENUE_INPUTS = {"region": "EMEA", "quarter": "2026-Q4"}


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    async with SimulatorServer(Simulator(run_seconds=0.5)) as running:
        yield running


@pytest.fixture
async def marketcore(server: SimulatorServer) -> AsyncIterator[MarketCore]:
    async with connected(server.url, call_timeout=3.0) as client:
        yield client


@contextlib.asynccontextmanager
async def connected(url: str, **options: Any) -> AsyncIterator[MarketCore]:
    """A started client for `url`, closed on the way out whatever happened."""
    client = MarketCore(url, **options)
    await client.start()
    try:
        yield client
    finally:
        await client.aclose()


def sent(server: SimulatorServer, tool: str) -> list[dict[str, Any]]:
    return [arguments for name, arguments in server.simulator.calls if name == tool]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/mcp"


async def test_list_workflows_returns_a_typed_page(marketcore: MarketCore) -> None:
    page = await marketcore.list_workflows()

    assert isinstance(page, WorkflowPage)
    assert "Revenue report" in [workflow.name for workflow in page.workflows]
    assert page.next_cursor is None


async def test_list_workflows_sends_only_the_arguments_given(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    page = await marketcore.list_workflows("revenue", limit=5)

    assert [workflow.id for workflow in page.workflows] == [REVENUE_REPORT_ID]
    assert sent(server, "list_workflows") == [{"query": "revenue", "limit": 5, "cursor": None}]


async def test_get_workflow_returns_its_inputs_schema(marketcore: MarketCore) -> None:
    workflow = await marketcore.get_workflow(REVENUE_REPORT_ID)

    assert isinstance(workflow, Workflow)
    assert workflow.name == "Revenue report"
    assert workflow.inputs is not None
    assert workflow.inputs["required"] == ["region", "quarter"]


async def test_workflow_without_inputs_has_none(marketcore: MarketCore) -> None:
    workflow = await marketcore.get_workflow(NIGHTLY_SYNC_ID)

    assert workflow.inputs is None


async def test_run_and_read_back_the_run(marketcore: MarketCore, server: SimulatorServer) -> None:
    run = await marketcore.run_workflow(REVENUE_REPORT_ID, REVENUE_INPUTS)
    assert isinstance(run, WorkflowRun)
    assert run.status is RunStatus.RUNNING
    assert run.link_url == (
        f"https://app.marketcore.ai/workflows/{REVENUE_REPORT_ID}/runs/{run.id}"
    )

    server.simulator.finish_run(run.id, RunStatus.SUCCEEDED)
    later = await marketcore.get_workflow_run(run.id)

    assert later.status is RunStatus.SUCCEEDED
    assert later.workflow_template_id == REVENUE_REPORT_ID
    assert sent(server, "run_workflow") == [
        {"workflow_id": REVENUE_REPORT_ID, "input_values": REVENUE_INPUTS}
    ]


async def test_run_that_fails_at_dispatch_carries_the_reason(marketcore: MarketCore) -> None:
    run = await marketcore.run_workflow(WAREHOUSE_BACKFILL_ID, {"days": 3})

    assert run.status is RunStatus.FAILED
    assert run.error_reason == WAREHOUSE_ERROR


async def test_workflow_id_is_sent_exactly_as_given(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    with pytest.raises(MarketCoreToolError):
        await marketcore.get_workflow(" 42 ")

    assert sent(server, "get_workflow") == [{"workflow_id": " 42 "}]


async def test_tool_error_becomes_tool_error_with_marketcore_text(marketcore: MarketCore) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.get_workflow("xyz")

    assert caught.value.message == "workflow 'xyz' not found"
    assert caught.value.tool == "get_workflow"
    assert caught.value.subject == "xyz"


async def test_rejected_inputs_are_a_tool_error_and_not_retried(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.run_workflow(REVENUE_REPORT_ID, {"region": "Mars"})

    assert "/region" in caught.value.message
    assert "'quarter' is a required property" in caught.value.message
    assert len(sent(server, "run_workflow")) == 1


async def test_bad_list_arguments_are_a_tool_error(marketcore: MarketCore) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await marketcore.list_workflows(limit=0)

    assert caught.value.message == "limit must be at least 1"


async def test_wrong_token_is_unavailable_and_names_the_token_not_its_value() -> None:
    async with (
        SimulatorServer(Simulator(token="right-token")) as server,
        connected(server.url, token=SecretStr("wrong-token"), read_retries=0) as client,
    ):
        with pytest.raises(MarketCoreUnavailable) as caught:
            await client.get_workflow(REVENUE_REPORT_ID)

    assert "token" in caught.value.message
    assert "MARKETCORE_API_TOKEN" in caught.value.message
    assert "wrong-token" not in str(caught.value)


async def test_right_token_is_accepted() -> None:
    async with (
        SimulatorServer(Simulator(token="right-token")) as server,
        connected(server.url, token=SecretStr("right-token")) as client,
    ):
        workflow = await client.get_workflow(REVENUE_REPORT_ID)

    assert workflow.id == REVENUE_REPORT_ID


async def test_start_returns_at_once_when_marketcore_is_down() -> None:
    client = MarketCore(closed_port_url(), read_retries=0)
    await asyncio.wait_for(client.start(), 0.5)
    try:
        with pytest.raises(MarketCoreUnavailable) as caught:
            await client.get_workflow(REVENUE_REPORT_ID)
    finally:
        await client.aclose()

    assert "could not be reached" in caught.value.message


@pytest.mark.parametrize("protocol", ["auto", "legacy"])
async def test_read_after_server_restart_rebuilds_the_session(
    server: SimulatorServer, protocol: str
) -> None:
    # "legacy" keeps a server-side session, which the restart forgets ("Session not found").
    async with connected(server.url, protocol=protocol) as client:
        await client.get_workflow(REVENUE_REPORT_ID)
        await server.stop()
        await server.start()

        workflow = await client.get_workflow(REVENUE_REPORT_ID)

    assert workflow.id == REVENUE_REPORT_ID


async def test_read_retries_until_marketcore_is_back(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    await marketcore.get_workflow(REVENUE_REPORT_ID)
    await server.stop()

    async def come_back() -> None:
        await asyncio.sleep(0.4)
        await server.start()

    comeback = asyncio.create_task(come_back())
    workflow = await marketcore.get_workflow(REVENUE_REPORT_ID)
    await comeback

    assert workflow.id == REVENUE_REPORT_ID


async def test_read_gives_up_after_its_retries(server: SimulatorServer) -> None:
    client = MarketCore(server.url, read_retries=1)
    await client.start()
    await server.stop()
    try:
        with pytest.raises(MarketCoreUnavailable):
            await client.list_workflows()
    finally:
        await client.aclose()


async def test_run_during_outage_is_unavailable_and_never_sent(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    await marketcore.get_workflow(REVENUE_REPORT_ID)
    await server.stop()

    with pytest.raises(MarketCoreUnavailable):
        await marketcore.run_workflow(REVENUE_REPORT_ID, REVENUE_INPUTS)

    assert sent(server, "run_workflow") == []


async def test_run_after_server_restart_is_sent_once_on_a_new_session(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    await marketcore.get_workflow(REVENUE_REPORT_ID)
    await server.stop()
    await server.start()

    run = await marketcore.run_workflow(REVENUE_REPORT_ID, REVENUE_INPUTS)

    assert run.status is RunStatus.RUNNING
    assert len(sent(server, "run_workflow")) == 1


async def test_connection_lost_during_run_is_outcome_unknown_and_sent_once(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    server.simulator.tool_delays["run_workflow"] = 5.0
    dispatch = asyncio.create_task(marketcore.run_workflow(REVENUE_REPORT_ID, REVENUE_INPUTS))
    while not sent(server, "run_workflow"):
        await asyncio.sleep(0.01)

    await server.stop()  # cuts the request still in flight after a one-second grace

    with pytest.raises(DispatchOutcomeUnknown) as caught:
        await dispatch
    assert "may or may not have started" in caught.value.message
    assert caught.value.subject == REVENUE_REPORT_ID
    assert len(sent(server, "run_workflow")) == 1


async def test_run_timeout_is_outcome_unknown_and_not_retried(server: SimulatorServer) -> None:
    server.simulator.tool_delays["run_workflow"] = 1.0
    async with connected(server.url, call_timeout=0.3) as client:
        with pytest.raises(DispatchOutcomeUnknown):
            await client.run_workflow(REVENUE_REPORT_ID, REVENUE_INPUTS)

    assert len(sent(server, "run_workflow")) == 1


async def test_read_timeout_is_unavailable_and_not_retried(server: SimulatorServer) -> None:
    server.simulator.tool_delays["get_workflow"] = 1.0
    async with connected(server.url, call_timeout=0.3) as client:
        with pytest.raises(MarketCoreUnavailable) as caught:
            await client.get_workflow(REVENUE_REPORT_ID)

    assert "did not answer in time" in caught.value.message
    assert len(sent(server, "get_workflow")) == 1


class QuirkySimulator(Simulator):
    """A MarketCore whose rows do not match the documented shapes."""

    async def get_workflow(self, workflow_id: str) -> dict[str, Any]:
        raise MCPError(INVALID_PARAMS, "workflow_id must be an integer id")

    async def get_workflow_run(self, run_id: str) -> dict[str, Any]:
        return {"id": 5}

    async def run_workflow(
        self, workflow_id: str, input_values: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return {"id": "run-1", "status": "exploded"}


@pytest.fixture
async def quirky() -> AsyncIterator[MarketCore]:
    """A client connected to a MarketCore that answers with malformed rows and errors."""
    async with SimulatorServer(QuirkySimulator()) as server, connected(server.url) as client:
        yield client


async def test_malformed_row_is_a_bad_response_naming_tool_and_id(quirky: MarketCore) -> None:
    with pytest.raises(MarketCoreBadResponse) as caught:
        await quirky.get_workflow_run("run-7")

    assert caught.value.tool == "get_workflow_run"
    assert caught.value.subject == "run-7"
    assert "WorkflowRun" in caught.value.message


async def test_malformed_dispatch_answer_says_the_run_may_have_started(
    quirky: MarketCore,
) -> None:
    with pytest.raises(MarketCoreBadResponse) as caught:
        await quirky.run_workflow(REVENUE_REPORT_ID, {})

    assert caught.value.subject == REVENUE_REPORT_ID
    assert "may have started" in caught.value.message


async def test_json_rpc_error_becomes_tool_error(quirky: MarketCore) -> None:
    with pytest.raises(MarketCoreToolError) as caught:
        await quirky.get_workflow("wf-1")

    assert "workflow_id must be an integer id" in caught.value.message
    assert caught.value.subject == "wf-1"


async def test_fifty_concurrent_reads_share_one_client(
    marketcore: MarketCore, server: SimulatorServer
) -> None:
    workflows = await asyncio.gather(
        *(marketcore.get_workflow(REVENUE_REPORT_ID) for _ in range(50))
    )

    assert {workflow.id for workflow in workflows} == {REVENUE_REPORT_ID}
    assert len(sent(server, "get_workflow")) == 50


async def test_calls_after_close_are_unavailable(marketcore: MarketCore) -> None:
    await marketcore.aclose()

    with pytest.raises(MarketCoreUnavailable):
        await marketcore.get_workflow(REVENUE_REPORT_ID)


async def test_each_call_logs_one_line_without_token_or_inputs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with (
        SimulatorServer(Simulator(token="s3cret-token")) as server,
        connected(server.url, token=SecretStr("s3cret-token")) as client,
    ):
        with caplog.at_level(logging.INFO, logger="bot.marketcore"):
            await client.run_workflow(REVENUE_REPORT_ID, {**REVENUE_INPUTS, "recipients": "x@y.z"})
            with pytest.raises(MarketCoreToolError):
                await client.get_workflow("nope")

    lines = [record.getMessage() for record in caplog.records if record.name == "bot.marketcore"]
    assert len(lines) == 2
    assert f"run_workflow id={REVENUE_REPORT_ID} outcome=ok running" in lines[0]
    assert "get_workflow id=nope outcome=MarketCoreToolError" in lines[1]
    assert all("duration_ms=" in line for line in lines)
    assert "s3cret-token" not in caplog.text
    assert "x@y.z" not in caplog.text
