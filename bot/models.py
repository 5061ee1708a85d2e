"""The vocabulary shared by every layer: workflows, runs and their states."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class RunStatus(StrEnum):
    """A run's state, named with MarketCore's own words."""

    PENDING = "pending"
    RUNNING = "running"
    FAILED = "failed"
    SUCCEEDED = "succeeded"
    SKIPPED = "skipped"

    @property
    def is_final(self) -> bool:
        """Whether the run has ended and will not change again."""
        return self in (RunStatus.FAILED, RunStatus.SUCCEEDED, RunStatus.SKIPPED)


def _string_list(value: Any) -> tuple[str, ...]:
    # An optional extra: a malformed one is ignored rather than failing the whole row.
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, str))[:50]


class _MarketCoreRow(BaseModel):
    # MarketCore may add fields at any time: keep what we know, ignore the rest.
    model_config = ConfigDict(extra="ignore", frozen=True)


class WorkflowSummary(_MarketCoreRow):
    """A workflow as `list_workflows` lists it."""

    id: str = Field(min_length=1)
    name: str
    description: str | None = None
    # Not in MarketCore's documented shape; used by the access policy when present.
    tags: Annotated[tuple[str, ...], BeforeValidator(_string_list)] = ()


class Workflow(WorkflowSummary):
    """A workflow as `get_workflow` returns it, with its declared inputs schema."""

    inputs: dict[str, Any] | None = None
    team_id: int | None = None


class WorkflowPage(_MarketCoreRow):
    """One page of `list_workflows`."""

    workflows: list[WorkflowSummary]
    next_cursor: str | None = None


class WorkflowRun(_MarketCoreRow):
    """The run row that `run_workflow` and `get_workflow_run` return."""

    id: str = Field(min_length=1)
    workflow_template_id: str
    status: RunStatus
    team_id: int | None = None
    link_url: str
    created_at: int | None = None
    error_reason: str | None = None
    trigger_type: str | None = None
    runner_session_id: str | None = None


@dataclass(frozen=True)
class FormContext:
    """What a modal's submission needs, kept with the view (keyed by Slack view id)."""

    view_id: str
    workflow_id: str
    workflow_name: str
    schema: dict[str, Any] | None
    channel_id: str
    requester_id: str
    response_url: str | None
    workflow_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrackedRun:
    """A dispatched run as the bot remembers it, from dispatch to its final edit."""

    run_id: str
    workflow_id: str
    workflow_name: str
    channel_id: str
    requester_id: str
    status: RunStatus
    link_url: str
    error_reason: str | None
    inputs_summary: tuple[tuple[str, str], ...]
    response_url: str | None
    dispatched_at: float
    message_channel: str | None = None
    message_ts: str | None = None
    ended_at: float | None = None
    final_edit_done: bool = False
    next_poll_at: float = 0.0
    polls: int = 0
    # Non-secret input values as submitted, for "Run again"; None for runs from before
    # they were kept.
    input_values: Mapping[str, Any] | None = None
    # How many progress marks ("running for over 5 min") the message has been edited to show.
    progress_shown: int = 0
    # Set by the tracker (never stored) when MarketCore answers that it has no such run.
    lost: bool = False
    # The one thread reply under the status message (inputs and timings), once posted.
    thread_ts: str | None = None
    # The Slack workspace the run was started in; None in single-workspace mode.
    team_id: str | None = None


class ApprovalState(StrEnum):
    """Where a held submission stands; it leaves `pending` once and never changes again."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Approval:
    """A submission held until an approver decides, as the store keeps it.

    `request_json` is opaque to the store: the approvals module seals what it needs to
    dispatch later (secret inputs never in clear).
    """

    approval_id: str
    workflow_id: str
    workflow_name: str
    channel_id: str
    requester_id: str
    request_json: str
    state: ApprovalState
    created_at: float
    expires_at: float
    decided_by: str | None = None
    decided_at: float | None = None
    message_channel: str | None = None
    message_ts: str | None = None
