"""Slack's side of the conversation: what the page does becomes the signed request Slack
would send to the bot's `/slack/events`, and the bot's answer is applied as Slack applies it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.playground import slack_requests
from bot.playground.slack_api import SlackStandIn
from bot.playground.slack_requests import SignedRequest
from bot.playground.slack_wire import SlackRefusal
from bot.playground.workspace import ME, Member

logger = logging.getLogger(__name__)

# Slack gives the app 3 s to answer; a little more here so a slow answer is still seen.
_ANSWER_TIMEOUT = aiohttp.ClientTimeout(total=5)


@dataclass(frozen=True)
class BotAnswer:
    """The bot's HTTP answer: its status and decoded JSON body (`{}` when empty)."""

    status: int
    body: dict[str, Any]


class BotLink:
    """Sends the bot what Slack would, signed with the session's secret."""

    def __init__(self, slack: SlackStandIn, *, secret: str) -> None:
        self.slack = slack
        # Both are known once the servers listen: where the bot and the stand-in answer.
        self.bot_url: str | None = None
        self.slack_base = "http://127.0.0.1"
        # Who is at the page: every command, click and Home visit is theirs.
        self.user: Member = ME
        self._secret = secret

    async def command(self, channel_id: str, text: str) -> BotAnswer:
        """The person typed `/run-workflow <text>` in `channel_id`."""
        request = slack_requests.slash_command(
            self._secret,
            text=text,
            user_id=self.user.id,
            channel_id=channel_id,
            trigger_id=self.slack.issue_trigger_id(),
            response_url=self.slack.response_url(self.slack_base),
        )
        answer = await self._send(request)
        if answer.body.get("text") or answer.body.get("blocks"):
            # An answer with a message is shown to the person only, as Slack does.
            self.slack.ephemerals.append(
                {"channel": channel_id, "user": self.user.id, **answer.body}
            )
        return answer

    async def open_home(self) -> BotAnswer:
        """The person opened the app's Home tab."""
        request = slack_requests.app_home_opened(
            self._secret, user_id=self.user.id, view=self.slack.home_views.get(self.user.id)
        )
        return await self._send(request)

    async def submit(self, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """The person pressed the modal's submit button; returns field errors, if any."""
        view = self._view(view_id)
        request = slack_requests.view_submission(
            self._secret,
            view=view,
            values=values,
            user_id=self.user.id,
            trigger_id=self.slack.issue_trigger_id(view_id=view_id),
        )
        answer = await self._send(request)
        if answer.status != 200:
            return {"trouble": "We had some trouble connecting. Try again?"}
        return self._apply_view_answer(view_id, answer.body)

    async def act(self, action: dict[str, Any], where: dict[str, Any]) -> BotAnswer:
        """A button press or a select change, in a modal (`view_id`) or a message."""
        view_id = where.get("view_id")
        home = self.slack.home_views.get(self.user.id)
        if where.get("home") and home is not None:
            # A Home press carries a trigger id of its own, as a message's does.
            request = slack_requests.block_actions(
                self._secret,
                view=home,
                action=action,
                user_id=self.user.id,
                trigger_id=self.slack.issue_trigger_id(),
            )
        elif view_id:
            view = self._view(str(view_id))
            view["state"] = {"values": where.get("values") or {}}
            request = slack_requests.block_actions(
                self._secret,
                view=view,
                action=action,
                user_id=self.user.id,
                trigger_id=self.slack.issue_trigger_id(view_id=str(view_id)),
            )
        else:
            channel_id, ts = str(where.get("channel")), str(where.get("ts"))
            request = slack_requests.block_actions(
                self._secret,
                view=None,
                action=action,
                user_id=self.user.id,
                trigger_id=self.slack.issue_trigger_id(),
                channel_id=channel_id,
                message_ts=ts,
                message=self._message(channel_id, ts),
                response_url=self.slack.response_url(self.slack_base),
            )
        return await self._send(request)

    async def suggest(self, view_id: str, action_id: str, block_id: str, value: str) -> Any:
        """Options for an external select, for what the person typed so far."""
        request = slack_requests.block_suggestion(
            self._secret,
            view=self._view(view_id),
            action_id=action_id,
            block_id=block_id,
            value=value,
            user_id=self.user.id,
        )
        answer = await self._send(request)
        return answer.body.get("options") or answer.body.get("option_groups") or []

    def _apply_view_answer(self, view_id: str, body: dict[str, Any]) -> dict[str, Any]:
        action = body.get("response_action")
        if action == "errors":
            return {"errors": body.get("errors") or {}}
        if action in ("update", "push"):
            # The bot never pushes; showing the new view in place keeps the page simple.
            try:
                self.slack.answer_with_view(view_id, body.get("view") or {})
            except SlackRefusal as refusal:
                return {"trouble": f"Slack refused the view the app answered with: {refusal}"}
            return {}
        self.slack.close_view(view_id)  # an empty answer, or "clear", closes the modal
        return {}

    def _message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        # Slack sends the message the button is on, as it stands now, thread and all.
        message = self.slack.messages.get((channel_id, ts))
        if message is None:
            return None
        payload = {
            "type": "message",
            "user": self.slack.bot_user_id,
            "bot_id": self.slack.bot_id,
            "text": message["text"],
            "ts": ts,
            "blocks": message["blocks"],
        }
        if message.get("thread_ts"):
            payload["thread_ts"] = message["thread_ts"]
        return payload

    def _view(self, view_id: str) -> dict[str, Any]:
        view = self.slack.views.get(view_id)
        if view is None:
            raise LookupError(f"no open view {view_id}")
        return dict(view)

    async def _send(self, request: SignedRequest) -> BotAnswer:
        if self.bot_url is None:
            return BotAnswer(503, {})
        try:
            async with (
                aiohttp.ClientSession(timeout=_ANSWER_TIMEOUT) as http,
                http.post(
                    f"{self.bot_url}/slack/events", data=request.body, headers=request.headers
                ) as response,
            ):
                return BotAnswer(response.status, _decoded(await response.text()))
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("the bot did not answer: %s", type(error).__name__)
            return BotAnswer(504, {})


def _decoded(text: str) -> dict[str, Any]:
    # Bolt answers an empty ack with an empty body, a plain ack("…") with text.
    if not text:
        return {}
    try:
        body = json.loads(text)
    except ValueError:
        return {"text": text}
    return body if isinstance(body, dict) else {}
