"""Light loopback stand-ins for the tracker benchmark: MarketCore over MCP, Slack's chat.update.

They keep only what the benchmark reads back: when each run ends, when each call
arrived, and when each message was edited.
"""

from __future__ import annotations

import time
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

WORKFLOW_ID = "7d3e4a52-0c8b-4f1e-9a57-3c1f0d2b6e11"
LINK_URL = "https://app.marketcore.ai/workflows/{workflow_id}/runs/{run_id}"


class RunBoard:
    """MarketCore's `get_workflow_run`, answering from a table of end times (wall clock)."""

    def __init__(self) -> None:
        self.ends: dict[str, float] = {}
        self.calls: list[float] = []

    def asgi_app(self) -> Starlette:
        server: MCPServer = MCPServer("MarketCore (benchmark)")
        server.add_tool(self.get_workflow_run, name="get_workflow_run")
        return server.streamable_http_app(host="127.0.0.1")

    async def get_workflow_run(self, run_id: str) -> dict[str, Any]:
        """The run's row: running until its end time, succeeded after."""
        now = time.time()
        self.calls.append(now)
        end = self.ends.get(run_id)
        if end is None:
            raise ToolError(f"run {run_id!r} not found")
        return {
            "id": run_id,
            "workflow_template_id": WORKFLOW_ID,
            "status": "succeeded" if now >= end else "running",
            "team_id": 1,
            "link_url": LINK_URL.format(workflow_id=WORKFLOW_ID, run_id=run_id),
        }


class EditLog:
    """Slack's `chat.update` (and `auth.test`): records when each message ts was edited.

    Only edits that show a run's end count in `edits`; the tracker's progress edits
    ("running", while a long run goes on) and its edits of thread replies (the timings,
    once a run ends) are counted apart.
    """

    def __init__(self) -> None:
        self.edits: dict[str, list[float]] = {}
        self.progress_edits = 0
        self.thread_edits = 0

    def asgi_app(self) -> Starlette:
        return Starlette(routes=[Route("/api/{method}", self._serve, methods=["POST"])])

    async def _serve(self, request: Request) -> Response:
        method = request.path_params["method"]
        if method != "chat.update":
            return JSONResponse({"ok": True})
        if request.headers.get("content-type", "").startswith("application/json"):
            args: dict[str, Any] = await request.json()
        else:
            args = dict(await request.form())
        ts = str(args.get("ts"))
        # The message's text is "<workflow name>: <status>".
        text = str(args.get("text", ""))
        if text.endswith((": running", ": pending")):
            self.progress_edits += 1
        elif text.startswith("Inputs and timings of "):
            self.thread_edits += 1
        else:
            self.edits.setdefault(ts, []).append(time.time())
        return JSONResponse({"ok": True, "channel": str(args.get("channel")), "ts": ts})
