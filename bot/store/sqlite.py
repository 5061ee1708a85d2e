"""Durable state in one SQLite file: open forms, dispatch keys and the runs being tracked."""

from __future__ import annotations

import asyncio
import json
import logging
import pathlib
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

import aiosqlite

# FormContext and TrackedRun live in the shared vocabulary so builders can use them without
# importing the store; they are re-exported here because the store is what keeps them.
from bot.models import FormContext, RunStatus, TrackedRun, WorkflowRun

__all__ = ["SCHEMA_VERSION", "FormContext", "Store", "TrackedRun"]

logger = logging.getLogger(__name__)

# A form context only matters while its modal is open; Slack views do not live for a day.
_FORM_TTL_SECONDS = 24 * 3600

# Entry i moves the schema from version i to i + 1 (kept in PRAGMA user_version).
# Append new entries; never edit one that has shipped.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE forms (
        view_id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        workflow_name TEXT NOT NULL,
        schema_json TEXT,
        channel_id TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        response_url TEXT,
        saved_at REAL NOT NULL
    );
    CREATE INDEX forms_by_saved_at ON forms (saved_at);

    CREATE TABLE dispatch_keys (
        key TEXT PRIMARY KEY,
        claimed_at REAL NOT NULL
    );

    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        workflow_name TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        status TEXT NOT NULL,
        link_url TEXT NOT NULL,
        error_reason TEXT,
        inputs_json TEXT NOT NULL,
        response_url TEXT,
        dispatched_at REAL NOT NULL,
        message_channel TEXT,
        message_ts TEXT,
        ended_at REAL,
        final_edit_done INTEGER NOT NULL DEFAULT 0,
        next_poll_at REAL NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0
    );
    -- Only open work is indexed, so the tracker's queries stay cheap as ended runs pile up.
    CREATE INDEX runs_open_by_due ON runs (next_poll_at)
        WHERE final_edit_done = 0 AND message_ts IS NOT NULL;
    CREATE INDEX runs_unposted ON runs (dispatched_at)
        WHERE final_edit_done = 0 AND message_ts IS NULL;
    """,
)

SCHEMA_VERSION = len(_MIGRATIONS)


class Store:
    """The bot's durable state behind one aiosqlite connection.

    Every write is committed before its method returns.
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by every caller: keep each statement and its commit together.
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: pathlib.Path) -> Store:
        """Open (or create) the SQLite file at `path` and bring its schema up to date."""
        db = await aiosqlite.connect(path)
        try:
            db.row_factory = aiosqlite.Row
            await _configure(db)
            await _migrate(db)
            store = cls(db)
            await store._prune_forms(older_than=time.time() - _FORM_TTL_SECONDS)
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        async with self._lock:
            await self._db.close()

    async def save_form(self, form: FormContext) -> None:
        """Keep `form` under its view id, replacing what that view had."""
        schema_json = None if form.schema is None else json.dumps(form.schema)
        await self._write(
            "INSERT OR REPLACE INTO forms (view_id, workflow_id, workflow_name, schema_json,"
            " channel_id, requester_id, response_url, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                form.view_id,
                form.workflow_id,
                form.workflow_name,
                schema_json,
                form.channel_id,
                form.requester_id,
                form.response_url,
                time.time(),
            ),
        )

    async def load_form(self, view_id: str) -> FormContext | None:
        """The form context saved for `view_id`, or None."""
        rows = await self._read("SELECT * FROM forms WHERE view_id = ?", (view_id,))
        if not rows:
            return None

        row = rows[0]
        schema_json = row["schema_json"]
        return FormContext(
            view_id=row["view_id"],
            workflow_id=row["workflow_id"],
            workflow_name=row["workflow_name"],
            schema=None if schema_json is None else json.loads(schema_json),
            channel_id=row["channel_id"],
            requester_id=row["requester_id"],
            response_url=row["response_url"],
        )

    async def claim_dispatch(self, key: str) -> bool:
        """True the first time `key` is claimed, False ever after (one insert decides)."""
        inserted = await self._write(
            "INSERT OR IGNORE INTO dispatch_keys (key, claimed_at) VALUES (?, ?)",
            (key, time.time()),
        )
        return inserted == 1

    async def add_run(self, run: TrackedRun) -> None:
        """Start tracking `run`; a run id already stored keeps its row."""
        await self._write(
            "INSERT INTO runs (run_id, workflow_id, workflow_name, channel_id, requester_id,"
            " status, link_url, error_reason, inputs_json, response_url, dispatched_at,"
            " message_channel, message_ts, ended_at, final_edit_done, next_poll_at, polls)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (run_id) DO NOTHING",
            (
                run.run_id,
                run.workflow_id,
                run.workflow_name,
                run.channel_id,
                run.requester_id,
                run.status.value,
                run.link_url,
                run.error_reason,
                json.dumps([list(pair) for pair in run.inputs_summary]),
                run.response_url,
                run.dispatched_at,
                run.message_channel,
                run.message_ts,
                run.ended_at,
                int(run.final_edit_done),
                run.next_poll_at,
                run.polls,
            ),
        )

    async def set_message(self, run_id: str, channel: str, ts: str) -> None:
        """Remember where the run's status message was posted."""
        await self._write(
            "UPDATE runs SET message_channel = ?, message_ts = ? WHERE run_id = ?",
            (channel, ts, run_id),
        )

    async def record_status(self, run_id: str, run: WorkflowRun, *, now: float) -> TrackedRun:
        """Store MarketCore's latest row for the run; a final status also sets `ended_at`."""
        async with self._lock:
            rows = await self._execute(
                "UPDATE runs SET status = ?, link_url = ?, error_reason = ?,"
                " ended_at = CASE WHEN ? AND ended_at IS NULL THEN ? ELSE ended_at END"
                " WHERE run_id = ? RETURNING *",
                (
                    run.status.value,
                    run.link_url,
                    run.error_reason,
                    run.status.is_final,
                    now,
                    run_id,
                ),
            )
        if not rows:
            raise KeyError(f"run {run_id} is not tracked")
        return _run_from_row(rows[0])

    async def mark_final_edit(self, run_id: str) -> None:
        """The run's message needs no more edits: it shows the final state (or was given up)."""
        await self._write("UPDATE runs SET final_edit_done = 1 WHERE run_id = ?", (run_id,))

    async def reschedule(self, run_id: str, *, next_poll_at: float, polls: int) -> None:
        """Set when the tracker should look at the run next."""
        await self._write(
            "UPDATE runs SET next_poll_at = ?, polls = ? WHERE run_id = ?",
            (next_poll_at, polls, run_id),
        )

    async def due_runs(self, now: float, limit: int) -> list[TrackedRun]:
        """Posted runs owing work (a poll, or the final edit) due by `now`, oldest due first."""
        rows = await self._read(
            "SELECT * FROM runs WHERE final_edit_done = 0 AND message_ts IS NOT NULL"
            " AND next_poll_at <= ? ORDER BY next_poll_at LIMIT ?",
            (now, limit),
        )
        return [_run_from_row(row) for row in rows]

    async def unposted_runs(self) -> list[TrackedRun]:
        """Runs whose status message was never saved (and not given up), oldest first."""
        rows = await self._read(
            "SELECT * FROM runs WHERE final_edit_done = 0 AND message_ts IS NULL"
            " ORDER BY dispatched_at",
        )
        return [_run_from_row(row) for row in rows]

    async def get_run(self, run_id: str) -> TrackedRun | None:
        """The tracked run with this id, or None."""
        rows = await self._read("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        return _run_from_row(rows[0]) if rows else None

    async def next_due_at(self) -> float | None:
        """The earliest `next_poll_at` among posted runs that still owe work, or None."""
        rows = await self._read(
            "SELECT MIN(next_poll_at) AS due FROM runs"
            " WHERE final_edit_done = 0 AND message_ts IS NOT NULL",
        )
        due = rows[0]["due"]
        return None if due is None else float(due)

    async def _prune_forms(self, *, older_than: float) -> None:
        pruned = await self._write("DELETE FROM forms WHERE saved_at < ?", (older_than,))
        if pruned:
            logger.info("Pruned %d form contexts older than a day", pruned)

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return await self._execute(sql, params)

    async def _write(self, sql: str, params: Sequence[Any]) -> int:
        async with self._lock:
            try:
                async with self._db.execute(sql, params) as cursor:
                    changed = cursor.rowcount
                await self._db.commit()
            except BaseException:
                await self._db.rollback()
                raise
        return changed

    async def _execute(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        # Callers hold the lock. Reads commit nothing; an UPDATE … RETURNING commits here.
        try:
            async with self._db.execute(sql, params) as cursor:
                rows = list(await cursor.fetchall())
            if self._db.in_transaction:
                await self._db.commit()
        except BaseException:
            await self._db.rollback()
            raise
        return rows


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
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {current} is newer than this bot knows ({SCHEMA_VERSION})"
        )

    for version in range(current + 1, SCHEMA_VERSION + 1):
        # user_version lives in the file header and commits together with the script.
        script = f"BEGIN;\n{_MIGRATIONS[version - 1]}\nPRAGMA user_version = {version};\nCOMMIT;"
        try:
            await db.executescript(script)
        except BaseException:
            await db.rollback()
            raise
        logger.info("Database schema migrated to version %d", version)


def _run_from_row(row: sqlite3.Row) -> TrackedRun:
    return TrackedRun(
        run_id=row["run_id"],
        workflow_id=row["workflow_id"],
        workflow_name=row["workflow_name"],
        channel_id=row["channel_id"],
        requester_id=row["requester_id"],
        status=RunStatus(row["status"]),
        link_url=row["link_url"],
        error_reason=row["error_reason"],
        inputs_summary=tuple(
            (str(label), str(text)) for label, text in json.loads(row["inputs_json"])
        ),
        response_url=row["response_url"],
        dispatched_at=float(row["dispatched_at"]),
        message_channel=row["message_channel"],
        message_ts=row["message_ts"],
        ended_at=None if row["ended_at"] is None else float(row["ended_at"]),
        final_edit_done=bool(row["final_edit_done"]),
        next_poll_at=float(row["next_poll_at"]),
        polls=int(row["polls"]),
    )
