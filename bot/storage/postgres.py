"""The shared backend: Postgres through an asyncpg pool, for several bot replicas.

Replicas coordinate only through rows: a dispatch key is a primary key, so exactly one
insert wins across processes; due runs are claimed with `FOR UPDATE SKIP LOCKED` and a
lease (their due time moved to the lease's end), so two replicas never poll or edit the
same run at once, and a replica that dies lets its leases run out for the others.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping

import asyncpg

from bot.models import Approval, ApprovalState, FormContext, TrackedRun, WorkflowRun
from bot.storage import migrations
from bot.storage.base import FORM_TTL_SECONDS, Store
from bot.storage.rows import (
    APPROVAL_COLUMN_COUNT,
    APPROVAL_COLUMNS,
    RUN_COLUMN_COUNT,
    RUN_COLUMNS,
    approval_from_row,
    approval_values,
    form_from_row,
    form_values,
    intent_from_json,
    run_from_row,
    run_values,
)

logger = logging.getLogger(__name__)

_OPEN = "NOT final_edit_done AND message_ts IS NOT NULL"  # matches the runs_open_by_due index
# Any constant shared by every replica: serialises migrations across them.
_MIGRATION_LOCK = 0x776F726B666C6F77
# A run stored but not yet posted may be another replica's dispatch in progress: only
# posts older than this are taken over on start.
UNPOSTED_GRACE_SECONDS = 60.0
_UNPOSTED_LEASE_SECONDS = 60.0


class PostgresStore(Store):
    """The bot's durable state in Postgres; every method is one autocommitted statement."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def connect(cls, dsn: str) -> PostgresStore:
        """Connect to `dsn` (postgresql://…) and bring its schema up to date."""
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=8)
        try:
            async with pool.acquire() as connection:
                await _migrate(connection)
            store = cls(pool)
            await store._execute(
                "DELETE FROM forms WHERE saved_at < $1", time.time() - FORM_TTL_SECONDS
            )
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        await self._pool.close()

    async def save_form(self, form: FormContext) -> None:
        await self._execute(
            "INSERT INTO forms (view_id, workflow_id, workflow_name, schema_json, channel_id,"
            " requester_id, response_url, saved_at, workflow_tags_json)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            " ON CONFLICT (view_id) DO UPDATE SET workflow_id = $2, workflow_name = $3,"
            " schema_json = $4, channel_id = $5, requester_id = $6, response_url = $7,"
            " saved_at = $8, workflow_tags_json = $9",
            *form_values(form, time.time()),
        )

    async def load_form(self, view_id: str) -> FormContext | None:
        row = await self._pool.fetchrow("SELECT * FROM forms WHERE view_id = $1", view_id)
        return None if row is None else form_from_row(row)

    async def claim_dispatch(
        self, key: str, intent: Mapping[str, str | None] | None = None
    ) -> bool:
        status = await self._execute(
            "INSERT INTO dispatch_keys (key, claimed_at, intent_json) VALUES ($1, $2, $3)"
            " ON CONFLICT (key) DO NOTHING",
            key,
            time.time(),
            None if intent is None else json.dumps(intent),
        )
        return status == "INSERT 0 1"

    async def note_intent(self, key: str, intent: Mapping[str, str | None]) -> None:
        await self._execute(
            "UPDATE dispatch_keys SET intent_json = $1 WHERE key = $2", json.dumps(intent), key
        )

    async def settle_intent(self, key: str) -> None:
        await self._execute("UPDATE dispatch_keys SET intent_json = NULL WHERE key = $1", key)

    async def unsettled_intents(self) -> list[tuple[str, dict[str, str | None]]]:
        rows = await self._pool.fetch(
            "SELECT key, intent_json FROM dispatch_keys WHERE intent_json IS NOT NULL"
            " ORDER BY claimed_at"
        )
        return [(row["key"], intent_from_json(row["intent_json"])) for row in rows]

    async def add_run(self, run: TrackedRun) -> None:
        placeholders = ", ".join(f"${n}" for n in range(1, RUN_COLUMN_COUNT + 1))
        await self._execute(
            f"INSERT INTO runs ({RUN_COLUMNS}) VALUES ({placeholders})"  # noqa: S608
            " ON CONFLICT (run_id) DO NOTHING",
            *run_values(run),
        )

    async def set_message(self, run_id: str, channel: str, ts: str) -> None:
        await self._execute(
            "UPDATE runs SET message_channel = $1, message_ts = $2 WHERE run_id = $3",
            channel,
            ts,
            run_id,
        )

    async def record_status(self, run_id: str, run: WorkflowRun, *, now: float) -> TrackedRun:
        row = await self._pool.fetchrow(
            "UPDATE runs SET status = $1, link_url = $2, error_reason = $3,"
            " ended_at = CASE WHEN $4 AND ended_at IS NULL THEN $5 ELSE ended_at END"
            " WHERE run_id = $6 RETURNING *",
            run.status.value,
            run.link_url,
            run.error_reason,
            run.status.is_final,
            now,
            run_id,
        )
        if row is None:
            raise KeyError(f"run {run_id} is not tracked")
        return run_from_row(row)

    async def mark_final_edit(self, run_id: str) -> None:
        await self._execute("UPDATE runs SET final_edit_done = TRUE WHERE run_id = $1", run_id)

    async def record_progress(self, run_id: str, shown: int) -> None:
        await self._execute("UPDATE runs SET progress_shown = $1 WHERE run_id = $2", shown, run_id)

    async def reschedule(self, run_id: str, *, next_poll_at: float, polls: int) -> None:
        await self._execute(
            "UPDATE runs SET next_poll_at = $1, polls = $2 WHERE run_id = $3",
            next_poll_at,
            polls,
            run_id,
        )

    async def due_runs(self, now: float, limit: int) -> list[TrackedRun]:
        rows = await self._pool.fetch(
            f"SELECT * FROM runs WHERE {_OPEN} AND next_poll_at <= $1"  # noqa: S608
            " ORDER BY next_poll_at LIMIT $2",
            now,
            limit,
        )
        return [run_from_row(row) for row in rows]

    async def claim_due(self, now: float, limit: int, *, lease_until: float) -> list[TrackedRun]:
        # SKIP LOCKED: rows another replica is claiming right now are left to it, not waited on.
        rows = await self._pool.fetch(
            "UPDATE runs SET next_poll_at = $1 WHERE run_id IN (SELECT run_id FROM runs"  # noqa: S608
            f" WHERE {_OPEN} AND next_poll_at <= $2 ORDER BY next_poll_at LIMIT $3"
            " FOR UPDATE SKIP LOCKED) RETURNING *",
            lease_until,
            now,
            limit,
        )
        return [run_from_row(row) for row in rows]

    async def unposted_runs(self, *, dispatched_before: float | None = None) -> list[TrackedRun]:
        # Claimed like due runs, so two replicas starting together do not both post one.
        now = time.time()
        before = now - UNPOSTED_GRACE_SECONDS
        if dispatched_before is not None:
            before = min(before, dispatched_before)
        rows = await self._pool.fetch(
            "UPDATE runs SET next_poll_at = $1 WHERE run_id IN (SELECT run_id FROM runs"
            " WHERE NOT final_edit_done AND message_ts IS NULL AND dispatched_at <= $2"
            " AND next_poll_at <= $3 FOR UPDATE SKIP LOCKED) RETURNING *",
            now + _UNPOSTED_LEASE_SECONDS,
            before,
            now,
        )
        return sorted((run_from_row(row) for row in rows), key=lambda run: run.dispatched_at)

    async def get_run(self, run_id: str) -> TrackedRun | None:
        row = await self._pool.fetchrow("SELECT * FROM runs WHERE run_id = $1", run_id)
        return None if row is None else run_from_row(row)

    async def next_due_at(self) -> float | None:
        due = await self._pool.fetchval(f"SELECT MIN(next_poll_at) FROM runs WHERE {_OPEN}")  # noqa: S608
        return None if due is None else float(due)

    async def set_thread(self, run_id: str, ts: str) -> None:
        await self._execute("UPDATE runs SET thread_ts = $1 WHERE run_id = $2", ts, run_id)

    async def recent_runs(self, requester_id: str, limit: int) -> list[TrackedRun]:
        rows = await self._pool.fetch(
            "SELECT * FROM runs WHERE requester_id = $1 ORDER BY dispatched_at DESC LIMIT $2",
            requester_id,
            limit,
        )
        return [run_from_row(row) for row in rows]

    async def notify_dm(self, user_id: str) -> bool:
        value = await self._pool.fetchval(
            "SELECT notify_dm FROM user_prefs WHERE user_id = $1", user_id
        )
        return bool(value)

    async def set_notify_dm(self, user_id: str, enabled: bool) -> None:
        await self._execute(
            "INSERT INTO user_prefs (user_id, notify_dm, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (user_id) DO UPDATE SET notify_dm = $2, updated_at = $3",
            user_id,
            enabled,
            time.time(),
        )

    async def set_workspace_token(
        self, team_id: str, sealed_token: str, *, set_by: str, now: float
    ) -> None:
        await self._execute(
            "INSERT INTO workspace_tokens (team_id, sealed_token, set_by, updated_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (team_id) DO UPDATE SET"
            " sealed_token = $2, set_by = $3, updated_at = $4",
            team_id,
            sealed_token,
            set_by,
            now,
        )

    async def workspace_token(self, team_id: str) -> str | None:
        value = await self._pool.fetchval(
            "SELECT sealed_token FROM workspace_tokens WHERE team_id = $1", team_id
        )
        return None if value is None else str(value)

    async def add_approval(self, approval: Approval) -> None:
        placeholders = ", ".join(f"${n}" for n in range(1, APPROVAL_COLUMN_COUNT + 1))
        await self._execute(
            f"INSERT INTO approvals ({APPROVAL_COLUMNS}) VALUES ({placeholders})",  # noqa: S608
            *approval_values(approval),
        )

    async def get_approval(self, approval_id: str) -> Approval | None:
        row = await self._pool.fetchrow(
            "SELECT * FROM approvals WHERE approval_id = $1", approval_id
        )
        return None if row is None else approval_from_row(row)

    async def decide_approval(
        self, approval_id: str, state: ApprovalState, *, decided_by: str | None, now: float
    ) -> Approval | None:
        row = await self._pool.fetchrow(
            "UPDATE approvals SET state = $1, decided_by = $2, decided_at = $3"
            " WHERE approval_id = $4 AND state = 'pending' RETURNING *",
            state.value,
            decided_by,
            now,
            approval_id,
        )
        return None if row is None else approval_from_row(row)

    async def set_approval_message(self, approval_id: str, channel: str, ts: str) -> None:
        await self._execute(
            "UPDATE approvals SET message_channel = $1, message_ts = $2 WHERE approval_id = $3",
            channel,
            ts,
            approval_id,
        )

    async def pending_approvals(self) -> list[Approval]:
        rows = await self._pool.fetch(
            "SELECT * FROM approvals WHERE state = 'pending' ORDER BY created_at"
        )
        return [approval_from_row(row) for row in rows]

    async def approved_since(self, since: float) -> list[Approval]:
        rows = await self._pool.fetch(
            "SELECT * FROM approvals WHERE state = 'approved' AND decided_at >= $1"
            " ORDER BY decided_at",
            since,
        )
        return [approval_from_row(row) for row in rows]

    async def expired_approvals(self, now: float) -> list[Approval]:
        rows = await self._pool.fetch(
            "SELECT * FROM approvals WHERE state = 'pending' AND expires_at <= $1"
            " ORDER BY expires_at",
            now,
        )
        return [approval_from_row(row) for row in rows]

    async def _execute(self, sql: str, *args: object) -> str:
        return str(await self._pool.execute(sql, *args))


async def _migrate(connection: asyncpg.Connection) -> None:
    async with connection.transaction():
        # Replicas starting together wait here; the first applies, the others find it done.
        await connection.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        current = await connection.fetchval("SELECT MAX(version) FROM schema_version") or 0
        if current > migrations.SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {current} is newer than this bot knows"
                f" ({migrations.SCHEMA_VERSION})"
            )
        for version in range(current + 1, migrations.SCHEMA_VERSION + 1):
            await connection.execute(migrations.POSTGRES[version - 1])
            await connection.execute("INSERT INTO schema_version (version) VALUES ($1)", version)
            logger.info("Postgres schema migrated to version %d", version)
