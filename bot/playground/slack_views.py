"""The modal half of the stand-in Slack: trigger ids, view stacks and hashes, as Slack keeps them.

A trigger id works once and briefly; `views.update` honours the view's hash; a stack
holds at most three views. Every view is checked against Block Kit before it is kept.
"""

from __future__ import annotations

import copy
import secrets
import time
from dataclasses import dataclass
from typing import Any

from bot.playground.blockkit_checks import check_view
from bot.playground.slack_wire import SlackProblem, SlackRefusal, error_metadata, with_block_ids

VIEW_STACK_LIMIT = 3


@dataclass
class _Trigger:
    issued_at: float
    view_id: str | None
    used: bool = False


class SlackViews:
    """Views and trigger ids of a stand-in workspace; the base of `SlackStandIn`."""

    team_id = "T123"
    bot_id = "BBOT0001"
    app_id = "A0STANDIN"

    def __init__(self, *, trigger_ttl: float = 3.0) -> None:
        self.trigger_ttl = trigger_ttl
        # The workspace of the token the call being answered came with.
        self.caller_team_id = self.team_id
        self.problems: list[SlackProblem] = []
        # Each person's App Home, as `views.publish` last set it.
        self.home_views: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._stacks: dict[str, list[str]] = {}  # root view id → views, bottom first
        self._serial = 0

    def issue_trigger_id(self, *, view_id: str | None = None) -> str:
        """A trigger id as Slack puts in an interaction; `view_id` ties it to a modal."""
        trigger_id = f"{self._next_serial()}.{int(time.time())}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = _Trigger(time.monotonic(), view_id)
        return trigger_id

    def close_view(self, view_id: str) -> None:
        """The person closed the modal: its whole stack is gone, as in Slack."""
        if view_id not in self.views:
            return
        root_id = self.views[view_id]["root_view_id"]
        for stacked_id in self._stacks.pop(root_id, []):
            self.views.pop(stacked_id, None)

    def top_view(self) -> dict[str, Any] | None:
        """The view a person sees: the top of the most recently opened stack."""
        for stack in reversed(self._stacks.values()):
            if stack:
                return copy.deepcopy(self.views[stack[-1]])
        return None

    def open_view(self, view: dict[str, Any]) -> dict[str, Any]:
        """Open `view` as `views.open` would with a fresh trigger id; returns the stored view."""
        opened = self._views_open({"trigger_id": self.issue_trigger_id(), "view": view})
        return dict(opened["view"])

    def answer_with_view(self, view_id: str, view: dict[str, Any]) -> None:
        """A submission answered `response_action: update`: Slack swaps the view in place."""
        self._views_update({"view_id": view_id, "view": view})

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

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        sent = self._checked_view("views.publish", args)
        user_id = str(args.get("user_id") or "")
        if user_id[:1] not in ("U", "W"):
            raise SlackRefusal("invalid_arguments")
        if sent.get("type") != "home":
            self._record_problems("views.publish", ["only a home view can be published"])
            raise SlackRefusal("invalid_arguments")
        current = self.home_views.get(user_id)
        if args.get("hash") and current is not None and args["hash"] != current["hash"]:
            raise SlackRefusal("hash_conflict")

        view_id = current["id"] if current else f"V{self._next_serial():08X}"
        view = self._view_record(sent, view_id, view_id)
        self.home_views[user_id] = view
        return {"view": copy.deepcopy(view)}

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
            "team_id": self.caller_team_id,
            "type": sent.get("type"),
            "blocks": with_block_ids(sent.get("blocks") or []),
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
            "app_installed_team_id": self.caller_team_id,
            "bot_id": self.bot_id,
        }

    def _checked_view(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        sent = args.get("view")
        messages = ["missing required field: view"] if sent is None else check_view(sent)
        if messages:
            self._record_problems(method, messages)
            raise SlackRefusal("invalid_arguments", response_metadata=error_metadata(messages))
        assert isinstance(sent, dict)
        return sent

    def _record_problems(self, method: str, messages: list[str]) -> None:
        self.problems += [SlackProblem(method, message) for message in messages]

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial
