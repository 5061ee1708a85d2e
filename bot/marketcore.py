"""The MarketCore client: its workflow tools as typed calls, its failures as our errors."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, TypeVar

from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, SecretStr, ValidationError

from bot.errors import (
    DispatchOutcomeUnknown,
    MarketCoreAuthError,
    MarketCoreBadResponse,
    MarketCoreError,
    MarketCoreToolError,
    MarketCoreUnavailable,
)
from bot.mcp_pool import McpSessionPool
from bot.mcp_session import CallFailed, Failure, MalformedAnswer, McpSession
from bot.models import Workflow, WorkflowPage, WorkflowRun

logger = logging.getLogger(__name__)

_Row = TypeVar("_Row", bound=BaseModel)

_BACKOFF_SECONDS = (0.2, 0.5, 1.0)
# A fresh session may help these; a refused token or a slow MarketCore would not change.
_RETRYABLE = frozenset({Failure.UNREACHABLE, Failure.SESSION_LOST, Failure.SERVER_ERROR})


class MarketCore:
    """MarketCore's workflow tools over shared MCP sessions, kept apart for reads and runs.

    Reads are retried with backoff when the connection fails; `run_workflow` never is
    once the request may have reached MarketCore, because a dispatch is not idempotent.
    """

    def __init__(
        self,
        url: str,
        *,
        token: SecretStr | None = None,
        call_timeout: float = 15.0,
        read_retries: int = 3,
        protocol: str = "auto",
    ) -> None:

        def open_session() -> McpSession:
            return McpSession(url, token=token, call_timeout=call_timeout, protocol=protocol)

        # Reads and dispatches travel in sessions of their own: a run is never queued for
        # writing behind a burst of form lookups or the tracker's polls (see mcp_pool.py).
        self._reads = McpSessionPool(open_session)
        self._dispatches = McpSessionPool(open_session)
        self._backoff = [_BACKOFF_SECONDS[min(i, 2)] for i in range(read_retries)]

    async def start(self) -> None:
        """Start the session owner; connects in the background, so MarketCore may be down."""
        await self._reads.start()
        await self._dispatches.start()

    async def aclose(self) -> None:
        """Close the sessions; calls made afterwards fail with `MarketCoreUnavailable`."""
        await asyncio.gather(self._reads.aclose(), self._dispatches.aclose())

    async def list_workflows(
        self, query: str | None = None, *, limit: int | None = None, cursor: str | None = None
    ) -> WorkflowPage:
        """One page of workflows, optionally only those whose name contains `query`."""
        arguments = {"query": query, "limit": limit, "cursor": cursor}
        arguments = {key: value for key, value in arguments.items() if value is not None}
        return await self._read(WorkflowPage, "list_workflows", arguments, query)

    async def get_workflow(self, workflow_id: str) -> Workflow:
        """A workflow with its declared inputs schema."""
        arguments = {"workflow_id": workflow_id}
        return await self._read(Workflow, "get_workflow", arguments, workflow_id)

    async def get_workflow_run(self, run_id: str) -> WorkflowRun:
        """A run's current row."""
        return await self._read(WorkflowRun, "get_workflow_run", {"run_id": run_id}, run_id)

    async def run_workflow(self, workflow_id: str, input_values: dict[str, Any]) -> WorkflowRun:
        """Dispatch one run; raises `DispatchOutcomeUnknown` when its answer was lost."""
        tool = "run_workflow"
        arguments = {"workflow_id": workflow_id, "input_values": input_values}
        with _CallLog(tool, workflow_id) as log:
            row = await self._dispatch(arguments, workflow_id)
            run = _parse(WorkflowRun, row, tool, workflow_id, may_have_run=True)
            log.outcome = f"ok {run.status}"
            return run

    async def _dispatch(self, arguments: dict[str, Any], workflow_id: str) -> dict[str, Any]:
        tool = "run_workflow"
        try:
            return await self._call_once(self._dispatches, tool, arguments, workflow_id)
        except CallFailed as failure:
            # Only a session that was dead before the request left may be tried again.
            if failure.maybe_processed or failure.kind is not Failure.SESSION_LOST:
                raise _dispatch_error(failure, workflow_id) from failure
        try:
            return await self._call_once(self._dispatches, tool, arguments, workflow_id)
        except CallFailed as failure:
            raise _dispatch_error(failure, workflow_id) from failure

    async def _read(
        self, model: type[_Row], tool: str, arguments: dict[str, Any], subject: str | None
    ) -> _Row:
        with _CallLog(tool, subject) as log:
            row = await self._read_with_retries(tool, arguments, subject)
            parsed = _parse(model, row, tool, subject)
            log.outcome = "ok"
            return parsed

    async def _read_with_retries(
        self, tool: str, arguments: dict[str, Any], subject: str | None
    ) -> dict[str, Any]:
        for delay in [*self._backoff, None]:
            try:
                return await self._call_once(self._reads, tool, arguments, subject)
            except CallFailed as failure:
                if delay is None or failure.kind not in _RETRYABLE:
                    raise _unavailable(failure, tool, subject) from failure
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _call_once(
        self, sessions: McpSessionPool, tool: str, arguments: dict[str, Any], subject: str | None
    ) -> dict[str, Any]:
        """One call, its answer unwrapped; `CallFailed` is left for the caller to judge."""
        try:
            result = await sessions.call_tool(tool, arguments)
        except MCPError as exc:
            raise MarketCoreToolError(
                f"MarketCore refused {tool}: {exc.message}", tool=tool, subject=subject
            ) from exc
        except MalformedAnswer as exc:
            raise MarketCoreBadResponse(
                f"MarketCore's answer to {tool} is malformed: {exc}", tool=tool, subject=subject
            ) from exc

        if result.is_error:
            message = _error_text(result, tool) or f"MarketCore reported an error in {tool}"
            raise MarketCoreToolError(message, tool=tool, subject=subject)
        return _structured(result, tool, subject)


