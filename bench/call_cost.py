"""Client CPU per MarketCore read: the bot's MCP session (the `mcp` SDK) vs a bare POST.

    python -m bench.call_cost

The tracker's cost at many runs in flight is mostly the price of one `get_workflow_run`.
This times that price alone, against the tracker benchmark's MarketCore stand-in in a
child process: CPU time of this process per call, 8 calls in flight, for

- `sdk`: `McpSession.call_tool`, the path every MarketCore call of the bot takes;
- `bare`: the same JSON-RPC `tools/call` as one aiohttp POST on an initialised session,
  with no SDK: the least any client speaking MCP over HTTP can spend.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import uvicorn

from bench.processes import child, free_port
from bench.standins import RunBoard
from bot.mcp_session import McpSession

CALLS = 4_000
IN_FLIGHT = 8
ROUNDS = 2
RUN_IDS = [f"run-{number}" for number in range(100)]
_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}

Call = Callable[[str], Awaitable[Any]]


async def cpu_per_call(call: Call) -> tuple[float, float]:
    """(milliseconds of CPU per call, calls per second) for `CALLS` calls, `IN_FLIGHT` at once."""
    for run_id in RUN_IDS:  # warm up: connections, caches
        await call(run_id)
    numbers = iter(range(CALLS))

    async def caller() -> None:
        for number in numbers:
            await call(RUN_IDS[number % len(RUN_IDS)])

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(caller() for _ in range(IN_FLIGHT)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return 1000 * cpu / CALLS, CALLS / wall


async def via_sdk(url: str) -> tuple[float, float]:
    session = McpSession(url, token=None, call_timeout=10.0)
    await session.start()
    try:
        return await cpu_per_call(
            lambda run_id: session.call_tool("get_workflow_run", {"run_id": run_id})
        )
    finally:
        await session.aclose()


async def bare(url: str) -> tuple[float, float]:
    async with aiohttp.ClientSession() as http:
        headers = await _initialise(http, url)
        ids = itertools.count(1)

        async def call(run_id: str) -> Any:
            request = {
                "jsonrpc": "2.0",
                "id": next(ids),
                "method": "tools/call",
                "params": {"name": "get_workflow_run", "arguments": {"run_id": run_id}},
            }
            async with http.post(url, data=json.dumps(request), headers=headers) as response:
                answer = _message(await response.text(), response.content_type)
            if "result" not in answer:
                raise RuntimeError(f"tools/call failed: {answer}")
            return answer["result"]

        return await cpu_per_call(call)


async def _initialise(http: aiohttp.ClientSession, url: str) -> dict[str, str]:
    hello = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"},
        },
    }
    async with http.post(url, json=hello, headers=_HEADERS) as response:
        answer = _message(await response.text(), response.content_type)
        session_id = response.headers.get("mcp-session-id")
    headers = {**_HEADERS, "mcp-protocol-version": answer["result"]["protocolVersion"]}
    if session_id is not None:
        headers["mcp-session-id"] = session_id
    ready = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    async with http.post(url, json=ready, headers=headers) as response:
        await response.read()
    return headers


def _message(body: str, content_type: str) -> dict[str, Any]:
    # A streamable-HTTP answer is plain JSON or an event stream whose data is the JSON.
    if content_type == "text/event-stream":
        body = next(line[5:] for line in body.splitlines() if line.startswith("data:"))
    answer: dict[str, Any] = json.loads(body)
    return answer


async def _until_listening(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the MarketCore stand-in did not listen within {timeout:g} s")


async def measure() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    async with child(["bench.call_cost", "serve", str(port)]):
        await _until_listening(port)
        print("| client | ms CPU per call | calls/s |\n|---|---|---|")
        for _ in range(ROUNDS):
            for name, client in (("sdk", via_sdk), ("bare", bare)):
                cpu, rate = await client(url)
                print(f"| {name} | {cpu:.2f} | {rate:,.0f} |", flush=True)


def serve(port: int) -> None:
    board = RunBoard()
    board.ends.update({run_id: float("inf") for run_id in RUN_IDS})  # running, always
    uvicorn.run(board.asgi_app(), host="127.0.0.1", port=port, log_level="error")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]))
    else:
        asyncio.run(measure())
