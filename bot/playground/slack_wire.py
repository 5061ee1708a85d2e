"""Slack's Web API wire format: how arguments arrive, how answers and refusals look."""

from __future__ import annotations

import contextlib
import copy
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

# Slack accepts these arguments as JSON-encoded strings inside form bodies.
JSON_ARGUMENTS = ("view", "blocks", "attachments", "metadata")


@dataclass
class SlackCall:
    """One request as it arrived: the method, its decoded arguments and the token used."""

    method: str
    args: dict[str, Any]
    at: float  # time.monotonic() on arrival
    token: str | None = None


@dataclass(frozen=True)
class SlackProblem:
    """Something the bot sent that real Slack would refuse."""

    method: str
    message: str

    def __str__(self) -> str:
        return f"{self.method}: {self.message}"


class SlackRefusal(Exception):
    """Answer `{"ok": false, "error": error, **extra}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


async def read_arguments(request: Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    if body and request.headers.get("content-type", "").startswith("application/json"):
        try:
            decoded = json.loads(body)
        except ValueError:
            raise SlackRefusal("invalid_json") from None
        if not isinstance(decoded, dict):
            raise SlackRefusal("invalid_json")
        args.update(decoded)
    elif body:
        args.update(parse_qsl(body.decode(), keep_blank_values=True))

    for name in JSON_ARGUMENTS:
        if isinstance(args.get(name), str):
            with contextlib.suppress(ValueError):
                args[name] = json.loads(args[name])
    return args


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def refused(refusal: SlackRefusal) -> JSONResponse:
    return JSONResponse({"ok": False, "error": refusal.error, **refusal.extra})


def error_metadata(messages: list[str]) -> dict[str, list[str]]:
    return {"messages": [f"[ERROR] {message}" for message in messages]}


def with_block_ids(blocks: list[Any]) -> list[Any]:
    # Slack gives every block without a block_id a generated one.
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        if isinstance(block, dict) and "block_id" not in block:
            block["block_id"] = secrets.token_urlsafe(4)
    return blocks