def _structured(result: CallToolResult, tool: str, subject: str | None) -> dict[str, Any]:
    row: object = result.structured_content
    if row is None:
        row = _json_text(result)
    if isinstance(row, dict):
        return row
    raise MarketCoreBadResponse(
        f"MarketCore's answer to {tool} carries no structured row", tool=tool, subject=subject
    )


def _json_text(result: CallToolResult) -> object:
    # Older servers put the row only in a JSON text block.
    texts = [block.text for block in result.content if isinstance(block, TextContent)]
    if len(texts) != 1:
        return None
    try:
        return json.loads(texts[0])
    except ValueError:
        return None


def _parse(
    model: type[_Row],
    row: dict[str, Any],
    tool: str,
    subject: str | None,
    *,
    may_have_run: bool = False,
) -> _Row:
    try:
        return model.model_validate(row)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'row'}: {error['msg']}"
            for error in exc.errors()[:5]
        )
        about = f" for {subject!r}" if subject is not None else ""
        message = f"MarketCore's answer to {tool}{about} is not a valid {model.__name__}"
        message += f" ({problems})"
        if may_have_run:
            message += "; the run may have started"
        raise MarketCoreBadResponse(message, tool=tool, subject=subject) from exc


def _error_text(result: CallToolResult, tool: str) -> str:
    text = "\n".join(block.text for block in result.content if isinstance(block, TextContent))
    # Servers built on the MCP SDK prefix every tool error with this boilerplate.
    return text.removeprefix(f"Error executing tool {tool}: ").strip()


def _unavailable(failure: CallFailed, tool: str, subject: str | None) -> MarketCoreUnavailable:
    if failure.kind is Failure.AUTH_REFUSED:
        message = (
            f"MarketCore refused the bot's API token ({failure.detail}): check MARKETCORE_API_TOKEN"
        )
        return MarketCoreAuthError(message, tool=tool, subject=subject)
    message = f"MarketCore {failure.kind.value} during {tool} ({failure.detail})"
    return MarketCoreUnavailable(message, tool=tool, subject=subject)


def _dispatch_error(failure: CallFailed, workflow_id: str) -> MarketCoreError:
    if not failure.maybe_processed:
        return _unavailable(failure, "run_workflow", workflow_id)
    return DispatchOutcomeUnknown(
        f"MarketCore {failure.kind.value} after run_workflow was sent ({failure.detail}): "
        "the run may or may not have started",
        tool="run_workflow",
        subject=workflow_id,
    )


class _CallLog:
    """Logs one INFO line when a call ends: tool, id, outcome and duration, no values."""

    def __init__(self, tool: str, subject: str | None) -> None:
        self.tool = tool
        self.subject = subject
        self.outcome = "error"

    def __enter__(self) -> _CallLog:
        self._started = time.monotonic()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        if exc is not None:
            self.outcome = type(exc).__name__
        duration_ms = (time.monotonic() - self._started) * 1000
        logger.info(
            "marketcore %s id=%s outcome=%s duration_ms=%.0f",
            self.tool,
            self.subject,
            self.outcome,
            duration_ms,
        )
