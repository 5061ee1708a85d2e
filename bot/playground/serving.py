"""Serve an ASGI app with uvicorn on a loopback port inside the running event loop.

The playground serves its page and the bot this way, and tests serve their stand-ins.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to whoever runs the event loop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def running_server(
    app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve `app` with uvicorn in this event loop (`port=0`: a free one); yield its base URL."""
    # Binding here, before uvicorn starts, means the port is known and cannot be taken.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        log_config=None,
        lifespan="on",
        ws="none",
        timeout_graceful_shutdown=5,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(_serve(server, sock), name=f"uvicorn on {host}:{port}")
    try:
        await _until_started(server, task)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=10)
        except TimeoutError:
            server.force_exit = True
            await task
        finally:
            sock.close()


async def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
    try:
        await server.serve(sockets=[sock])
    except SystemExit as exit_:
        # uvicorn exits the process when the app's lifespan startup fails.
        raise RuntimeError(f"server failed to start (exit code {exit_.code})") from None


async def _until_started(
    server: uvicorn.Server,
    task: asyncio.Task[None],
    timeout: float = 10.0,  # noqa: ASYNC109 - the task must be watched while waiting
) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if task.done():
            await task  # raises why it stopped
            raise RuntimeError("server stopped before it started")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"server did not start within {timeout:g} s")
        await asyncio.sleep(0.01)
