"""The session pool against the simulator: calls spread over sessions only under load."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.mcp_pool import McpSessionPool
from bot.mcp_session import CallFailed, McpSession
from bot.simulator import Simulator, SimulatorServer
from bot.simulator_data import REVENUE_REPORT_ID

GET_REVENUE_REPORT = {"workflow_id": REVENUE_REPORT_ID}


@pytest.fixture
async def server() -> AsyncIterator[SimulatorServer]:
    async with SimulatorServer(Simulator()) as running:
        yield running


def pool_for(server: SimulatorServer, **options: int) -> McpSessionPool:
    return McpSessionPool(lambda: McpSession(server.url, token=None, call_timeout=5.0), **options)


async def test_calls_one_at_a_time_share_one_session(server: SimulatorServer) -> None:
    pool = pool_for(server, max_sessions=4, calls_per_session=1)
    await pool.start()
    try:
        for _ in range(5):
            result = await pool.call_tool("get_workflow", GET_REVENUE_REPORT)
            assert not result.is_error
    finally:
        await pool.aclose()

    assert pool.size == 1


async def test_a_burst_opens_more_sessions_up_to_the_limit(server: SimulatorServer) -> None:
    server.simulator.tool_delays["get_workflow"] = 0.2  # keeps every call in flight at once
    pool = pool_for(server, max_sessions=3, calls_per_session=2)
    await pool.start()
    try:
        results = await asyncio.gather(
            *(pool.call_tool("get_workflow", GET_REVENUE_REPORT) for _ in range(10))
        )
    finally:
        await pool.aclose()

    assert [result.is_error for result in results] == [False] * 10
    assert pool.size == 3
    assert len(server.simulator.calls) == 10


async def test_calls_after_close_fail_without_opening_a_session(
    server: SimulatorServer,
) -> None:
    pool = pool_for(server, max_sessions=4, calls_per_session=1)
    await pool.start()
    await pool.aclose()

    with pytest.raises(CallFailed):
        await pool.call_tool("get_workflow", GET_REVENUE_REPORT)
    assert pool.size == 1


async def test_calls_before_start_are_refused(server: SimulatorServer) -> None:
    pool = pool_for(server)

    with pytest.raises(RuntimeError, match="start"):
        await pool.call_tool("get_workflow", GET_REVENUE_REPORT)


async def test_calls_never_wait_for_a_session_that_is_still_opening(
    server: SimulatorServer,
) -> None:
    # Every session after the first goes to a server that accepts connections and never
    # answers: a call routed to one of them would hang until its timeout.
    held: list[asyncio.StreamWriter] = []

    async def never_answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # the connection stays open, unanswered, until the test ends

    silent = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    silent_url = f"http://127.0.0.1:{silent.sockets[0].getsockname()[1]}/mcp"
    urls = iter([server.url])

    def open_session() -> McpSession:
        url = next(urls, silent_url)
        return McpSession(url, token=None, call_timeout=5.0 if url == server.url else 1.0)

    pool = McpSessionPool(open_session, max_sessions=3, calls_per_session=1)
    await pool.start()
    try:
        await pool.call_tool("get_workflow", GET_REVENUE_REPORT)  # the first session is open
        results = await asyncio.wait_for(
            asyncio.gather(*(pool.call_tool("get_workflow", GET_REVENUE_REPORT) for _ in range(8))),
            timeout=3,
        )
    finally:
        await pool.aclose()
        silent.close()
        for writer in held:
            writer.close()
        await silent.wait_closed()

    assert [result.is_error for result in results] == [False] * 8
    assert pool.size == 3  # the burst asked for more sessions; none of them held it up
