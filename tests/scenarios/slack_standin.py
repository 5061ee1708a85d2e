"""A stand-in for Slack's Web API, served over real HTTP for scenario tests.

It speaks Slack's wire format (form or JSON bodies, a bearer token, `{"ok": ...}`
answers with HTTP 200) and keeps the state the bot depends on: trigger ids that work
once and briefly, views guarded by hashes, messages edited in place. Every view and
block list it receives is checked against Block Kit, and a refusal is recorded in
`problems` so a scenario can assert the bot never sent anything Slack would refuse.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.scenarios.blockkit_checks import MESSAGE_BLOCK_LIMIT, check_blocks, check_view

# Slack accepts these arguments as JSON-encoded strings inside form bodies.
JSON_ARGUMENTS = ("view", "blocks", "attachments", "metadata")
MESSAGE_TEXT_LIMIT = 40_000
VIEW_STACK_LIMIT = 3
# A slash command's response_url works 5 times within 30 minutes.
RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60.0
DEFAULT_TOKEN = "xoxb-test-token"
FIRST_TS = 1_700_000_000_000_000  # microseconds; ts values read "1700000000.000100"


@dataclass
class SlackCall:
    """One request as it arrived: the method and its decoded arguments (no token)."""

    method: str
    args: dict[str, Any]
    at: float  # time.monotonic() on arrival


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


@dataclass
class _Trigger:
    issued_at: float
    view_id: str | None
    used: bool = False


@dataclass
class _ResponseUrl:
    issued_at: float
    uses: int = 0


class SlackStandIn:
    """Slack's Web API as far as workflow-bot uses it, with state tests can inspect."""

    team_id = "T123"
    team_name = "Stand-in Workspace"
    bot_user_id = "UBOT0001"
    bot_id = "BBOT0001"
    app_id = "A0STANDIN"
    workspace_url = "https://standin.slack.com/"

    def __init__(self, *, token: str = DEFAULT_TOKEN, trigger_ttl: float = 3.0) -> None:
        self.token = token
        self.trigger_ttl = trigger_ttl
        self.calls: list[SlackCall] = []
        self.problems: list[SlackProblem] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.response_url_posts: list[dict[str, Any]] = []
        self.not_member_channels: set[str] = set()
        self.missing_channels: set[str] = set()
        self.fail_next: dict[str, str] = {}

        self._triggers: dict[str, _Trigger] = {}
        self._stacks: dict[str, list[str]] = {}  # root view id → views, bottom first
        self._dm_channels: dict[str, str] = {}  # user id → "D…"
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._serial = 0
        self._message_serial = 0  # apart, so the first message's ts is always the same
        self._app: Starlette | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "conversations.open": self._conversations_open,
            "chat.getPermalink": self._chat_get_permalink,
        }

    # -- for tests ---------------------------------------------------------------

    def issue_trigger_id(self, *, view_id: str | None = None) -> str:
        """A trigger id as Slack puts in an interaction; `view_id` ties it to a modal."""
        trigger_id = f"{self._next_serial()}.{int(time.time())}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = _Trigger(time.monotonic(), view_id)
        return trigger_id

    def response_url(self, base_url: str) -> str:
        """A fresh response URL served by this stand-in at `base_url`."""
        url_id = secrets.token_hex(12)
        self._response_urls[url_id] = _ResponseUrl(time.monotonic())
        return f"{base_url.rstrip('/')}/response_url/{url_id}"

    def calls_to(self, method: str) -> list[SlackCall]:
        return [call for call in self.calls if call.method == method]

    def close_view(self, view_id: str) -> None:
        """The person closed the modal: its whole stack is gone, as in Slack."""
        if view_id not in self.views:
            return
        root_id = self.views[view_id]["root_view_id"]
        for stacked_id in self._stacks.pop(root_id, []):
            self.views.pop(stacked_id, None)

    def asgi_app(self) -> Starlette:
        if self._app is None:
            self._app = Starlette(
                routes=[
                    Route("/api/{method}", self._serve_api, methods=["GET", "POST"]),
                    Route("/response_url/{url_id}", self._serve_response_url, methods=["POST"]),
                ]
            )
        return self._app

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll until `predicate()` holds, else fail describing what Slack was asked."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"condition not met within {timeout:g} s\n{self.describe_recent_calls()}"
                )
            await asyncio.sleep(0.01)

    def describe_recent_calls(self, count: int = 15) -> str:
        lines = [f"last {min(count, len(self.calls))} of {len(self.calls)} calls:"]
        for call in self.calls[-count:]:
            args = json.dumps(call.args, default=str)
            lines.append(f"  {call.method} {args[:300]}")
        lines += [f"  problem: {problem}" for problem in self.problems]
        return "\n".join(lines)

    # -- HTTP ----------------------------------------------------------------------

    async def _serve_api(self, request: Request) -> Response:
        method = request.path_params["method"]
        try:
            args = await _read_arguments(request)
        except SlackRefusal as refusal:
            return _refused(refusal)

        token = _bearer_token(request) or args.pop("token", None)
        self.calls.append(SlackCall(method, args, time.monotonic()))
        if not token:
            return _refused(SlackRefusal("not_authed"))
        if token != self.token:
            return _refused(SlackRefusal("invalid_auth"))

        failure = self.fail_next.pop(method, None)
        if failure == "ratelimited":
            body = {"ok": False, "error": "ratelimited"}
            return JSONResponse(body, status_code=429, headers={"Retry-After": "1"})
        if failure is not None:
            return _refused(SlackRefusal(failure))

        handler = self._methods.get(method)
        if handler is None:
            return _refused(SlackRefusal("unknown_method", req_method=method))
        try:
            return JSONResponse({"ok": True, **handler(args)})
        except SlackRefusal as refusal:
            return _refused(refusal)

    async def _serve_response_url(self, request: Request) -> Response:
        # Answers like Slack's webhooks: plain text, "ok" or an error word.
        record = self._response_urls.get(request.path_params["url_id"])
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return PlainTextResponse("invalid_payload", status_code=400)
        self.calls.append(SlackCall("response_url", body, time.monotonic()))

        if record is None:
            return PlainTextResponse("no_service", status_code=404)
        if time.monotonic() - record.issued_at > RESPONSE_URL_TTL:
            return PlainTextResponse("expired_url", status_code=404)
        if record.uses >= RESPONSE_URL_USES:
            return PlainTextResponse("used_url", status_code=404)
        messages = check_blocks(body["blocks"], "/blocks") if "blocks" in body else []
        if messages:
            self._record_problems("response_url", messages)
            return PlainTextResponse("invalid_blocks", status_code=400)
        record.uses += 1
        self.response_url_posts.append(body)
        return PlainTextResponse("ok")

    # -- methods -------------------------------------------------------------------

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.workspace_url,
            "team": self.team_name,
            "user": "workflow-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        sent = self._checked_view("views.open", args)
        self._take_trigger(args)
        view = self._store_view(sent, root_id=None, previous_id=None)
        return {"view": view}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        sent = self._checked_view("views.push", args)
        trigger = self._take_trigger(args)
        if trigger.view_id is None or trigger.view_id not in self.views:
            # A trigger from outside a modal starts a stack of its own.
            return {"view": self._store_view(sent, root_id=None, previous_id=None)}

        root_id = self.views[trigger.view_id]["root_view_id"]
        stack = self._stacks[root_id]
        if len(stack) >= VIEW_STACK_LIMIT:
            raise SlackRefusal("push_limit_reached")
        return {"view": self._store_view(sent, root_id=root_id, previous_id=stack[-1])}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        sent = self._checked_view("views.update", args)
        current = self._find_view(args)
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackRefusal("hash_conflict")

        view = self._view_record(sent, current["id"], current["root_view_id"])
        view["previous_view_id"] = current["previous_view_id"]
        self.views[current["id"]] = view
        return {"view": copy.deepcopy(view)}

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel"))
        text, blocks = self._checked_message("chat.postMessage", args)
        ts = self._next_ts()
        message = {
            "channel": channel,
            "ts": ts,
            "text": text,
            "blocks": blocks,
            "thread_ts": args.get("thread_ts"),
            "edits": 0,
        }
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": self._message_payload(message)}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel"))
        message = self.messages.get((channel, str(args.get("ts"))))
        if message is None:
            raise SlackRefusal("message_not_found")
        text, blocks = self._checked_message("chat.update", args)

        # Slack replaces the content: text without blocks removes the old blocks.
        message.update(text=text, blocks=blocks, edits=message["edits"] + 1)
        payload = self._message_payload(message)
        return {"channel": channel, "ts": message["ts"], "text": text, "message": payload}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel"))
        if not args.get("user"):
            raise SlackRefusal("user_not_in_channel")
        text, blocks = self._checked_message("chat.postEphemeral", args)
        ts = self._next_ts()
        self.ephemerals.append(
            {"channel": channel, "user": args["user"], "ts": ts, "text": text, "blocks": blocks}
        )
        return {"message_ts": ts}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [user for user in str(args.get("users") or "").split(",") if user]
        if not users:
            raise SlackRefusal("users_list_not_supplied")
        if not all(user[:1] in ("U", "W") for user in users):
            raise SlackRefusal("user_not_found")
        already_open = ",".join(users) in self._dm_channels
        return {
            "no_op": already_open,
            "already_open": already_open,
            "channel": {"id": self._dm_channel(",".join(users))},
        }

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        ts = str(args.get("message_ts"))
        if (channel, ts) not in self.messages:
            raise SlackRefusal("message_not_found")
        permalink = f"{self.workspace_url}archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": permalink}

    # -- state ---------------------------------------------------------------------

    def _take_trigger(self, args: dict[str, Any]) -> _Trigger:
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        trigger = self._triggers.get(str(trigger_id))
        if trigger is None:
            raise SlackRefusal("invalid_trigger_id")
        if trigger.used:
            raise SlackRefusal("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise SlackRefusal("expired_trigger_id")
        trigger.used = True
        return trigger

    def _find_view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self.views.get(str(args.get("view_id")))
        if view is None and args.get("external_id"):
            by_external_id = {v["external_id"]: v for v in self.views.values()}
            view = by_external_id.get(args["external_id"])
        if view is None:
            raise SlackRefusal("not_found")
        return view

    def _store_view(
        self, sent: dict[str, Any], *, root_id: str | None, previous_id: str | None
    ) -> dict[str, Any]:
        view_id = f"V{self._next_serial():08X}"
        root_id = root_id or view_id
        view = self._view_record(sent, view_id, root_id)
        view["previous_view_id"] = previous_id
        self.views[view_id] = view
        self._stacks.setdefault(root_id, []).append(view_id)
        return copy.deepcopy(view)

    def _view_record(self, sent: dict[str, Any], view_id: str, root_id: str) -> dict[str, Any]:
        # The shape views.open/update/push answer with, echoing what was sent.
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": sent.get("type"),
            "blocks": _with_block_ids(sent.get("blocks") or []),
            "private_metadata": sent.get("private_metadata", ""),
            "callback_id": sent.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": sent.get("title"),
            "clear_on_close": sent.get("clear_on_close", False),
            "notify_on_close": sent.get("notify_on_close", False),
            "close": sent.get("close"),
            "submit": sent.get("submit"),
            "previous_view_id": None,
            "root_view_id": root_id,
            "app_id": self.app_id,
            "external_id": sent.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def _postable_channel(self, requested: Any) -> str:
        channel = str(requested or "")
        if not channel or channel in self.missing_channels:
            raise SlackRefusal("channel_not_found")
        if channel in self.not_member_channels:
            raise SlackRefusal("not_in_channel")
        if channel[:1] in ("U", "W"):
            return self._dm_channel(channel)  # posting to a user id lands in the app's DM
        return channel

    def _checked_view(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        sent = args.get("view")
        messages = ["missing required field: view"] if sent is None else check_view(sent)
        if messages:
            self._record_problems(method, messages)
            raise SlackRefusal("invalid_arguments", response_metadata=_metadata(messages))
        assert isinstance(sent, dict)
        return sent

    def _checked_message(self, method: str, args: dict[str, Any]) -> tuple[str, list[Any]]:
        text = args.get("text") or ""
        blocks = args.get("blocks") or []
        if not text and not blocks and not args.get("attachments"):
            raise SlackRefusal("no_text")
        if len(text) > MESSAGE_TEXT_LIMIT:
            raise SlackRefusal("msg_too_long")
        messages = check_blocks(blocks, "/blocks", limit=MESSAGE_BLOCK_LIMIT) if blocks else []
        if messages:
            self._record_problems(method, messages)
            raise SlackRefusal(
                "invalid_blocks", errors=messages, response_metadata=_metadata(messages)
            )
        return text, _with_block_ids(blocks)

    def _message_payload(self, message: dict[str, Any]) -> dict[str, Any]:
        payload = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": message["text"],
            "ts": message["ts"],
        }
        if message["blocks"]:
            payload["blocks"] = copy.deepcopy(message["blocks"])
        return payload

    def _record_problems(self, method: str, messages: list[str]) -> None:
        self.problems += [SlackProblem(method, message) for message in messages]

    def _dm_channel(self, users: str) -> str:
        if users not in self._dm_channels:
            self._dm_channels[users] = f"D{self._next_serial():08X}"
        return self._dm_channels[users]

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _next_ts(self) -> str:
        self._message_serial += 1
        micros = FIRST_TS + 100 * self._message_serial
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


# -- request decoding ----------------------------------------------------------------


async def _read_arguments(request: Request) -> dict[str, Any]:
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


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def _refused(refusal: SlackRefusal) -> JSONResponse:
    return JSONResponse({"ok": False, "error": refusal.error, **refusal.extra})


def _metadata(messages: list[str]) -> dict[str, list[str]]:
    return {"messages": [f"[ERROR] {message}" for message in messages]}


def _with_block_ids(blocks: list[Any]) -> list[Any]:
    # Slack gives every block without a block_id a generated one.
    blocks = copy.deepcopy(blocks)
    for block in blocks:
        if isinstance(block, dict) and "block_id" not in block:
            block["block_id"] = secrets.token_urlsafe(4)
    return blocks


# -- Block Kit checks ----------------------------------------------------------------
