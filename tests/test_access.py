"""AccessControl against a one-method stand-in for Slack's `usergroups.users.list`."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.access import AccessControl
from bot.models import WorkflowSummary
from bot.slack_clients import SlackClients
from tests.scenarios.servers import running_server

GROUPS = {"S_OPS": ["U_BOB", "U_CAT"]}
SYNC = WorkflowSummary(id="wf-sync", name="Nightly sync")


@pytest.fixture
async def slack() -> AsyncIterator[tuple[AsyncWebClient, list[str]]]:
    asked: list[str] = []

    async def users_list(request: Request) -> JSONResponse:
        group = str(request.query_params.get("usergroup", ""))
        asked.append(group)
        if group not in GROUPS:
            return JSONResponse({"ok": False, "error": "no_such_subteam"})
        return JSONResponse({"ok": True, "users": GROUPS[group]})

    app = Starlette(routes=[Route("/api/usergroups.users.list", users_list, methods=["GET"])])
    async with running_server(app) as url:
        yield AsyncWebClient(token="xoxb-t", base_url=f"{url}/api/"), asked


def _policy(tmp_path: Path, groups: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(f"[default]\nallow = false\n\n[[rule]]\nuser_groups = [{groups}]\n")
    return path


async def test_members_of_a_named_group_may_run_and_others_may_not(
    tmp_path: Path, slack: tuple[AsyncWebClient, list[str]]
) -> None:
    client, _ = slack
    access = AccessControl(_policy(tmp_path, '"S_OPS"'), SlackClients(client))
    assert await access.allows(SYNC, "U_BOB", "C1")
    assert not await access.allows(SYNC, "U_ANA", "C1")


async def test_group_members_are_looked_up_once_per_few_minutes(
    tmp_path: Path, slack: tuple[AsyncWebClient, list[str]]
) -> None:
    client, asked = slack
    access = AccessControl(_policy(tmp_path, '"S_OPS"'), SlackClients(client))
    for user in ("U_BOB", "U_CAT", "U_ANA"):
        await access.allows(SYNC, user, "C1")
    assert asked == ["S_OPS"]


async def test_an_unknown_group_grants_nothing(
    tmp_path: Path, slack: tuple[AsyncWebClient, list[str]]
) -> None:
    client, _ = slack
    access = AccessControl(_policy(tmp_path, '"S_GONE"'), SlackClients(client))
    assert not await access.allows(SYNC, "U_BOB", "C1")


async def test_a_broken_edit_keeps_the_last_good_policy(
    tmp_path: Path, slack: tuple[AsyncWebClient, list[str]]
) -> None:
    client, _ = slack
    path = _policy(tmp_path, '"S_OPS"')
    access = AccessControl(path, SlackClients(client))

    path.write_text("[[rule]\n")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert await access.allows(SYNC, "U_BOB", "C1")


async def test_approvers_are_named_people_or_members_of_named_groups(
    tmp_path: Path, slack: tuple[AsyncWebClient, list[str]]
) -> None:
    client, _ = slack
    access = AccessControl(None, SlackClients(client))
    assert await access.is_approver("U_BOSS", {"U_BOSS"}, set())
    assert await access.is_approver("U_CAT", {"U_BOSS"}, {"S_OPS"})
    assert not await access.is_approver("U_ANA", {"U_BOSS"}, {"S_OPS", "S_GONE"})


async def test_the_approval_rule_follows_the_policy_file(
    tmp_path: Path, slack: tuple[AsyncWebClient, list[str]]
) -> None:
    client, _ = slack
    path = tmp_path / "policy.toml"
    path.write_text('[[approval]]\nworkflows = ["Nightly*"]\napprovers = ["U_BOSS"]\n')
    access = AccessControl(path, SlackClients(client))
    rule = access.approval_for(SYNC)
    assert rule is not None
    assert rule.approvers == frozenset({"U_BOSS"})
    assert access.approval_for(WorkflowSummary(id="wf-x", name="Other")) is None
