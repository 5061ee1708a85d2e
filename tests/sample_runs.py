"""One tracked run for the builders' tests; each test changes what it is about."""

from dataclasses import replace
from typing import Any

from bot.models import RunStatus, TrackedRun

_BASE = TrackedRun(
    run_id="run-1",
    workflow_id="wf-1",
    workflow_name="Revenue report",
    channel_id="C1",
    requester_id="U1",
    status=RunStatus.RUNNING,
    link_url="https://app.marketcore.ai/workflows/wf-1/runs/run-1",
    error_reason=None,
    inputs_summary=(("Region", "EMEA"), ("Quarter", "2026-Q4")),
    response_url=None,
    dispatched_at=1_000.0,
)


def sample_run(**changes: Any) -> TrackedRun:
    """A running *Revenue report* run of U1's in C1, with `changes` applied."""
    return replace(_BASE, **changes)
