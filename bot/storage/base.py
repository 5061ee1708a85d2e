"""What every store backend offers; callers type against `Store` and never see a driver."""

from __future__ import annotations

import abc
import pathlib
from collections.abc import Mapping

from bot.models import Approval, ApprovalState, FormContext, TrackedRun, WorkflowRun

# A form context only matters while its modal is open; Slack views do not live for a day.
FORM_TTL_SECONDS = 24 * 3600


class Store(abc.ABC):
    """The bot's durable state. Every write is committed before its method returns."""

    @classmethod
    async def open(cls, path: pathlib.Path) -> Store:
        """Open (or create) the SQLite file at `path`: the single-process default."""
        from bot.storage.sqlite import SqliteStore

        return await SqliteStore.open_file(path)

    @abc.abstractmethod
    async def close(self) -> None:
        """Release the connection(s); the store cannot be used afterwards."""

    @abc.abstractmethod
    async def save_form(self, form: FormContext) -> None:
        """Keep `form` under its view id, replacing what that view had."""

    @abc.abstractmethod
    async def load_form(self, view_id: str) -> FormContext | None:
        """The form context saved for `view_id`, or None."""

    @abc.abstractmethod
    async def claim_dispatch(
        self, key: str, intent: Mapping[str, str | None] | None = None
    ) -> bool:
        """True the first time `key` is claimed (by any process), False ever after.

        A first claim keeps `intent` with the key in the same write, as `note_intent` would.
        """

    @abc.abstractmethod
    async def note_intent(self, key: str, intent: Mapping[str, str | None]) -> None:
        """Remember what the dispatch claimed as `key` is about, until it is settled."""

    @abc.abstractmethod
    async def settle_intent(self, key: str) -> None:
        """The dispatch under `key` has an outcome the requester will see."""

    @abc.abstractmethod
    async def unsettled_intents(self) -> list[tuple[str, dict[str, str | None]]]:
        """Dispatches a previous process started and never settled, oldest first."""

    @abc.abstractmethod
    async def add_run(self, run: TrackedRun) -> None:
        """Start tracking `run`; a run id already stored keeps its row."""

    @abc.abstractmethod
    async def set_message(self, run_id: str, channel: str, ts: str) -> None:
        """Remember where the run's status message was posted."""

    @abc.abstractmethod
    async def record_status(self, run_id: str, run: WorkflowRun, *, now: float) -> TrackedRun:
        """Store MarketCore's latest row for the run; a final status also sets `ended_at`."""

    @abc.abstractmethod
    async def mark_final_edit(self, run_id: str) -> None:
        """The run's message needs no more edits: it shows the final state (or was given up)."""

    @abc.abstractmethod
    async def record_progress(self, run_id: str, shown: int) -> None:
        """The run's message now shows `shown` progress marks."""

    @abc.abstractmethod
    async def reschedule(self, run_id: str, *, next_poll_at: float, polls: int) -> None:
        """Set when the tracker should look at the run next."""

    @abc.abstractmethod
    async def due_runs(self, now: float, limit: int) -> list[TrackedRun]:
        """Posted runs owing work (a poll, or the final edit) due by `now`, oldest due first."""

    @abc.abstractmethod
    async def claim_due(self, now: float, limit: int, *, lease_until: float) -> list[TrackedRun]:
        """Take up to `limit` due runs for this process until `lease_until`.

        A claimed run's due time moves to `lease_until`, so no other process (or later loop
        pass) takes it meanwhile; the claimer sets the real next due time when it is done,
        and a claimer that dies simply lets the lease run out.
        """

    @abc.abstractmethod
    async def unposted_runs(self, *, dispatched_before: float | None = None) -> list[TrackedRun]:
        """Runs whose status message was never saved (and not given up), oldest first;
        only those dispatched before `dispatched_before`, when given."""

    @abc.abstractmethod
    async def get_run(self, run_id: str) -> TrackedRun | None:
        """The tracked run with this id, or None."""

    @abc.abstractmethod
    async def next_due_at(self) -> float | None:
        """The earliest due time among posted runs that still owe work, or None."""

    @abc.abstractmethod
    async def set_thread(self, run_id: str, ts: str) -> None:
        """Remember the thread reply posted under the run's status message."""

    @abc.abstractmethod
    async def recent_runs(self, requester_id: str, limit: int) -> list[TrackedRun]:
        """The runs `requester_id` started, newest first."""

    @abc.abstractmethod
    async def notify_dm(self, user_id: str) -> bool:
        """Whether the person asked for a direct message when their runs end (off by default)."""

    @abc.abstractmethod
    async def set_notify_dm(self, user_id: str, enabled: bool) -> None:
        """Save the person's choice of a direct message when their runs end."""

    @abc.abstractmethod
    async def set_workspace_token(
        self, team_id: str, sealed_token: str, *, set_by: str, now: float
    ) -> None:
        """Keep a workspace's sealed MarketCore token, replacing the one before."""

    @abc.abstractmethod
    async def workspace_token(self, team_id: str) -> str | None:
        """The workspace's sealed MarketCore token, or None when none was set."""

    @abc.abstractmethod
    async def add_approval(self, approval: Approval) -> None:
        """Keep a submission that waits for approval."""

    @abc.abstractmethod
    async def get_approval(self, approval_id: str) -> Approval | None:
        """The approval with this id, or None."""

    @abc.abstractmethod
    async def decide_approval(
        self, approval_id: str, state: ApprovalState, *, decided_by: str | None, now: float
    ) -> Approval | None:
        """Move a pending approval to `state`; None when it was no longer pending.

        Exactly one caller wins, across processes: the one that gets the row back.
        """

    @abc.abstractmethod
    async def set_approval_message(self, approval_id: str, channel: str, ts: str) -> None:
        """Remember where the approval request was posted."""

    @abc.abstractmethod
    async def pending_approvals(self) -> list[Approval]:
        """Approvals still waiting for a decision, oldest first."""

    @abc.abstractmethod
    async def approved_since(self, since: float) -> list[Approval]:
        """Approvals approved at or after `since`, in the order they were decided."""

    @abc.abstractmethod
    async def expired_approvals(self, now: float) -> list[Approval]:
        """Pending approvals whose time ran out by `now`, oldest first."""
