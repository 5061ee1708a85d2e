"""Applies the access policy to real people: user group lookups, and reloads on edit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.errors import ConfigError, WorkspaceNotInstalled
from bot.models import WorkflowSummary
from bot.policy import OPEN_POLICY, ApprovalRule, Policy, Requester, load_policy
from bot.slack_clients import SlackClients

logger = logging.getLogger(__name__)

# Group membership changes rarely; asking Slack on every command would be wasteful.
_GROUP_TTL = 300.0


class AccessControl:
    """Answers "may this person run this workflow here?" from the policy file.

    User groups are looked up in the workspace the person asks from (`team_id`), so a
    group of another workspace never grants anything there.
    """

    def __init__(
        self,
        policy_file: Path | None,
        clients: SlackClients,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._file = policy_file
        self._clients = clients
        self._clock = clock
        self._policy = load_policy(policy_file) if policy_file else OPEN_POLICY
        self._loaded_mtime = _mtime(policy_file)
        # (team id, group id) → when looked up, members
        self._members: dict[tuple[str | None, str], tuple[float, frozenset[str]]] = {}

    async def allows(
        self,
        workflow: WorkflowSummary,
        user_id: str,
        channel_id: str,
        *,
        team_id: str | None = None,
    ) -> bool:
        """Whether `user_id` may run `workflow` from `channel_id`."""
        policy = self._current()
        requester = await self._requester(policy, user_id, channel_id, team_id)
        return policy.allows(workflow, requester)

    async def allowed(
        self,
        workflows: Sequence[WorkflowSummary],
        user_id: str,
        channel_id: str,
        *,
        team_id: str | None = None,
    ) -> list[WorkflowSummary]:
        """The workflows the person may run, in their order."""
        policy = self._current()
        requester = await self._requester(policy, user_id, channel_id, team_id)
        return policy.allowed(workflows, requester)

    def approval_for(self, workflow: WorkflowSummary) -> ApprovalRule | None:
        """The approval rule `workflow` falls under now, or None when it runs at once."""
        return self._current().approval_for(workflow)

    async def is_approver(
        self,
        user_id: str,
        approvers: Collection[str],
        approver_groups: Collection[str],
        *,
        team_id: str | None = None,
    ) -> bool:
        """Whether `user_id` is one of `approvers` or a member of one of `approver_groups`."""
        if user_id in approvers:
            return True
        for group in approver_groups:
            if user_id in await self._members_of(group, team_id):
                return True
        return False

    def _current(self) -> Policy:
        # Edits to the file apply without a restart; a broken edit keeps the last good one.
        mtime = _mtime(self._file)
        if self._file is None or mtime == self._loaded_mtime:
            return self._policy
        self._loaded_mtime = mtime
        try:
            self._policy = load_policy(self._file)
            logger.info("access policy reloaded from %s", self._file)
        except ConfigError as error:
            logger.error("access policy not reloaded, keeping the previous one: %s", error)
        return self._policy

    async def _requester(
        self, policy: Policy, user_id: str, channel_id: str, team_id: str | None
    ) -> Requester:
        groups = frozenset(
            [
                group
                for group in policy.group_ids
                if user_id in await self._members_of(group, team_id)
            ]
        )
        return Requester(user_id=user_id, channel_id=channel_id, group_ids=groups)

    async def _members_of(self, group_id: str, team_id: str | None) -> frozenset[str]:
        cached = self._members.get((team_id, group_id))
        if cached is not None and self._clock() - cached[0] < _GROUP_TTL:
            return cached[1]
        try:
            client = await self._clients.for_team(team_id)
            response = await client.usergroups_users_list(usergroup=group_id)
        except (SlackApiError, WorkspaceNotInstalled, aiohttp.ClientError, TimeoutError) as error:
            # Unknown membership never grants access; the rule falls back to its other lists.
            logger.warning("members of user group %s unknown: %s", group_id, type(error).__name__)
            return frozenset()
        users = response.get("users") or []
        members = frozenset(user for user in users if isinstance(user, str))
        self._members[(team_id, group_id)] = (self._clock(), members)
        return members


def _mtime(path: Path | None) -> float | None:
    try:
        return path.stat().st_mtime if path else None
    except OSError:
        return None
