"""The HTTP requests Slack sends to the bot's `POST /slack/events`, signed as Slack signs them.

Payload shapes follow what Slack delivers for a workspace (non-enterprise) install:
slash commands as plain form fields, interactions as `payload=<json>` form bodies.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T123"
TEAM_DOMAIN = "standin"
API_APP_ID = "A0STANDIN"
# The deprecated verification token Slack still includes in every payload.
VERIFICATION_TOKEN = "verification-token"  # noqa: S105 - a fixed dummy, as Slack's is public
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


@dataclass(frozen=True)
class SignedRequest:
    """A request body and the headers Slack sends with it."""

    body: bytes
    headers: dict[str, str]


def sign(body: bytes, secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature headers: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def slash_command(
    secret: str,
    *,
    text: str,
    user_id: str = "U123",
    channel_id: str = "C123",
    trigger_id: str,
    response_url: str,
    team_id: str = TEAM_ID,
    command: str = "/run-workflow",
) -> SignedRequest:
    """A slash command, form-encoded field by field as Slack sends it."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": _channel_name(channel_id),
        "user_id": user_id,
        "user_name": _user_name(user_id),
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return _form_request(fields, secret)


def view_submission(
    secret: str,
    *,
    view: dict[str, Any],
    values: dict[str, dict[str, dict[str, Any]]],
    user_id: str = "U123",
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
) -> SignedRequest:
    """A modal submitted with `values` as its state (`{block_id: {action_id: {...}}}`)."""
    submitted = copy.deepcopy(view)
    submitted["state"] = {"values": copy.deepcopy(values)}
    payload = {
        **_envelope("view_submission", user_id, team_id),
        "trigger_id": trigger_id or _unissued_trigger_id(),
        "view": submitted,
        "response_urls": [],
    }
    return _payload_request(payload, secret)


def block_actions(
    secret: str,
    *,
    view: dict[str, Any] | None,
    action: dict[str, Any],
    user_id: str = "U123",
    trigger_id: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    team_id: str = TEAM_ID,
) -> SignedRequest:
    """A button press or a select change, in a modal (`view`) or in a message."""
    acted = {"action_ts": _action_ts(), **action}
    payload: dict[str, Any] = {
        **_envelope("block_actions", user_id, team_id),
        "trigger_id": trigger_id or _unissued_trigger_id(),
        "actions": [acted],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = copy.deepcopy(view)
    elif channel_id is not None and message_ts is not None:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel_id, "name": _channel_name(channel_id)}
        payload["message"] = message or {"type": "message", "ts": message_ts, "text": ""}
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url or f"https://hooks.slack.com/actions/{team_id}/1/x"
    else:
        raise ValueError("block_actions needs a view, or a channel_id and message_ts")
    return _payload_request(payload, secret)


def block_suggestion(
    secret: str,
    *,
    view: dict[str, Any],
    action_id: str,
    block_id: str,
    value: str,
    user_id: str = "U123",
    team_id: str = TEAM_ID,
) -> SignedRequest:
    """An options request from an `external_select` in a modal, for what was typed."""
    payload = {
        **_envelope("block_suggestion", user_id, team_id),
        "container": {"type": "view", "view_id": view["id"]},
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "view": copy.deepcopy(view),
    }
    return _payload_request(payload, secret)


def app_home_opened(
    secret: str,
    *,
    user_id: str = "U123",
    tab: str = "home",
    view: dict[str, Any] | None = None,
    team_id: str = TEAM_ID,
) -> SignedRequest:
    """The Events API's `app_home_opened`, sent when someone opens a tab of the App Home.

    `view` is the Home as last published, which Slack includes once there is one.
    """
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": f"D{user_id[1:]}",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    if view is not None and tab == "home":
        event["view"] = copy.deepcopy(view)
    return event_callback(secret, event, team_id=team_id)


def app_uninstalled(secret: str, *, team_id: str = TEAM_ID) -> SignedRequest:
    """The Events API's `app_uninstalled`, sent when a workspace removes the app."""
    return event_callback(secret, {"type": "app_uninstalled"}, team_id=team_id)


def event_callback(secret: str, event: dict[str, Any], *, team_id: str = TEAM_ID) -> SignedRequest:
    """An Events API delivery of `event` to the bot of `team_id`."""
    payload = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "UBOT0001",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **sign(body, secret)}
    return SignedRequest(body, headers)


def _envelope(kind: str, user_id: str, team_id: str) -> dict[str, Any]:
    # The fields every interaction payload starts with.
    return {
        "type": kind,
        "user": {
            "id": user_id,
            "username": _user_name(user_id),
            "name": _user_name(user_id),
            "team_id": team_id,
        },
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def _payload_request(payload: dict[str, Any], secret: str) -> SignedRequest:
    return _form_request({"payload": json.dumps(payload)}, secret)


def _form_request(fields: dict[str, str], secret: str) -> SignedRequest:
    body = urlencode(fields).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": USER_AGENT,
        **sign(body, secret),
    }
    return SignedRequest(body, headers)


def _user_name(user_id: str) -> str:
    return f"user-{user_id.lower()}"


def _channel_name(channel_id: str) -> str:
    return "directmessage" if channel_id.startswith("D") else f"channel-{channel_id.lower()}"


def _unissued_trigger_id() -> str:
    # Shaped like Slack's, but unknown to any stand-in: opening a view with it fails.
    return f"{secrets.randbelow(10**10)}.{int(time.time())}.{secrets.token_hex(16)}"


def _action_ts() -> str:
    return f"{time.time():.6f}"
