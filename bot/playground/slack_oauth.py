"""The stand-in's side of Slack's OAuth v2 install flow: codes, token exchange, workspaces.

A test plays the person approving the install: `issue_code(team_id)` is what Slack's
authorize page would hand to the redirect URL, and `oauth.v2.access` exchanges it (once)
for a bot token that the stand-in then accepts for that workspace. `authorize_page` is
that page approving at once: it sends the browser back to `redirect_url` with a code
for the workspace named by `team` and the app's state.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.playground.slack_wire import SlackRefusal

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "standin-client-secret"  # noqa: S105 - the stand-in's own, not a real secret
GRANTED_SCOPES = "commands,chat:write,chat:write.public,im:write,usergroups:read,users:read"


class SlackOAuthStandIn:
    """Install codes and the bot tokens they were exchanged for, per workspace."""

    def __init__(self, *, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.workspaces: dict[str, str] = {}  # bot token → team id
        # The app's redirect URL, as its settings at Slack name it.
        self.redirect_url: str | None = None
        self.default_team_id = "T123"
        self._codes: dict[str, tuple[str, str]] = {}  # code → (team id, installing user)

    def issue_code(self, team_id: str, user_id: str = "U900") -> str:
        """The code Slack's authorize page sends to the redirect URL once someone approves."""
        code = secrets.token_hex(8)
        self._codes[code] = (team_id, user_id)
        return code

    async def authorize_page(self, request: Request) -> Response:
        """`GET /oauth/v2/authorize`: approve the install and go back to the app."""
        query = request.query_params
        if query.get("client_id") != self.client_id or self.redirect_url is None:
            return PlainTextResponse("invalid_client_id", status_code=400)
        if not query.get("scope") or not query.get("state"):
            return PlainTextResponse("invalid_scope_or_state", status_code=400)
        code = self.issue_code(query.get("team") or self.default_team_id)
        back = urlencode({"code": code, "state": query["state"]})
        return RedirectResponse(f"{self.redirect_url}?{back}", status_code=302)

    def team_of(self, token: str) -> str | None:
        """The workspace a token issued by `oauth.v2.access` belongs to."""
        return self.workspaces.get(token)

    def exchange(self, request: Request, args: dict[str, Any]) -> dict[str, Any]:
        """`oauth.v2.access`: the app's credentials and a fresh code → a bot token."""
        client_id, client_secret = _basic_auth(request)
        client_id = client_id or args.get("client_id")
        client_secret = client_secret or args.get("client_secret")
        if client_id != self.client_id or client_secret != self.client_secret:
            raise SlackRefusal("invalid_client_id")
        grant = self._codes.pop(str(args.get("code")), None)
        if grant is None:
            raise SlackRefusal("invalid_code")

        team_id, user_id = grant
        token = f"xoxb-{team_id.lower()}-{secrets.token_hex(6)}"
        self.workspaces[token] = team_id
        return {
            "access_token": token,
            "token_type": "bot",
            "scope": GRANTED_SCOPES,
            "bot_user_id": f"UB{team_id}",
            "app_id": "A0STANDIN",
            "team": {"id": team_id, "name": f"Workspace {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": user_id},
        }


def _basic_auth(request: Request) -> tuple[str | None, str | None]:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret
