"""Runs held for approval, through the running app: request, decide, expire, restart."""

from __future__ import annotations

import asyncio
import copy
import time
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bot.approval_messages import APPROVAL_ACTIONS_BLOCK_ID, APPROVE_ACTION_ID, REJECT_ACTION_ID
from bot.models import ApprovalState
from bot.simulator_data import REVENUE_REPORT_ID, SampleWorkflow
from bot.store import Store
from tests.scenarios import slack_requests
from tests.scenarios.harness import (
    CHANNEL,
    SIGNING_SECRET,
    World,
    running_world,
    shown_text,
    typed,
    wait_until,
)
from tests.scenarios.test_runs import revenue_values

REQUESTER = "U_REQ"
APPROVER = "U_BOSS"
TOKEN_VALUE = "tok-3c9e1f77a2"

APPROVALS = """
[[approval]]
workflows = ["Revenue report", "Key rotation"]
approvers = ["U_BOSS"]
approver_groups = ["S_LEADS"]
timeout_minutes = 30
"""

KEY_ROTATION = SampleWorkflow(
    "6a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
    "Key rotation",
    "Rotates a vendor's API key.",
    {
        "type": "object",
        "properties": {
            "vendor": {"type": "string", "title": "Vendor"},
            "new_token": {"type": "string", "format": "password", "title": "New token"},
        },
        "required": ["vendor", "new_token"],
    },
)


def _policy(tmp_path: Path, text: str = APPROVALS) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


def _request_message(world: World) -> tuple[str, str, dict[str, Any]]:
    """Where the approval request is, as it stands now."""
    for (channel, ts), message in world.slack.messages.items():
        if "approval needed" in message["text"]:
            return channel, ts, message
    raise AssertionError("no approval request was posted")


async def _press(
    world: World,
    action_id: str,
    user_id: str,
    *,
    request: tuple[str, str, dict[str, Any]] | None = None,
) -> None:
    """Press a button of the approval request (`request`: as it stood before an edit)."""
    _, _, message = request or _request_message(world)
    (actions,) = [b for b in message["blocks"] if b.get("block_id") == APPROVAL_ACTIONS_BLOCK_ID]
    (button,) = [e for e in actions["elements"] if e["action_id"] == action_id]
    response = await world.press(message, APPROVAL_ACTIONS_BLOCK_ID, button, user_id=user_id)
    assert response.status == 200


async def _request_revenue_run(world: World) -> None:
    await world.command("Revenue report", user_id=REQUESTER)
    form = await world.wait_for_form()
    await world.submit(form, revenue_values(form), user_id=REQUESTER)
    # The requester hears of it once the request is posted and its place saved; a press
    # is only possible after that (nobody clicks a message Slack has just sent back).
    await wait_until(lambda: "waits for approval" in _told(world, REQUESTER))


def _told(world: World, user_id: str) -> str:
    notes = [note["text"] for note in world.slack.ephemerals if note["user"] == user_id]
    return " | ".join(notes)


async def test_a_submission_posts_an_approval_request_and_dispatches_nothing(
    tmp_path: Path,
) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        await _request_revenue_run(world)

        (post,) = world.posts()
        assert post.args["channel"] == CHANNEL
        _, _, message = _request_message(world)
        text = shown_text(message)
        assert "<@U_REQ>" in text
        assert "Revenue report" in text
        assert "<@U_BOSS>" in text
        assert "<!subteam^S_LEADS>" in text
        assert "EMEA" in text  # the inputs summary
        await wait_until(lambda: "waits for approval" in _told(world, REQUESTER))
        assert "<@U_BOSS>" in _told(world, REQUESTER)
        assert world.runs_dispatched() == []
        assert world.slack.problems == []


