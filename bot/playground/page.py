"""The playground's web server: the page, the Slack Web API stand-in, and the page's endpoints.

One Starlette app serves `/` (the page, static files from the package), `/slack/api/…`
(the Web API the bot's `SLACK_API_URL` points at) and `/playground/…` (what the page
asks and does: state to draw, who is at the page, commands, submissions, actions, option
loads, previews).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.playground.bridge import BotLink
from bot.playground.preview import preview_form
from bot.playground.slack_api import SlackStandIn
from bot.playground.workspace import MEMBERS, directory

STATIC = resources.files("bot.playground") / "static"
# The page is a tool for one person at a time: bodies past this are not something it sends.
_MAX_BODY_BYTES = 1_000_000


class Playground:
    """The state behind the page: the stand-in Slack and the link to the bot."""

    def __init__(self, slack: SlackStandIn, link: BotLink) -> None:
        self.slack = slack
        self.link = link

    def state(self) -> dict[str, Any]:
        """Everything the page draws: the workspace, messages, notes to me, the open modal."""
        me = self.link.user.id
        messages = sorted(self.slack.messages.values(), key=lambda message: message["ts"])
        notes = [note for note in self.slack.ephemerals if note.get("user") == me]
        return {
            **directory(),
            "me": me,
            "bot": {"id": self.slack.bot_user_id, "name": "workflow-bot"},
            "messages": messages,
            "ephemerals": notes,
            "response_url_posts": self.slack.response_url_posts,
            "view": self.slack.top_view(),
            "home": self.slack.home_views.get(me),
        }


def create_page_app(playground: Playground) -> Starlette:
    """The ASGI app serving the page, the stand-in Slack and the page's endpoints."""
    routes = [
        Route("/", _index, methods=["GET"]),
        Route("/playground/state", _endpoint(playground, _state), methods=["GET"]),
        Route("/playground/command", _endpoint(playground, _command), methods=["POST"]),
        Route("/playground/submit", _endpoint(playground, _submit), methods=["POST"]),
        Route("/playground/close", _endpoint(playground, _close), methods=["POST"]),
        Route("/playground/home", _endpoint(playground, _home), methods=["POST"]),
        Route("/playground/user", _endpoint(playground, _user), methods=["POST"]),
        Route("/playground/action", _endpoint(playground, _action), methods=["POST"]),
        Route("/playground/suggest", _endpoint(playground, _suggest), methods=["POST"]),
        Route("/playground/preview", _endpoint(playground, _preview), methods=["POST"]),
        Mount("/slack", app=playground.slack.asgi_app()),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    # Only this machine's names: a web page elsewhere cannot reach it by rebinding DNS.
    hosts = Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])
    return Starlette(routes=routes, middleware=[hosts])


async def _index(_: Request) -> Response:
    return FileResponse(str(STATIC / "index.html"))


Handler = Callable[[Playground, dict[str, Any]], Awaitable[dict[str, Any]]]


def _endpoint(playground: Playground, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A route answering JSON: the page's JSON body in, the handler's dict out."""

    async def endpoint(request: Request) -> Response:
        body: Any = {}
        if request.method == "POST":
            # A cross-site form cannot send this type without asking first, and is refused.
            if request.headers.get("content-type") != "application/json":
                return JSONResponse({"error": "expected application/json"}, status_code=415)
            raw = await request.body()
            if len(raw) > _MAX_BODY_BYTES:
                return JSONResponse({"error": "too large"}, status_code=413)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)
        try:
            return JSONResponse(await handler(playground, body))
        except (LookupError, TypeError, ValueError) as error:
            # A view that closed meanwhile, or a malformed request from the page.
            return JSONResponse({"error": str(error)}, status_code=400)

    return endpoint


async def _state(playground: Playground, _: dict[str, Any]) -> dict[str, Any]:
    return playground.state()


async def _command(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    text = str(body.get("text", ""))
    command, _, rest = text.strip().partition(" ")
    if command != "/run-workflow":
        return {"error": f"{command or 'That'} is not a command this workspace knows."}
    answer = await playground.link.command(str(body["channel"]), rest.strip())
    return {"status": answer.status}


async def _submit(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    return await playground.link.submit(str(body["view_id"]), dict(body.get("values") or {}))


async def _close(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    playground.slack.close_view(str(body["view_id"]))
    return {}


async def _home(playground: Playground, _: dict[str, Any]) -> dict[str, Any]:
    answer = await playground.link.open_home()
    return {"status": answer.status}


async def _user(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    # The page can be used as any member, so one person can play requester and approver.
    wanted = str(body.get("id"))
    member = next((member for member in MEMBERS if member.id == wanted), None)
    if member is None:
        raise LookupError(f"no member {wanted}")
    playground.link.user = member
    return {"me": member.id}


async def _action(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    answer = await playground.link.act(dict(body["action"]), dict(body.get("where") or {}))
    return {"status": answer.status}


async def _suggest(playground: Playground, body: dict[str, Any]) -> dict[str, Any]:
    options = await playground.link.suggest(
        str(body["view_id"]), str(body["action_id"]), str(body["block_id"]), str(body["value"])
    )
    return {"options": options}


async def _preview(_: Playground, body: dict[str, Any]) -> dict[str, Any]:
    return preview_form(str(body.get("schema", "")))
