"""One long-lived MCP session to MarketCore, owned by one task and rebuilt when it dies.

The SDK's client must be entered and exited in the same task, and it dies for good
when its connection breaks. So one owner task holds the session open, callers in any
task send their calls through it concurrently, and a broken or expired session is
replaced by a fresh one on the next call.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import (
    CONNECTION_CLOSED,
    INTERNAL_ERROR,
    INVALID_REQUEST,
    REQUEST_TIMEOUT,
    CallToolResult,
    Implementation,
)
from pydantic import SecretStr, ValidationError

logger = logging.getLogger(__name__)

_CONNECT_TIMEOUT = 5.0
# A transport read timeout kills the whole session, so it must never fire before the
# per-call timeout has already given the caller its answer.
_READ_TIMEOUT_MARGIN = 15.0
_CLOSE_GRACE = 5.0


class Failure(Enum):
    """Why a call got no answer from MarketCore."""

    UNREACHABLE = "could not be reached"
    SESSION_LOST = "dropped the connection"
    SERVER_ERROR = "answered with an HTTP error"
    TIMED_OUT = "did not answer in time"
    AUTH_REFUSED = "refused the MarketCore token"
    CLOSED = "client is closed"


class CallFailed(Exception):
    """A call without an answer; `maybe_processed` says whether MarketCore may have acted."""

    def __init__(self, kind: Failure, detail: str, *, maybe_processed: bool) -> None:
        super().__init__(f"MarketCore {kind.value} ({detail})")
        self.kind = kind
        self.detail = detail
        self.maybe_processed = maybe_processed


class MalformedAnswer(Exception):
    """MarketCore answered, but not with a well-formed tool result."""


@dataclass
class _Exchange:
    """What the HTTP layer saw of the requests one call made."""

    sent: bool = False
    status: int | None = None


# The SDK posts each request from its own task, started in the context of the task that
# sent it: a context variable is how one call learns what happened to its own request.
_current_exchange: contextvars.ContextVar[_Exchange | None] = contextvars.ContextVar(
    "marketcore_exchange", default=None
)


class _ObservingTransport(httpx2.AsyncBaseTransport):
    """Notes, for the calling task, whether its request may have left the process."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        exchange = _current_exchange.get()
        try:
            response = await self._inner.handle_async_request(request)
        except (httpx2.ConnectError, httpx2.ConnectTimeout):
            raise  # no connection was made, so nothing was sent
        except BaseException:
            if exchange is not None:
                exchange.sent = True
            raise
        if exchange is not None:
            exchange.sent = True
            exchange.status = response.status_code
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class McpSession:
    """A shared MCP session to one MarketCore endpoint, opened on first need."""

    def __init__(
        self,
        url: str,
        *,
        token: SecretStr | None,
        call_timeout: float,
        protocol: str = "auto",
    ) -> None:
        self._url = url
        self._token = token
        self._call_timeout = call_timeout
        self._protocol = protocol
        self._client: Client | None = None
        self._attempt: asyncio.Future[Client] | None = None
        self._wanted = asyncio.Event()
        self._retire = asyncio.Event()
        self._closing = False
        self._owner: asyncio.Task[None] | None = None

    @property
    def is_open(self) -> bool:
        """Whether a session is open right now, so a call would be sent without waiting."""
        return self._client is not None

    async def start(self) -> None:
        """Start the owner task and begin connecting in the background."""
        if self._owner is not None:
            return
        # A fresh context, so the owner never inherits a caller's exchange.
        self._owner = asyncio.create_task(
            self._own(), name="marketcore-session", context=contextvars.Context()
        )
        self._request_session()

    async def aclose(self) -> None:
        """Close the session and stop the owner task."""
        self._closing = True
        self._wanted.set()
        self._retire.set()
        if self._owner is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._owner), _CLOSE_GRACE)
        except TimeoutError:
            self._owner.cancel()
            with suppress(asyncio.CancelledError):
                await self._owner
        if self._attempt is not None and not self._attempt.done():
            self._attempt.set_exception(
                CallFailed(Failure.CLOSED, "closed while connecting", maybe_processed=False)
            )

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        """Call one tool.

        Raises `CallFailed` when MarketCore gave no answer, `MalformedAnswer` when its
        answer is not a valid result, and `MCPError` when it answered with an error.
        """
        client = await self._session()
        exchange = _Exchange()
        reset_token = _current_exchange.set(exchange)
        try:
            return await client.call_tool(name, arguments, read_timeout_seconds=self._call_timeout)
        except MCPError as exc:
            raise self._call_failure(client, exc, exchange) from exc
        except (RuntimeError, ValidationError) as exc:
            if exchange.sent:
                # The SDK checks every answer against the protocol and the tool's output schema.
                raise MalformedAnswer(str(exc)) from exc
            # The session was closed between handing it out and using it.
            raise CallFailed(Failure.SESSION_LOST, "session closed", maybe_processed=False) from exc
        finally:
            _current_exchange.reset(reset_token)

    async def _session(self) -> Client:
        if self._owner is None:
            raise RuntimeError("call start() before calling MarketCore tools")
        if self._closing:
            raise CallFailed(Failure.CLOSED, "aclose() was called", maybe_processed=False)
        if self._client is not None:
            return self._client

        attempt = self._request_session()
        try:
            return await asyncio.wait_for(asyncio.shield(attempt), self._call_timeout)
        except TimeoutError:
            raise CallFailed(
                Failure.UNREACHABLE, "connecting timed out", maybe_processed=False
            ) from None

    def _request_session(self) -> asyncio.Future[Client]:
        if self._attempt is None or self._attempt.done():
            self._attempt = asyncio.get_running_loop().create_future()
            # Nobody may be waiting (the warm-up at start): mark failures as seen.
            self._attempt.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._wanted.set()
        return self._attempt

    def _call_failure(self, client: Client, exc: MCPError, exchange: _Exchange) -> Exception:
        status = exchange.status
        if status in (401, 403):
            return CallFailed(Failure.AUTH_REFUSED, f"HTTP {status}", maybe_processed=False)
        if exc.code == REQUEST_TIMEOUT:
            detail = f"no answer within {self._call_timeout:g} s"
            return CallFailed(Failure.TIMED_OUT, detail, maybe_processed=True)
        if _is_session_expired(exc):
            self._retire_session(client)
            return CallFailed(Failure.SESSION_LOST, "session expired", maybe_processed=False)
        if exc.code == CONNECTION_CLOSED:
            if not exchange.sent:
                # Nothing could even be written: this session is gone for good.
                self._retire_session(client)
            return CallFailed(Failure.SESSION_LOST, exc.message, maybe_processed=exchange.sent)
        if exc.code == INTERNAL_ERROR and status is not None and status >= 500:
            return CallFailed(Failure.SERVER_ERROR, f"HTTP {status}", maybe_processed=True)
        return exc

    def _retire_session(self, client: Client) -> None:
        if client is self._client:
            # Forget it at once, so the next call asks for a new session.
            self._client = None
            self._retire.set()

    async def _own(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            if self._closing:
                return
            await self._hold_session()

    async def _hold_session(self) -> None:
        attempt = self._attempt
        assert attempt is not None
        exchange = _Exchange()
        _current_exchange.set(exchange)
        held: Client | None = None
        try:
            async with self._open() as client:
                held = client
                await client.list_tools()  # once, so concurrent first calls share the listing
                self._client = client
                if not attempt.done():
                    attempt.set_result(client)
                logger.info("MarketCore session open (%s)", client.protocol_version)
                await self._retire.wait()
        except BaseException as exc:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            failure = _open_failure(exc, exchange)
            if attempt.done():
                logger.warning("MarketCore session ended: %s", failure)
            else:
                logger.warning("MarketCore session could not open: %s", failure)
                attempt.set_exception(failure)
        finally:
            if self._client is held:
                self._client = None
            self._retire.clear()

    @asynccontextmanager
    async def _open(self) -> AsyncIterator[Client]:
        headers = {}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        timeout = httpx2.Timeout(
            _CONNECT_TIMEOUT, read=self._call_timeout + _READ_TIMEOUT_MARGIN, pool=None
        )
        transport = _ObservingTransport(httpx2.AsyncHTTPTransport())

        http = httpx2.AsyncClient(headers=headers, timeout=timeout, transport=transport)
        async with http:
            client = Client(
                streamable_http_client(self._url, http_client=http),
                read_timeout_seconds=self._call_timeout,
                mode=self._protocol,
                client_info=Implementation(name="workflow-bot", version="0.1.0"),
            )
            async with client:
                yield client


def _is_session_expired(exc: MCPError) -> bool:
    # A server answers an unknown or expired session id with 404 and never runs the request.
    text = exc.message.lower()
    return exc.code == INVALID_REQUEST and ("session not found" in text or "terminated" in text)


def _open_failure(exc: BaseException, exchange: _Exchange) -> CallFailed:
    """Turn whatever opening (or holding) a session raised into one readable failure."""
    if exchange.status in (401, 403):
        return CallFailed(Failure.AUTH_REFUSED, f"HTTP {exchange.status}", maybe_processed=False)
    return CallFailed(Failure.UNREACHABLE, _describe(exc), maybe_processed=False)


def _describe(exc: BaseException) -> str:
    # Connection failures arrive wrapped in (nested) exception groups: name the first cause.
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, MCPError):
        return exc.message
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