async def test_the_requester_and_strangers_cannot_decide(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        await _request_revenue_run(world)

        await _press(world, APPROVE_ACTION_ID, REQUESTER)
        await wait_until(lambda: "your own request" in _told(world, REQUESTER))
        await _press(world, APPROVE_ACTION_ID, "U_EVE")
        await wait_until(lambda: "not one of the approvers" in _told(world, "U_EVE"))

        await asyncio.sleep(0.3)
        assert world.runs_dispatched() == []
        assert world.updates() == []


async def test_an_approval_dispatches_once_for_the_requester(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        await _request_revenue_run(world)

        # A double click: both presses race, one run comes of them.
        await asyncio.gather(
            _press(world, APPROVE_ACTION_ID, APPROVER), _press(world, APPROVE_ACTION_ID, APPROVER)
        )
        await wait_until(lambda: len(world.runs_dispatched()) == 1)
        (run,) = world.runs_dispatched()
        assert run["workflow_id"] == REVENUE_REPORT_ID
        assert run["input_values"]["region"] == "EMEA"

        await world.slack.wait_for(lambda: len(world.posts()) == 2, timeout=10)
        status = world.posts()[1]
        assert status.args["channel"] == CHANNEL
        assert "<@U_REQ>" in str(status.args)
        _, _, request = _request_message(world)
        assert "Approved by <@U_BOSS>" in shown_text(request)
        assert APPROVE_ACTION_ID not in str(request["blocks"])

        # A retry of the press later on finds it decided and starts nothing.
        await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)
        await asyncio.sleep(0.3)
        assert len(world.runs_dispatched()) == 1
        assert world.slack.problems == []


async def test_a_rejection_is_shown_and_told_and_starts_nothing(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        await _request_revenue_run(world)
        as_posted = copy.deepcopy(_request_message(world))

        await _press(world, REJECT_ACTION_ID, APPROVER)
        await wait_until(lambda: "rejected your request" in _told(world, REQUESTER))
        _, _, request = _request_message(world)
        assert "Rejected by <@U_BOSS>" in shown_text(request)
        # A press sent before the edit arrived is answered, not acted on.
        await _press(world, APPROVE_ACTION_ID, APPROVER, request=as_posted)
        await wait_until(lambda: "already rejected" in _told(world, APPROVER))
        assert world.runs_dispatched() == []


async def test_a_member_of_an_approver_group_may_approve(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        world.slack.usergroups["S_LEADS"] = ["U_LEAD", REQUESTER]
        await _request_revenue_run(world)

        # Being in the group does not let the requester approve their own run.
        await _press(world, APPROVE_ACTION_ID, REQUESTER)
        await wait_until(lambda: "your own request" in _told(world, REQUESTER))
        await _press(world, APPROVE_ACTION_ID, "U_LEAD")
        await wait_until(lambda: len(world.runs_dispatched()) == 1)
        _, _, request = _request_message(world)
        assert "Approved by <@U_LEAD>" in shown_text(request)


async def test_an_approval_nobody_decides_expires_plainly(tmp_path: Path) -> None:
    policy = _policy(tmp_path, APPROVALS.replace("timeout_minutes = 30", "timeout_minutes = 0.01"))
    async with running_world(
        tmp_path / "bot.db", policy_file=policy, APPROVAL_SWEEP_SECONDS=0.1
    ) as world:
        await _request_revenue_run(world)

        await wait_until(lambda: "Nobody approved" in _told(world, REQUESTER))
        _, _, request = _request_message(world)
        assert "Expired after 1 s without a decision" in shown_text(request)
        assert APPROVE_ACTION_ID not in str(request["blocks"])
        await _press_stale(world, request)
        assert world.runs_dispatched() == []


async def _press_stale(world: World, request: dict[str, Any]) -> None:
    # The buttons are gone, but a press sent before the edit may still arrive.
    channel, ts = request["channel"], request["ts"]
    action = {"type": "button", "action_id": APPROVE_ACTION_ID, "value": "0" * 32}
    sent = slack_requests.block_actions(
        SIGNING_SECRET,
        view=None,
        action=action,
        user_id=APPROVER,
        channel_id=channel,
        message_ts=ts,
    )
    assert (await world.send(sent)).status == 200
    await wait_until(lambda: "don't know this approval" in _told(world, APPROVER))


async def test_a_secret_form_needs_an_encryption_key(tmp_path: Path) -> None:
    async with running_world(tmp_path / "bot.db", policy_file=_policy(tmp_path)) as world:
        world.simulator.workflows[KEY_ROTATION.id] = KEY_ROTATION
        form = await _key_rotation_form(world)
        answer = await world.submit(form, _key_rotation_values(form), user_id=REQUESTER)

        assert "ENCRYPTION_KEY" in answer.body
        assert world.posts() == []
        assert world.runs_dispatched() == []


async def test_a_pending_approval_survives_a_restart_with_its_secret_sealed(
    tmp_path: Path,
) -> None:
    database, key = tmp_path / "bot.db", Fernet.generate_key().decode()
    settings: dict[str, Any] = {"policy_file": _policy(tmp_path), "ENCRYPTION_KEY": key}
    async with running_world(database, **settings) as first:
        first.simulator.workflows[KEY_ROTATION.id] = KEY_ROTATION
        form = await _key_rotation_form(first)
        await first.submit(form, _key_rotation_values(form), user_id=REQUESTER)
        await first.slack.wait_for(lambda: bool(first.posts()), timeout=10)
        request = _request_message(first)
        assert TOKEN_VALUE not in str(request)

    assert TOKEN_VALUE.encode() not in database.read_bytes()
    async with running_world(database, **settings) as second:
        second.simulator.workflows[KEY_ROTATION.id] = KEY_ROTATION
        # The new stand-in Slack still shows the message posted before the restart.
        second.slack.messages[request[:2]] = request[2]
        await _press(second, APPROVE_ACTION_ID, APPROVER)

        await wait_until(lambda: len(second.runs_dispatched()) == 1)
        (run,) = second.runs_dispatched()
        assert run["input_values"] == {"vendor": "Acme", "new_token": TOKEN_VALUE}
        assert "Approved by <@U_BOSS>" in shown_text(_request_message(second)[2])
    assert TOKEN_VALUE.encode() not in database.read_bytes()


async def test_a_rotated_key_is_told_plainly_instead_of_dispatching(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    policy = _policy(tmp_path)
    async with running_world(
        database, policy_file=policy, ENCRYPTION_KEY=Fernet.generate_key().decode()
    ) as first:
        first.simulator.workflows[KEY_ROTATION.id] = KEY_ROTATION
        form = await _key_rotation_form(first)
        await first.submit(form, _key_rotation_values(form), user_id=REQUESTER)
        await first.slack.wait_for(lambda: bool(first.posts()), timeout=10)
        request = _request_message(first)

    async with running_world(
        database, policy_file=policy, ENCRYPTION_KEY=Fernet.generate_key().decode()
    ) as second:
        second.slack.messages[request[:2]] = request[2]
        await _press(second, APPROVE_ACTION_ID, APPROVER)

        await wait_until(lambda: "can no longer be read" in _told(second, REQUESTER))
        assert "can no longer be read" in _told(second, APPROVER)
        assert "not started" in shown_text(_request_message(second)[2])
        assert second.runs_dispatched() == []


async def _key_rotation_form(world: World) -> dict[str, Any]:
    await world.command("Key rotation", user_id=REQUESTER)
    return await world.wait_for_form()


def _key_rotation_values(form: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "/vendor": {"value": typed(form, "/vendor", "Acme")},
        "/new_token": {"value": typed(form, "/new_token", TOKEN_VALUE)},
    }


async def test_an_approval_a_stop_left_undispatched_is_dispatched_once_on_start(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    async with running_world(database, policy_file=_policy(tmp_path)) as first:
        await _request_revenue_run(first)
        _request_message(first)  # the request was posted
    # The process stopped right after the decision was stored, before it dispatched.
    store = await Store.open(database)
    try:
        # Held, not dispatched: nothing for a restart to report as interrupted.
        assert await store.unsettled_intents() == []
        (pending,) = await store.pending_approvals()
        decided = await store.decide_approval(
            pending.approval_id, ApprovalState.APPROVED, decided_by=APPROVER, now=time.time()
        )
        assert decided is not None
    finally:
        await store.close()

    async with running_world(database, policy_file=_policy(tmp_path)) as second:
        await wait_until(lambda: len(second.runs_dispatched()) == 1)
        await second.slack.wait_for(lambda: bool(second.posts()), timeout=10)
        (run,) = second.runs_dispatched()
        assert run["workflow_id"] == REVENUE_REPORT_ID
        assert "EMEA" in str(run["input_values"])

    async with running_world(database, policy_file=_policy(tmp_path)) as third:
        await asyncio.sleep(1.0)  # room for a second dispatch, if there were one
        assert third.runs_dispatched() == []
