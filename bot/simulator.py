"""An embedded MarketCore MCP server for demos and tests.

It serves MarketCore's four workflow tools over streamable HTTP with the sample
workflows of `bot.simulator_data`. Runs start `running` and end after `run_seconds`,
computed from the clock whenever they are read, so no task runs in the background.
"""

from __future__ import annotations

import asyncio
import copy
import hmac
import logging
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

import uvicorn
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field
from referencing import Registry
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.models import RunStatus
from bot.simulator_data import SAMPLE_WORKFLOWS, Outcome, SampleWorkflow, generated_workflows

logger = logging.getLogger(__name__)

TEAM_ID = 4217
LINK_URL = "https://app.marketcore.ai/workflows/{workflow_id}/runs/{run_id}"
DEFAULT_LIMIT = 100
MAX_LIMIT = 200


@dataclass
class _Run:
    id: str
    workflow: SampleWorkflow
    created_at: int
    started: float
    runner_session_id: str | None
    ended: tuple[RunStatus, str | None] | None = None


class Simulator:
    """MarketCore's workflow tools, served from memory, with knobs for tests."""

    def __init__(
        self, *, token: str | None = None, run_seconds: float = 4.0, extra_workflows: int = 0
    ) -> None:
        samples = [*SAMPLE_WORKFLOWS, *generated_workflows(extra_workflows)]
        self.workflows: dict[str, SampleWorkflow] = {workflow.id: workflow for workflow in samples}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.tool_delays: dict[str, float] = {}
        # The bearer tokens MarketCore accepts; when empty it asks for none. A test may add
        # more, as when each workspace has its own.
        self.accepted_tokens: set[str] = {token} if token else set()
        # The bearer token of every HTTP request received, in order (None: none was sent).
        self.tokens_seen: list[str | None] = []
        self._run_seconds = run_seconds
        self._runs: dict[str, _Run] = {}
        self._server = self._build_server()

    def finish_run(self, run_id: str, status: RunStatus, error_reason: str | None = None) -> None:
        """End a run now with the given status, whatever its workflow would do."""
        if run_id not in self._runs:
            raise KeyError(f"run {run_id!r} not found")
        self._runs[run_id].ended = (status, error_reason)

    def forget_run(self, run_id: str) -> None:
        """Drop a run, as when it is deleted: `get_workflow_run` then answers "not found"."""
        self._runs.pop(run_id, None)

    def asgi_app(self, *, host: str = "127.0.0.1") -> Starlette:
        """A fresh ASGI app serving `/mcp`; its lifespan runs the MCP session manager.

        `host` is where it will listen: on a loopback address the SDK refuses requests
        whose `Host` header names another machine (DNS rebinding protection).
        """
        app = self._server.streamable_http_app(host=host)
        app.add_middleware(_BearerTokenGuard, accepted=self.accepted_tokens, seen=self.tokens_seen)
        return app

    def _build_server(self) -> MCPServer:
        server: MCPServer = MCPServer(
            "MarketCore (simulator)",
            instructions="Lists, describes and runs MarketCore workflows.",
        )
        server.add_tool(self.list_workflows, name="list_workflows")
        server.add_tool(self.get_workflow, name="get_workflow")
        server.add_tool(self.run_workflow, name="run_workflow")
        server.add_tool(self.get_workflow_run, name="get_workflow_run")
        return server

    async def list_workflows(
        self,
        query: Annotated[str | None, Field(description="Part of a workflow name")] = None,
        limit: Annotated[int | None, Field(description="Page size, at most 200")] = None,
        cursor: Annotated[str | None, Field(description="next_cursor of the last page")] = None,
    ) -> dict[str, Any]:
        """List workflows, optionally only those whose name contains `query`."""
        await self._received("list_workflows", {"query": query, "limit": limit, "cursor": cursor})
        size = min(DEFAULT_LIMIT if limit is None else limit, MAX_LIMIT)
        if size < 1:
            raise ToolError("limit must be at least 1")
        offset = _offset(cursor)

        needle = (query or "").casefold()
        matches = [w for w in self.workflows.values() if needle in w.name.casefold()]
        page = matches[offset : offset + size]
        more = offset + size < len(matches)
        return {
            "workflows": [
                {"id": w.id, "name": w.name, "description": w.description, "tags": list(w.tags)}
                for w in page
            ],
            "next_cursor": str(offset + size) if more else None,
        }

    async def get_workflow(
        self, workflow_id: Annotated[str, Field(description="The workflow's id")]
    ) -> dict[str, Any]:
        """A workflow with the JSON Schema of its inputs (null when it takes none)."""
        await self._received("get_workflow", {"workflow_id": workflow_id})
        workflow = self._workflow(workflow_id)
        return {
            "id": workflow.id,
            "name": workflow.name,
            "description": workflow.description,
            "inputs": copy.deepcopy(workflow.inputs),
            "team_id": TEAM_ID,
            "tags": list(workflow.tags),
        }

    async def run_workflow(
        self,
        workflow_id: Annotated[str, Field(description="The workflow's id (UUID)")],
        input_values: Annotated[
            dict[str, Any] | None, Field(description="Values matching the workflow's inputs")
        ] = None,
    ) -> dict[str, Any]:
        """Start a run of a workflow and return its run row."""
        await self._received(
            "run_workflow", {"workflow_id": workflow_id, "input_values": input_values}
        )
        workflow = self._workflow(workflow_id)
        _check_inputs(workflow, input_values or {})

        run_id = str(uuid.uuid4())
        run = _Run(run_id, workflow, int(time.time()), time.monotonic(), str(uuid.uuid4()))
        if workflow.outcome is Outcome.FAILS_AT_DISPATCH:
            run.ended = (RunStatus.FAILED, workflow.error_reason)
            run.runner_session_id = None
        elif workflow.outcome is Outcome.SKIPPED_AT_DISPATCH:
            run.ended = (RunStatus.SKIPPED, None)
            run.runner_session_id = None
        self._runs[run_id] = run
        return self._row(run)

    async def get_workflow_run(
        self, run_id: Annotated[str, Field(description="The run's id")]
    ) -> dict[str, Any]:
        """A run's row with its current status."""
        await self._received("get_workflow_run", {"run_id": run_id})
        run = self._runs.get(run_id)
        if run is None:
            raise ToolError(f"run {run_id!r} not found")
        return self._row(run)

    async def _received(self, tool: str, arguments: dict[str, Any]) -> None:
        self.calls.append((tool, arguments))
        delay = self.tool_delays.get(tool, 0.0)
        if delay > 0:
            await asyncio.sleep(delay)

    def _workflow(self, workflow_id: str) -> SampleWorkflow:
        workflow = self.workflows.get(workflow_id)
        if workflow is None:
            raise ToolError(f"workflow {workflow_id!r} not found")
        return workflow

    def _row(self, run: _Run) -> dict[str, Any]:
        status, error_reason = self._status(run)
        return {
            "id": run.id,
            "workflow_template_id": run.workflow.id,
            "status": status.value,
            "team_id": TEAM_ID,
            "link_url": LINK_URL.format(workflow_id=run.workflow.id, run_id=run.id),
            "created_at": run.created_at,
            "error_reason": error_reason,
            "trigger_type": "manual",
            "runner_session_id": run.runner_session_id,
        }

    def _status(self, run: _Run) -> tuple[RunStatus, str | None]:
        if run.ended is not None:
            return run.ended
        if time.monotonic() - run.started < self._run_seconds:
            return RunStatus.RUNNING, None
        if run.workflow.outcome is Outcome.FAILS_AFTER_RUN:
            return RunStatus.FAILED, run.workflow.error_reason
        return RunStatus.SUCCEEDED, None


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit():
        raise ToolError(f"cursor {cursor!r} is not one this server handed out")
    return int(cursor)


