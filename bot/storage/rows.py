"""Rows to objects and back, shared by the backends (sqlite3.Row and asyncpg.Record alike)."""

from __future__ import annotations

import json
from typing import Any

from bot.models import Approval, ApprovalState, FormContext, RunStatus, TrackedRun

# sqlite3.Row and asyncpg.Record both read columns by name; neither is a Mapping to mypy.
Row = Any

RUN_COLUMNS = (
    "run_id, workflow_id, workflow_name, channel_id, requester_id, status, link_url,"
    " error_reason, inputs_json, response_url, dispatched_at, message_channel, message_ts,"
    " ended_at, final_edit_done, next_poll_at, polls, input_values_json,"
    " progress_shown, team_id"
)
RUN_COLUMN_COUNT = RUN_COLUMNS.count(",") + 1


def run_values(run: TrackedRun) -> tuple[Any, ...]:
    """The run's fields in `RUN_COLUMNS` order."""
    return (
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
        run.final_edit_done,
        run.next_poll_at,
        run.polls,
        None if run.input_values is None else json.dumps(dict(run.input_values)),
        run.progress_shown,
        run.team_id,
    )


def form_values(form: FormContext, saved_at: float) -> tuple[Any, ...]:
    """The form's fields in the `forms` table's column order."""
    schema_json = None if form.schema is None else json.dumps(form.schema)
    return (
        form.view_id,
        form.workflow_id,
        form.workflow_name,
        schema_json,
        form.channel_id,
        form.requester_id,
        form.response_url,
        saved_at,
        json.dumps(list(form.workflow_tags)),
    )


def form_from_row(row: Row) -> FormContext:
    schema_json = row["schema_json"]
    return FormContext(
        view_id=row["view_id"],
        workflow_id=row["workflow_id"],
        workflow_name=row["workflow_name"],
        schema=None if schema_json is None else json.loads(schema_json),
        channel_id=row["channel_id"],
        requester_id=row["requester_id"],
        response_url=row["response_url"],
        workflow_tags=_tags(row["workflow_tags_json"]),
    )


def _tags(text: str | None) -> tuple[str, ...]:
    # Forms saved before tags were kept have none.
    tags = json.loads(text) if text else []
    return tuple(tag for tag in tags if isinstance(tag, str))


def run_from_row(row: Row) -> TrackedRun:
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
        input_values=_input_values(row["input_values_json"]),
        progress_shown=int(row["progress_shown"]),
        thread_ts=row["thread_ts"],
        team_id=row["team_id"],
    )


APPROVAL_COLUMNS = (
    "approval_id, workflow_id, workflow_name, channel_id, requester_id, request_json, state,"
    " created_at, expires_at, decided_by, decided_at, message_channel, message_ts"
)
APPROVAL_COLUMN_COUNT = APPROVAL_COLUMNS.count(",") + 1


def approval_values(approval: Approval) -> tuple[Any, ...]:
    """The approval's fields in `APPROVAL_COLUMNS` order."""
    return (
        approval.approval_id,
        approval.workflow_id,
        approval.workflow_name,
        approval.channel_id,
        approval.requester_id,
        approval.request_json,
        approval.state.value,
        approval.created_at,
        approval.expires_at,
        approval.decided_by,
        approval.decided_at,
        approval.message_channel,
        approval.message_ts,
    )


def approval_from_row(row: Row) -> Approval:
    return Approval(
        approval_id=row["approval_id"],
        workflow_id=row["workflow_id"],
        workflow_name=row["workflow_name"],
        channel_id=row["channel_id"],
        requester_id=row["requester_id"],
        request_json=row["request_json"],
        state=ApprovalState(row["state"]),
        created_at=float(row["created_at"]),
        expires_at=float(row["expires_at"]),
        decided_by=row["decided_by"],
        decided_at=None if row["decided_at"] is None else float(row["decided_at"]),
        message_channel=row["message_channel"],
        message_ts=row["message_ts"],
    )


def _input_values(text: str | None) -> dict[str, Any] | None:
    values = None if text is None else json.loads(text)
    return values if isinstance(values, dict) else None


def intent_from_json(text: str) -> dict[str, str | None]:
    """A dispatch intent read back; fields that are not strings are dropped."""
    data = json.loads(text)
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if v is None or isinstance(v, str)}
