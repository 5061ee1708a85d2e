"""Versioned schema for both backends.

Entry i of each list moves that database from version i to i + 1. Append new entries
(to both lists, keeping the numbers in step); never edit one that has shipped. SQLite
keeps its version in `PRAGMA user_version`, Postgres in the `schema_version` table.
"""

from __future__ import annotations

SQLITE: tuple[str, ...] = (
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
    # The run's non-secret input values, so "Run again" can show them in a new form; and
    # how many progress marks its message shows, so no replica edits the same mark twice.
    """
    ALTER TABLE runs ADD COLUMN input_values_json TEXT;
    ALTER TABLE runs ADD COLUMN progress_shown INTEGER NOT NULL DEFAULT 0;
    """,
    # The workflow's tags, so the access policy's tag rules apply when a form is submitted.
    """
    ALTER TABLE forms ADD COLUMN workflow_tags_json TEXT;
    """,
    # What a dispatch in flight was about, so a restart can tell the requester that its
    # outcome is unknown instead of saying nothing.
    """
    ALTER TABLE dispatch_keys ADD COLUMN intent_json TEXT;
    CREATE INDEX dispatch_keys_unsettled ON dispatch_keys (claimed_at)
        WHERE intent_json IS NOT NULL;
    """,
    # Quiet channels and App Home: the thread reply under a status message, the runs a
    # person started (newest first), and each person's notification preference.
    """
    ALTER TABLE runs ADD COLUMN thread_ts TEXT;
    CREATE INDEX runs_by_requester ON runs (requester_id, dispatched_at);
    CREATE TABLE user_prefs (
        user_id TEXT PRIMARY KEY,
        notify_dm INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL
    );
    """,
    # Approvals: a submission held until someone allowed to approve it decides. The
    # request (inputs included) is sealed JSON; the state changes once, from pending.
    """
    CREATE TABLE approvals (
        approval_id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        workflow_name TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        request_json TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        decided_by TEXT,
        decided_at REAL,
        message_channel TEXT,
        message_ts TEXT
    );
    CREATE INDEX approvals_pending_by_expiry ON approvals (expires_at)
        WHERE state = 'pending';
    """,
    # Many workspaces: the Slack workspace a run was started in, so its messages are
    # posted and edited with that workspace's token. Older runs have none (one workspace).
    """
    ALTER TABLE runs ADD COLUMN team_id TEXT;
    """,
    # Many workspaces: the MarketCore token a workspace admin set, sealed with
    # ENCRYPTION_KEY (never in clear), and who set it.
    """
    CREATE TABLE workspace_tokens (
        team_id TEXT PRIMARY KEY,
        sealed_token TEXT NOT NULL,
        set_by TEXT NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
)

POSTGRES: tuple[str, ...] = (
    """
    CREATE TABLE forms (
        view_id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        workflow_name TEXT NOT NULL,
        schema_json TEXT,
        channel_id TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        response_url TEXT,
        saved_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX forms_by_saved_at ON forms (saved_at);

    CREATE TABLE dispatch_keys (
        key TEXT PRIMARY KEY,
        claimed_at DOUBLE PRECISION NOT NULL
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
        dispatched_at DOUBLE PRECISION NOT NULL,
        message_channel TEXT,
        message_ts TEXT,
        ended_at DOUBLE PRECISION,
        final_edit_done BOOLEAN NOT NULL DEFAULT FALSE,
        next_poll_at DOUBLE PRECISION NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX runs_open_by_due ON runs (next_poll_at)
        WHERE NOT final_edit_done AND message_ts IS NOT NULL;
    CREATE INDEX runs_unposted ON runs (dispatched_at)
        WHERE NOT final_edit_done AND message_ts IS NULL;
    """,
    """
    ALTER TABLE runs ADD COLUMN input_values_json TEXT;
    ALTER TABLE runs ADD COLUMN progress_shown INTEGER NOT NULL DEFAULT 0;
    """,
    """
    ALTER TABLE forms ADD COLUMN workflow_tags_json TEXT;
    """,
    """
    ALTER TABLE dispatch_keys ADD COLUMN intent_json TEXT;
    CREATE INDEX dispatch_keys_unsettled ON dispatch_keys (claimed_at)
        WHERE intent_json IS NOT NULL;
    """,
    """
    ALTER TABLE runs ADD COLUMN thread_ts TEXT;
    CREATE INDEX runs_by_requester ON runs (requester_id, dispatched_at);
    CREATE TABLE user_prefs (
        user_id TEXT PRIMARY KEY,
        notify_dm BOOLEAN NOT NULL DEFAULT FALSE,
        updated_at DOUBLE PRECISION NOT NULL
    );
    """,
    """
    CREATE TABLE approvals (
        approval_id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        workflow_name TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        request_json TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL,
        decided_by TEXT,
        decided_at DOUBLE PRECISION,
        message_channel TEXT,
        message_ts TEXT
    );
    CREATE INDEX approvals_pending_by_expiry ON approvals (expires_at)
        WHERE state = 'pending';
    """,
    """
    ALTER TABLE runs ADD COLUMN team_id TEXT;
    """,
    """
    CREATE TABLE workspace_tokens (
        team_id TEXT PRIMARY KEY,
        sealed_token TEXT NOT NULL,
        set_by TEXT NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(SQLITE)
assert len(POSTGRES) == SCHEMA_VERSION, "both backends must be at the same schema version"
