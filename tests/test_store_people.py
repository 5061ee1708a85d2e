"""What the store keeps about people and workspaces: their runs, preferences, approvals,
workspace tokens, and the intent a dispatch claim keeps.

Every test runs against both backends: a SQLite file, and Postgres where a server is
configured (`WORKFLOW_BOT_TEST_POSTGRES`; see tests/test_postgres_store.py).
"""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import AsyncIterator

import pytest

from bot.models import Approval, ApprovalState
from bot.storage.postgres import PostgresStore
from bot.store import Store
from tests.test_postgres_store import fresh_database
from tests.test_store import make_run, posted


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        opened = await Store.open(tmp_path / "state.db")
        yield opened
        await opened.close()
        return
    async with fresh_database() as dsn:
        shared = await PostgresStore.connect(dsn)
        yield shared
        await shared.close()


def make_approval(approval_id: str = "ap-1", **changes: object) -> Approval:
    fields: dict[str, object] = {
        "approval_id": approval_id,
        "workflow_id": "wf-1",
        "workflow_name": "Vendor payout",
        "channel_id": "C1",
        "requester_id": "U1",
        "request_json": '{"sealed": "…"}',
        "state": ApprovalState.PENDING,
        "created_at": 1000.0,
        "expires_at": 4600.0,
    }
    fields.update(changes)
    return Approval(**fields)  # type: ignore[arg-type]


async def test_recent_runs_are_the_requesters_own_newest_first(store: Store) -> None:
    await store.add_run(make_run("old", dispatched_at=1000.0))
    await store.add_run(make_run("new", dispatched_at=2000.0))
    await store.add_run(make_run("other", requester_id="U2", dispatched_at=3000.0))

    runs = await store.recent_runs("U1", limit=10)

    assert [run.run_id for run in runs] == ["new", "old"]
    assert [run.run_id for run in await store.recent_runs("U1", limit=1)] == ["new"]
    assert await store.recent_runs("U3", limit=10) == []


async def test_thread_reply_is_remembered_with_the_run(store: Store) -> None:
    await store.add_run(posted("run-1"))
    await store.set_thread("run-1", "1700000000.000200")

    run = await store.get_run("run-1")

    assert run is not None
    assert run.thread_ts == "1700000000.000200"


async def test_direct_message_preference_defaults_off_and_can_be_changed(store: Store) -> None:
    assert await store.notify_dm("U1") is False

    await store.set_notify_dm("U1", True)
    assert await store.notify_dm("U1") is True
    assert await store.notify_dm("U2") is False

    await store.set_notify_dm("U1", False)
    assert await store.notify_dm("U1") is False


async def test_approval_round_trips(store: Store) -> None:
    await store.add_approval(make_approval())
    await store.set_approval_message("ap-1", "C9", "123.456")

    approval = await store.get_approval("ap-1")

    assert approval == make_approval(message_channel="C9", message_ts="123.456")
    assert await store.get_approval("missing") is None


async def test_an_approval_is_decided_exactly_once(store: Store) -> None:
    await store.add_approval(make_approval())

    decisions = await asyncio.gather(
        store.decide_approval("ap-1", ApprovalState.APPROVED, decided_by="U2", now=2000.0),
        store.decide_approval("ap-1", ApprovalState.REJECTED, decided_by="U3", now=2000.0),
    )

    winners = [decision for decision in decisions if decision is not None]
    assert len(winners) == 1
    stored = await store.get_approval("ap-1")
    assert stored == winners[0]
    assert stored is not None
    assert stored.decided_at == 2000.0
    assert stored.state in (ApprovalState.APPROVED, ApprovalState.REJECTED)


async def test_pending_and_expired_approvals(store: Store) -> None:
    await store.add_approval(make_approval("soon", created_at=1.0, expires_at=100.0))
    await store.add_approval(make_approval("later", created_at=2.0, expires_at=900.0))
    await store.add_approval(make_approval("done", created_at=0.5, expires_at=50.0))
    await store.decide_approval("done", ApprovalState.REJECTED, decided_by="U2", now=10.0)

    pending = await store.pending_approvals()
    expired = await store.expired_approvals(now=500.0)

    assert [approval.approval_id for approval in pending] == ["soon", "later"]
    assert [approval.approval_id for approval in expired] == ["soon"]


async def test_approved_since_lists_only_recent_approvals_in_decision_order(store: Store) -> None:
    for approval_id in ("old", "second", "first", "rejected", "pending"):
        await store.add_approval(make_approval(approval_id))
    await store.decide_approval("old", ApprovalState.APPROVED, decided_by="U2", now=10.0)
    await store.decide_approval("second", ApprovalState.APPROVED, decided_by="U2", now=300.0)
    await store.decide_approval("first", ApprovalState.APPROVED, decided_by="U2", now=200.0)
    await store.decide_approval("rejected", ApprovalState.REJECTED, decided_by="U2", now=250.0)

    recent = await store.approved_since(100.0)

    assert [approval.approval_id for approval in recent] == ["first", "second"]


async def test_a_first_claim_keeps_its_intent_and_a_repeat_changes_nothing(
    store: Store,
) -> None:
    intent = {"workflow_id": "wf-1", "channel_id": "C1", "requester_id": "U1", "response_url": None}
    assert await store.claim_dispatch("V1", intent)
    assert not await store.claim_dispatch("V1", {**intent, "channel_id": "C2"})

    assert await store.unsettled_intents() == [("V1", intent)]


async def test_a_runs_workspace_round_trips_and_may_be_absent(store: Store) -> None:
    await store.add_run(make_run("team", team_id="T1"))
    await store.add_run(make_run("single"))

    team, single = await store.get_run("team"), await store.get_run("single")
    assert team is not None
    assert team.team_id == "T1"
    assert single is not None
    assert single.team_id is None


async def test_a_workspaces_sealed_token_is_kept_and_replaced(store: Store) -> None:
    assert await store.workspace_token("T1") is None

    await store.set_workspace_token("T1", "sealed-1", set_by="U1", now=1.0)
    await store.set_workspace_token("T1", "sealed-2", set_by="U2", now=2.0)

    assert await store.workspace_token("T1") == "sealed-2"
    assert await store.workspace_token("T2") is None
