"""The audit trail: one structured line per dispatch and per run's final state."""

from __future__ import annotations

import logging
from typing import Any

from bot.logs import FIELDS_ATTRIBUTE
from bot.models import Approval, TrackedRun

logger = logging.getLogger("workflow_bot.audit")


def record_dispatch(
    *,
    user_id: str,
    workflow_id: str,
    channel_id: str,
    run_id: str | None,
    outcome: str,
    duration_ms: float,
) -> None:
    """Who started which workflow where, and what MarketCore answered."""
    _emit(
        "dispatch",
        user=user_id,
        workflow_id=workflow_id,
        channel=channel_id,
        run_id=run_id,
        outcome=outcome,
        duration_ms=round(duration_ms),
    )


def record_final(run: TrackedRun) -> None:
    """How a tracked run ended and how long it took from dispatch."""
    ended = run.ended_at if run.ended_at is not None else run.dispatched_at
    _emit(
        "final",
        user=run.requester_id,
        workflow_id=run.workflow_id,
        channel=run.channel_id,
        run_id=run.run_id,
        outcome=run.status.value,
        duration_s=round(ended - run.dispatched_at, 1),
    )


def record_approval(
    approval: Approval, *, event: str, decided_by: str | None = None, waited_s: float = 0.0
) -> None:
    """An approval requested, decided (approved / rejected / expired) or unusable.

    Who asked for which workflow where, who decided and how long it waited; never the
    input values.
    """
    _emit(
        "approval",
        approval_id=approval.approval_id,
        user=approval.requester_id,
        workflow_id=approval.workflow_id,
        channel=approval.channel_id,
        decision=event,
        decided_by=decided_by,
        waited_s=round(waited_s, 1),
    )


def _emit(event: str, **fields: Any) -> None:
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    logger.info("audit %s %s", event, text, extra={FIELDS_ATTRIBUTE: {"event": event, **fields}})