def _check_inputs(workflow: SampleWorkflow, input_values: dict[str, Any]) -> None:
    """Raise a tool error listing every way `input_values` misses the workflow's schema."""
    if workflow.inputs is None:
        if input_values:
            names = ", ".join(sorted(input_values))
            raise ToolError(f"workflow {workflow.name!r} takes no inputs, but got: {names}")
        return

    validator_class = validator_for(workflow.inputs, default=Draft202012Validator)
    # An empty registry: a schema's `$ref` never fetches anything from the network.
    validator = validator_class(
        workflow.inputs, registry=Registry(), format_checker=validator_class.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(input_values), key=lambda error: list(error.path))
    if errors:
        problems = "; ".join(f"{_pointer(error.path)}: {error.message}" for error in errors)
        raise ToolError(f"input_values do not match the inputs of {workflow.name!r}: {problems}")


def _pointer(path: Iterable[str | int]) -> str:
    # JSON Pointer of the offending value, the way the bot names its form blocks.
    return "".join(f"/{part}" for part in path) or "(inputs)"


class _BearerTokenGuard:
    """Notes each HTTP request's bearer token, and answers 401 to one without an accepted
    token (when any token is asked for)."""

    def __init__(self, app: ASGIApp, *, accepted: set[str], seen: list[str | None]) -> None:
        self._app = app
        self._accepted = accepted
        self._seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self._seen.append(_bearer_token(scope))
        if scope["type"] == "http" and self._accepted and not self._authorized(scope):
            response = JSONResponse(
                {"error": "invalid_token", "error_description": "missing or wrong bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="marketcore"'},
            )
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        sent = (_bearer_token(scope) or "").encode()
        return any(hmac.compare_digest(sent, token.encode()) for token in self._accepted)


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token if scheme.lower() == "bearer" and token else None
    return None


async def serve_simulator(
    host: str = "127.0.0.1", port: int = 8800, *, token: str | None = None
) -> None:
    """Serve the simulator at `http://host:port/mcp` until the process is stopped."""
    simulator = Simulator(token=token)
    config = uvicorn.Config(
        simulator.asgi_app(host=host), host=host, port=port, lifespan="on", ws="none"
    )
    logger.info(
        "MarketCore simulator serving %d workflows at http://%s:%d/mcp",
        len(simulator.workflows),
        host,
        port,
    )
    await uvicorn.Server(config).serve()


class SimulatorServer:
    """A simulator served by uvicorn from a task of the running loop (demo and tests).

    `port=0` picks a free port on the first start; later starts reuse it, so a test can
    stop the server and bring it back where clients expect it.
    """

    def __init__(self, simulator: Simulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.simulator = simulator
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The MCP endpoint."""
        return f"http://{self.host}:{self.port}/mcp"

    async def start(self) -> None:
        """Listen, and return once the server accepts requests."""
        # Binding here, not in uvicorn, turns a busy port into an OSError for the caller.
        sock = socket.create_server((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.simulator.asgi_app(host=self.host),
            lifespan="on",
            ws="none",
            log_config=None,
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]), name="simulator")
        while not server.started:
            if self._task.done():
                await self._task
                raise RuntimeError("the simulator stopped while starting")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop serving; requests still in flight get a second to finish."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._server = self._task = None

    async def __aenter__(self) -> SimulatorServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
