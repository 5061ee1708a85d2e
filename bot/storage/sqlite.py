"""The single-process backend: one SQLite file in WAL mode, through aiosqlite."""

from __future__ import annotations

import json
import logging
import pathlib
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from bot.models import Approval, ApprovalState, FormContext, TrackedRun, WorkflowRun
from bot.storage import migrations
from bot.storage.base import FORM_TTL_SECONDS, Store
from bot.storage.recent_forms import RecentForms
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

_OPEN = "final_edit_done = 0 AND message_ts IS NOT NULL"  # matches the runs_open_by_due index


class SqliteStore(Store):
    """The bot's durable state behind one aiosqlite connection."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        # Autocommit: every method is one statement, committed by SQLite as it runs. That
        # saves a round trip to the connection's thread per write, and needs no lock, since
        # the thread runs statements one at a time in the order they were sent.
        self._db = db
        self._recent_forms = RecentForms()

    @classmethod
    async def open_file(cls, path: pathlib.Path | str) -> SqliteStore:
        """Open (or create) the SQLite file at `path` and bring its schema up to date."""
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            db.row_factory = aiosqlite.Row
            await _configure(db)
            await _migrate(db)
            store = cls(db)
            await store._prune_forms(older_than=time.time() - FORM_TTL_SECONDS)
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def save_form(self, form: FormContext) -> None:
        await self._write(
            "INSERT OR REPLACE INTO forms (view_id, workflow_id, workflow_name, schema_json,"
            " channel_id, requester_id, response_url, saved_at, workflow_tags_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            form_values(form, time.time()),
        )
        self._recent_forms.remember(form)

    async def load_form(self, view_id: str) -> FormContext | None:
        form = self._recent_forms.get(view_id)
        if form is not None:
            return form
        rows = await self._read("SELECT * FROM forms WHERE view_id = ?", (view_id,))
        if not rows:
            return None
        form = form_from_row(rows[0])
        self._recent_forms.remember(form)
        return form

    async def claim_dispatch(
        self, key: str, intent: Mapping[str, str | None] | None = None
    ) -> bool:
        inserted = await self._write(
            "INSERT OR IGNORE INTO dispatch_keys (key, claimed_at, intent_json) VALUES (?, ?, ?)",
            (key, time.time(), None if intent is None else json.dumps(intent)),
        )
        return inserted == 1

    async def note_intent(self, key: str, intent: Mapping[str, str | None]) -> None:
        await self._write(
            "UPDATE dispatch_keys SET intent_json = ? WHERE key = ?", (json.dumps(intent), key)
        )

    async def settle_intent(self, key: str) -> None:
        await self._write("UPDATE dispatch_keys SET intent_json = NULL WHERE key = ?", (key,))

    async def unsettled_intents(self) -> list[tuple[str, dict[str, str | None]]]:
        rows = await self._read(
            "SELECT key, intent_json FROM dispatch_keys WHERE intent_json IS NOT NULL"
            " ORDER BY claimed_at",
            (),
        )
        return [(row["key"], intent_from_json(row["intent_json"])) for row in rows]

    async def add_run(self, run: TrackedRun) -> None:
        await self._write(
            f"INSERT INTO runs ({RUN_COLUMNS}) VALUES ({', '.join('?' * RUN_COLUMN_COUNT)})"  # noqa: S608
            " ON CONFLICT (run_id) DO NOTHING",
            run_values(run),
        )

    async def set_message(self, run_id: str, channel: str, ts: str) -> None:
        await self._write(
            "UPDATE runs SET message_channel = ?, message_ts = ? WHERE run_id = ?",
            (channel, ts, run_id),
        )

    async def record_status(self, run_id: str, run: WorkflowRun, *, now: float) -> TrackedRun:
        rows = await self._read(
            "UPDATE runs SET status = ?, link_url = ?, error_reason = ?,"
            " ended_at = CASE WHEN ? AND ended_at IS NULL THEN ? ELSE ended_at END"
            " WHERE run_id = ? RETURNING *",
            (run.status.value, run.link_url, run.error_reason, run.status.is_final, now, run_id),
        )
        if not rows:
            raise KeyError(f"run {run_id} is not tracked")
        return run_from_row(rows[0])

    async def mark_final_edit(self, run_id: str) -> None:
        await self._write("UPDATE runs SET final_edit_done = 1 WHERE run_id = ?", (run_id,))

    async def record_progress(self, run_id: str, shown: int) -> None:
        await self._write("UPDATE runs SET progress_shown = ? WHERE run_id = ?", (shown, run_id))

    async def reschedule(self, run_id: str, *, next_poll_at: float, polls: int) -> None:
        await self._write(
            "UPDATE runs SET next_poll_at = ?, polls = ? WHERE run_id = ?",
            (next_poll_at, polls, run_id),
        )

    async def due_runs(self, now: float, limit: int) -> list[TrackedRun]:
        rows = await self._read(
            f"SELECT * FROM runs WHERE {_OPEN} AND next_poll_at <= ?"  # noqa: S608
            " ORDER BY next_poll_at LIMIT ?",
            (now, limit),
        )
        return [run_from_row(row) for row in rows]

    async def claim_due(self, now: float, limit: int, *, lease_until: float) -> list[TrackedRun]:
        # One statement, so the choice and the lease commit together.
        rows = await self._read(
            "UPDATE runs SET next_poll_at = ? WHERE run_id IN (SELECT run_id FROM runs"  # noqa: S608
            f" WHERE {_OPEN} AND next_poll_at <= ? ORDER BY next_poll_at LIMIT ?) RETURNING *",
            (lease_until, now, limit),
        )
        return [run_from_row(row) for row in rows]

    async def unposted_runs(self, *, dispatched_before: float | None = None) -> list[TrackedRun]:
        rows = await self._read(
            "SELECT * FROM runs WHERE final_edit_done = 0 AND message_ts IS NULL"
            " AND dispatched_at <= ? ORDER BY dispatched_at",
            (float("inf") if dispatched_before is None else dispatched_before,),
        )
        return [run_from_row(row) for row in rows]

    async def get_run(self, run_id: str) -> TrackedRun | None:
        rows = await self._read("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        return run_from_row(rows[0]) if rows else None

    async def next_due_at(self) -> float | None:
        rows = await self._read(f"SELECT MIN(next_poll_at) AS due FROM runs WHERE {_OPEN}")  # noqa: S608
        due = rows[0]["due"]
        return None if due is None else float(due)

    async def set_thread(self, run_id: str, ts: str) -> None:
        await self._write("UPDATE runs SET thread_ts = ? WHERE run_id = ?", (ts, run_id))

    async def recent_runs(self, requester_id: str, limit: int) -> list[TrackedRun]:
        rows = await self._read(
            "SELECT * FROM runs WHERE requester_id = ? ORDER BY dispatched_at DESC LIMIT ?",
            (requester_id, limit),
        )
        return [run_from_row(row) for row in rows]

    async def notify_dm(self, user_id: str) -> bool:
        rows = await self._read("SELECT notify_dm FROM user_prefs WHERE user_id = ?", (user_id,))
        return bool(rows[0]["notify_dm"]) if rows else False

    async def set_notify_dm(self, user_id: str, enabled: bool) -> None:
        await self._write(
            "INSERT INTO user_prefs (user_id, notify_dm, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET notify_dm = excluded.notify_dm,"
            " updated_at = excluded.updated_at",
            (user_id, enabled, time.time()),
        )

    async def set_workspace_token(
        self, team_id: str, sealed_token: str, *, set_by: str, now: float
    ) -> None:
        await self._write(
            "INSERT INTO workspace_tokens (team_id, sealed_token, set_by, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (team_id) DO UPDATE SET"
            " sealed_token = excluded.sealed_token, set_by = excluded.set_by,"
            " updated_at = excluded.updated_at",
            (team_id, sealed_token, set_by, now),
        )

    async def workspace_token(self, team_id: str) -> str | None:
        rows = await self._read(
            "SELECT sealed_token FROM workspace_tokens WHERE team_id = ?", (team_id,)
        )
        return str(rows[0]["sealed_token"]) if rows else None

    async def add_approval(self, approval: Approval) -> None:
        placeholders = ", ".join("?" * APPROVAL_COLUMN_COUNT)
        await self._write(
            f"INSERT INTO approvals ({APPROVAL_COLUMNS}) VALUES ({placeholders})",  # noqa: S608
            approval_values(approval),
        )

    async def get_approval(self, approval_id: str) -> Approval | None:
        rows = await self._read("SELECT * FROM approvals WHERE approval_id = ?", (approval_id,))
        return approval_from_row(rows[0]) if rows else None

    async def decide_approval(
        self, approval_id: str, state: ApprovalState, *, decided_by: str | None, now: float
    ) -> Approval | None:
        rows = await self._read(
            "UPDATE approvals SET state = ?, decided_by = ?, decided_at = ?"
            " WHERE approval_id = ? AND state = 'pending' RETURNING *",
            (state.value, decided_by, now, approval_id),
        )
        return approval_from_row(rows[0]) if rows else None

    async def set_approval_message(self, approval_id: str, channel: str, ts: str) -> None:
        await self._write(
            "UPDATE approvals SET message_channel = ?, message_ts = ? WHERE approval_id = ?",
            (channel, ts, approval_id),
        )

    async def pending_approvals(self) -> list[Approval]:
        rows = await self._read(
            "SELECT * FROM approvals WHERE state = 'pending' ORDER BY created_at"
        )
        return [approval_from_row(row) for row in rows]

    async def approved_since(self, since: float) -> list[Approval]:
        rows = await self._read(
            "SELECT * FROM approvals WHERE state = 'approved' AND decided_at >= ?"
            " ORDER BY decided_at",
            (since,),
        )
        return [approval_from_row(row) for row in rows]

    async def expired_approvals(self, now: float) -> list[Approval]:
        rows = await self._read(
            "SELECT * FROM approvals WHERE state = 'pending' AND expires_at <= ?"
            " ORDER BY expires_at",
            (now,),
        )
        return [approval_from_row(row) for row in rows]

    async def _prune_forms(self, *, older_than: float) -> None:
        pruned = await self._write("DELETE FROM forms WHERE saved_at < ?", (older_than,))
        if pruned:
            logger.info("Pruned %d form contexts older than a day", pruned)

    async def _write(self, sql: str, params: Sequence[Any]) -> int:
        cursor = await self._db.execute(sql, params)
        return cursor.rowcount

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        # One trip to the connection's thread; an UPDATE … RETURNING commits with it.
        return list(await self._db.execute_fetchall(sql, params))


async def _configure(db: aiosqlite.Connection) -> None:
    # WAL lets readers and the writer work at once; with synchronous=NORMAL a commit survives
    # a crash of the process (only a power loss can roll back the last commits).
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = NORMAL")
    await db.execute("PRAGMA busy_timeout = 5000")


async def _migrate(db: aiosqlite.Connection) -> None:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row is not None else 0
    if current > migrations.SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {current} is newer than this bot knows"
            f" ({migrations.SCHEMA_VERSION})"
        )

    for version in range(current + 1, migrations.SCHEMA_VERSION + 1):
        # user_version lives in the file header and commits together with the script.
        script = migrations.SQLITE[version - 1]
        try:
            await db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
        except BaseException:
            await db.rollback()
            raise
        logger.info("SQLite schema migrated to version %d", version)
