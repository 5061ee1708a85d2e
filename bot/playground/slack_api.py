"""A stand-in for Slack's Web API, served over real HTTP to the playground and to tests.

It speaks Slack's wire format (form or JSON bodies, a bearer token, `{"ok": ...}`
answers with HTTP 200) and keeps the state the bot depends on: trigger ids that work
once and briefly, views guarded by hashes, messages edited in place. Every view and
block list it receives is checked against Block Kit, and a refusal is recorded in
`problems` so a scenario can assert the bot never sent anything Slack would refuse.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.playground.blockkit_checks import MESSAGE_BLOCK_LIMIT, check_blocks
from bot.playground.slack_oauth import SlackOAuthStandIn
from bot.playground.slack_views import SlackViews
from bot.playground.slack_wire import (
    SlackCall,
    SlackRefusal,
    bearer_token,
    error_metadata,
    read_arguments,
    refused,
    with_block_ids,
)

MESSAGE_TEXT_LIMIT = 40_000
# A slash command's response_url works 5 times within 30 minutes.
RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60.0
DEFAULT_TOKEN = "xoxb-test-token"  # noqa: S105 - the stand-in's own, not a real secret
FIRST_TS = 1_700_000_000_000_000  # microseconds; ts values read "1700000000.000100"


@dataclass
class _ResponseUrl:
    issued_at: float
    uses: int = 0


class SlackGate:
    """Holds the calls to one method until `release()` (Slack acts on them, late) or
    `drop()` (Slack never does: each is answered with a bare HTTP 503). Calls that
    arrive after either pass straight through."""

    def __init__(self) -> None:
        self.held = 0  # calls waiting at the gate now
        self._opened = asyncio.Event()
        self._dropped = False

    def release(self) -> None:
        self._opened.set()

    def drop(self) -> None:
        self._dropped = True
        self._opened.set()

    async def admit(self) -> bool:
        """Wait while the gate is closed; False when the call was dropped."""
        if self._opened.is_set():
            return True
        self.held += 1
        try:
            await self._opened.wait()
        finally:
            self.held -= 1
        return not self._dropped


class SlackStandIn(SlackViews):
    """Slack's Web API as far as workflow-bot uses it, with state tests can inspect."""

    team_name = "Stand-in Workspace"
    bot_user_id = "UBOT0001"
    workspace_url = "https://standin.slack.com/"

    def __init__(self, *, token: str = DEFAULT_TOKEN, trigger_ttl: float = 3.0) -> None:
        super().__init__(trigger_ttl=trigger_ttl)
        self.token = token
        # Installs through the OAuth flow: their bot tokens are accepted too, each for
        # its own workspace.
        self.oauth = SlackOAuthStandIn()
        self.oauth.default_team_id = self.team_id
        self.calls: list[SlackCall] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.response_url_posts: list[dict[str, Any]] = []
        self.not_member_channels: set[str] = set()
        self.missing_channels: set[str] = set()
        # method → a Slack error code to answer its next call with; "ratelimited" answers
        # 429 with Retry-After, and "http_<status>" (e.g. "http_503") a bare HTTP error.
        self.fail_next: dict[str, str] = {}
        self.usergroups: dict[str, list[str]] = {}  # user group id → member ids
        self.admins: set[str] = set()  # user ids users.info calls workspace admins
        # method → (failure, calls left): like `fail_next`, for that many calls in a row.
        self.fail_repeatedly: dict[str, tuple[str, int]] = {}
        self._gates: dict[str, SlackGate] = {}

        self._dm_channels: dict[str, str] = {}  # user id → "D…"
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._message_serial = 0  # apart, so the first message's ts is always the same
        self._app: Starlette | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "conversations.open": self._conversations_open,
            "chat.getPermalink": self._chat_get_permalink,
            "usergroups.users.list": self._usergroups_users_list,
            "users.info": self._users_info,
        }

    # -- for tests ---------------------------------------------------------------

    def response_url(self, base_url: str) -> str:
        """A fresh response URL served by this stand-in at `base_url`."""
        url_id = secrets.token_hex(12)
        self._response_urls[url_id] = _ResponseUrl(time.monotonic())
        return f"{base_url.rstrip('/')}/response_url/{url_id}"

    def calls_to(self, method: str) -> list[SlackCall]:
        return [call for call in self.calls if call.method == method]

    def hold(self, method: str) -> SlackGate:
        """Hold calls to `method` (recorded in `calls` on arrival) until the gate opens."""
        gate = SlackGate()
        self._gates[method] = gate
        return gate

    def asgi_app(self) -> Starlette:
        if self._app is None:
            self._app = Starlette(
                routes=[
                    Route("/api/{method}", self._serve_api, methods=["GET", "POST"]),
                    Route("/response_url/{url_id}", self._serve_response_url, methods=["POST"]),
                    Route("/oauth/v2/authorize", self.oauth.authorize_page, methods=["GET"]),
                ]
            )
        return self._app

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - the failure describes the calls made
    ) -> None:
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
            args = await read_arguments(request)
        except SlackRefusal as refusal:
            return refused(refusal)

        token = bearer_token(request) or args.pop("token", None)
        self.calls.append(SlackCall(method, args, time.monotonic(), token))
        if method == "oauth.v2.access":  # the app's own credentials, not a token
            return self._answer(lambda: self.oauth.exchange(request, args))
        if not token:
            return refused(SlackRefusal("not_authed"))
        if token != self.token and self.oauth.team_of(token) is None:
            return refused(SlackRefusal("invalid_auth"))

        gate = self._gates.get(method)
        if gate is not None and not await gate.admit():
            return PlainTextResponse("dropped before Slack saw it", status_code=503)

        failure = self.fail_next.pop(method, None) or self._repeated_failure(method)
        if failure == "ratelimited":
            body = {"ok": False, "error": "ratelimited"}
            return JSONResponse(body, status_code=429, headers={"Retry-After": "1"})
        if failure is not None and failure.startswith("http_"):
            status = int(failure.removeprefix("http_"))
            return PlainTextResponse("upstream trouble", status_code=status)
        if failure is not None:
            return refused(SlackRefusal(failure))

        self.caller_team_id = self.oauth.team_of(token) or self.team_id
        if method == "auth.test":
            return self._answer(lambda: self._auth_test(token))
        handler = self._methods.get(method)
        if handler is None:
            return refused(SlackRefusal("unknown_method", req_method=method))
        return self._answer(lambda: handler(args))

    @staticmethod
    def _answer(method: Callable[[], dict[str, Any]]) -> Response:
        try:
            return JSONResponse({"ok": True, **method()})
        except SlackRefusal as refusal:
            return refused(refusal)

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

    def _auth_test(self, token: str) -> dict[str, Any]:
        # A token from an install answers for the workspace it was issued in.
        installed_team = self.oauth.team_of(token)
        return {
            "url": self.workspace_url,
            "team": self.team_name if installed_team is None else f"Workspace {installed_team}",
            "user": "workflow-bot",
            "team_id": installed_team or self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

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

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self.usergroups.get(str(args.get("usergroup")))
        if members is None:
            raise SlackRefusal("no_such_subteam")
        return {"users": list(members)}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user") or "")
        if user_id[:1] not in ("U", "W"):
            raise SlackRefusal("user_not_found")
        admin = user_id in self.admins
        user = {
            "id": user_id,
            "team_id": self.caller_team_id,
            "name": user_id.lower(),
            "is_admin": admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_bot": False,
        }
        return {"user": user}

    # -- state ---------------------------------------------------------------------

    def _repeated_failure(self, method: str) -> str | None:
        failure, left = self.fail_repeatedly.pop(method, (None, 0))
        if failure is not None and left > 1:
            self.fail_repeatedly[method] = (failure, left - 1)
        return failure

    def _postable_channel(self, requested: Any) -> str:
        channel = str(requested or "")
        if not channel or channel in self.missing_channels:
            raise SlackRefusal("channel_not_found")
        if channel in self.not_member_channels:
            raise SlackRefusal("not_in_channel")
        if channel[:1] in ("U", "W"):
            return self._dm_channel(channel)  # posting to a user id lands in the app's DM
        return channel

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
                "invalid_blocks", errors=messages, response_metadata=error_metadata(messages)
            )
        return text, with_block_ids(blocks)

    def _message_payload(self, message: dict[str, Any]) -> dict[str, Any]:
        payload = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.caller_team_id,
            "text": message["text"],
            "ts": message["ts"],
        }
        if message["blocks"]:
            payload["blocks"] = copy.deepcopy(message["blocks"])
        return payload

    def _dm_channel(self, users: str) -> str:
        if users not in self._dm_channels:
            self._dm_channels[users] = f"D{self._next_serial():08X}"
        return self._dm_channels[users]

    def _next_ts(self) -> str:
        self._message_serial += 1
        micros = FIRST_TS + 100 * self._message_serial
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
