"""Watches dispatched runs until they end, then edits their status message to say how.

One loop claims due runs from the store by due time and polls a bounded number at once;
no task or timer exists per run, so the cost stays flat as runs grow into the thousands.
Two budgets keep it polite: MarketCore polls per second, and Slack edits per second (so a
burst of endings is spread within Slack's rate tier instead of drawing 429s). A claim is a
lease in the store, so several processes sharing one database never work on the same run,
and everything the loop needs to resume is in the store: a restart picks up where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from bot.errors import MarketCoreError, MarketCoreToolError
from bot.models import WorkflowRun
from bot.progress import PROGRESS_MARKS, marks_passed
from bot.rate_budget import RateBudget
from bot.resume import post_unposted
from bot.run_thread import RunThreads, ThreadPending
from bot.store import Store, TrackedRun

logger = logging.getLogger(__name__)

_GROWTH = 1.5  # each poll waits this much longer than the one before …
_AGE_SHARE = 0.08  # … but never more than this share of the run's age (+ jitter stays < 10 %)
_JITTER = 0.1  # ±10 %, so runs dispatched together do not stay in lockstep
_MAX_EXPONENT = 64  # 1.5 ** 64 is far past any interval cap, and far from float overflow
_RETRY_SECONDS = 5.0  # a failed edit is retried sooner than the next poll would be
# A tool error saying this is MarketCore's answer about the run, not a passing failure.
_UNKNOWN_RUN = re.compile(r"not found|no such|unknown run|does not exist", re.IGNORECASE)
_IDLE_CHECK_SECONDS = 1.0  # the loop re-reads the store at least this often
# A run still without a status message this long after dispatch was given up on by its
# dispatcher (which retries its post for at most a few minutes): the tracker posts it.
# The loop looks for such runs every `_UNPOSTED_SWEEP_SECONDS`.
UNPOSTED_TAKEOVER_SECONDS = 600.0
_UNPOSTED_SWEEP_SECONDS = 60.0
_STOP_GRACE_SECONDS = 5.0  # how long stop() lets polls in flight finish before cancelling
# Once the poll budget runs dry (runs fall due faster than MarketCore may be asked), the
# tracker is behind: for this long it makes no progress edits, only edits of endings.
_SHED_PROGRESS_SECONDS = 10.0
# Behind without a break for this long, the tracker tells operators its budget is too small
# (again at most this often).
_WARN_BEHIND_AFTER_SECONDS = 60.0
_WARN_BEHIND_EVERY_SECONDS = 600.0
# Paced by the budget, runs are claimed this many at a time rather than one per token:
# one trip to the store per batch, at the cost of a few tens of milliseconds of delay.
_CLAIM_BATCH = 5
_MIN_IN_FLIGHT = 8
_POLL_SECONDS = 0.1  # a poll's time in flight (MarketCore call + store write) to plan for


class RunSource(Protocol):
    """Where a run's latest row comes from (MarketCore's `get_workflow_run`)."""

    async def get_workflow_run(self, run_id: str) -> WorkflowRun:
        """The run's latest row; raises `MarketCoreError` when MarketCore cannot answer."""
        ...


class RunSources(Protocol):
    """The `RunSource` of each workspace; `bot.marketcores.MarketCores` provides it."""

    async def for_team(self, team_id: str | None) -> RunSource:
        """Where the runs of `team_id` are read from."""
        ...


class StatusNotifier(Protocol):
    """Posts and edits a run's status message (Slack)."""

    async def post(self, run: TrackedRun) -> tuple[str, str] | None:
        """Post the status message; (channel, ts) where it went, or None if nowhere."""
        ...

    async def update(self, run: TrackedRun) -> None:
        """Edit the message at run.message_channel/message_ts to show run.status.

        Raise only for failures worth retrying: the tracker retries until it succeeds.
        """
        ...


class RunTracker:
    """Polls dispatched runs with backoff and edits each status message once the run ends."""

    def __init__(
        self,
        store: Store,
        source: RunSource,
        notifier: StatusNotifier,
        *,
        max_in_flight: int | None = None,
        first_poll: float = 2.0,
        max_poll_interval: float = 60.0,
        poll_rate: float = 50.0,
        edit_rate: float = 1.0,
        edit_burst: float = 20.0,
        lease_seconds: float = 60.0,
        progress_marks: tuple[tuple[float, str], ...] = PROGRESS_MARKS,
        clock: Callable[[], float] = time.time,
        threads: RunThreads | None = None,
        sources: RunSources | None = None,
    ) -> None:
        """`source` reads every run, unless `sources` gives each workspace its own.

        Without `max_in_flight`, enough polls may be in flight to spend `poll_rate` when
        each takes up to a tenth of a second.
        """
        if max_in_flight is None:
            max_in_flight = max(_MIN_IN_FLIGHT, math.ceil(poll_rate * _POLL_SECONDS))
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._store = store
        self._source = source
        self._sources = sources
        self._notifier = notifier
        self._max_in_flight = max_in_flight
        self._first_poll = first_poll
        self._max_poll_interval = max_poll_interval
        self._retry_delay = min(_RETRY_SECONDS, max_poll_interval)
        self._polls = RateBudget(poll_rate)
        self._edits = RateBudget(edit_rate, burst=edit_burst)
        self._lease = lease_seconds
        self._progress_marks = progress_marks
        self._clock = clock
        self._threads = threads
        self._behind_since = 0.0
        self._behind_until = 0.0
        self._next_behind_warning = 0.0
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._in_flight: dict[str, asyncio.Task[None]] = {}

    async def start(self) -> None:
        """Post the messages a previous process never saved, then start the polling loop."""
        if self._loop_task is not None:
            raise RuntimeError("RunTracker is already started")

        await post_unposted(
            self._store, self.source_for, self._notifier, self._clock, threads=self._threads
        )
        self._loop_task = asyncio.create_task(self._schedule_forever(), name="run-tracker")

    async def stop(self) -> None:
        """Stop the loop; polls in flight get a moment to finish, then are cancelled."""
        loop_task, self._loop_task = self._loop_task, None
        if loop_task is not None:
            loop_task.cancel()
            await asyncio.wait([loop_task])

        in_flight = list(self._in_flight.values())
        if in_flight:
            _, unfinished = await asyncio.wait(in_flight, timeout=_STOP_GRACE_SECONDS)
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.wait(unfinished)

    def wake(self) -> None:
        """A run was added or posted: look at due times again now."""
        self._wake.set()

    # The loop.

    async def _schedule_forever(self) -> None:
        next_sweep = self._clock() + _UNPOSTED_SWEEP_SECONDS
        while True:
            try:
                if self._clock() >= next_sweep:
                    next_sweep = self._clock() + _UNPOSTED_SWEEP_SECONDS
                    await self._post_abandoned()
                await self._start_due_runs()
                timeout = await self._time_to_next_check()
            except Exception:
                logger.exception("Run tracker could not read due runs; trying again shortly")
                timeout = _IDLE_CHECK_SECONDS

            try:
                async with asyncio.timeout(timeout):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _post_abandoned(self) -> None:
        await post_unposted(
            self._store,
            self.source_for,
            self._notifier,
            self._clock,
            threads=self._threads,
            dispatched_before=self._clock() - UNPOSTED_TAKEOVER_SECONDS,
        )

    async def _start_due_runs(self) -> None:
        # Cleared before reading, so a wake that arrives during the read is not lost.
        self._wake.clear()
        slots = self._free_slots()
        budget = self._polls.available()
        if budget < 1:
            self._fall_behind(self._clock())
        if slots <= 0 or budget < self._claim_batch(slots):
            return
        free = min(slots, budget)

        now = self._clock()
        claimed = await self._store.claim_due(now, free, lease_until=now + self._lease)
        self._polls.spend(len(claimed))
        if budget < slots and len(claimed) == free:
            self._fall_behind(now)  # the budget, not the due runs, set how many started
        for run in claimed:
            # Only a lease that ran out while its poll was still going comes back here.
            if run.run_id not in self._in_flight:
                self._spawn(run)

    async def _time_to_next_check(self) -> float:
        slots = self._free_slots()
        if slots <= 0:
            return _IDLE_CHECK_SECONDS  # a poll that finishes wakes the loop
        batch = self._claim_batch(slots)
        if self._polls.available() < batch:
            return self._polls.wait_time(batch)

        next_due = await self._store.next_due_at()
        if next_due is None:
            return _IDLE_CHECK_SECONDS
        # A due time already past belongs to a run in flight; its end wakes the loop.
        wait = next_due - self._clock()
        return _IDLE_CHECK_SECONDS if wait <= 0 else min(wait, _IDLE_CHECK_SECONDS)

    def _free_slots(self) -> int:
        return self._max_in_flight - len(self._in_flight)

    def _fall_behind(self, now: float) -> None:
        # The poll budget ran dry or cut a claim short: the tracker is behind until a while
        # after the last time that happened.
        if now >= self._behind_until:
            self._behind_since = now
        self._behind_until = now + _SHED_PROGRESS_SECONDS
        behind_for = now - self._behind_since
        if behind_for >= _WARN_BEHIND_AFTER_SECONDS and now >= self._next_behind_warning:
            self._next_behind_warning = now + _WARN_BEHIND_EVERY_SECONDS
            logger.warning(
                "Run tracker has been behind for %.0f s: runs fall due faster than its budget"
                " of %g MarketCore calls/s allows, so endings are shown late and progress"
                " edits wait. Raise MARKETCORE_POLL_RATE (README, Performance).",
                behind_for,
                self._polls.rate,
            )

    def _claim_batch(self, slots: int) -> int:
        """How many polls the budget must allow before runs are claimed."""
        return max(1, min(_CLAIM_BATCH, slots, self._polls.capacity))

    def _spawn(self, run: TrackedRun) -> None:
        run_id = run.run_id
        task = asyncio.create_task(self._work_on(run), name=f"run-tracker:{run_id}")
        self._in_flight[run_id] = task
        task.add_done_callback(lambda _: self._finished(run_id))

    def _finished(self, run_id: str) -> None:
        self._in_flight.pop(run_id, None)
        self._wake.set()

    # One run's work.

    async def _work_on(self, run: TrackedRun) -> None:
        # The claim returned the row as it is now, and leased it to this process.
        try:
            # A reply missing here was lost to a crash after the status post: post it now.
            run, reply_is_current = await self._with_thread(run)
            if run.status.is_final:
                await self._edit_final(run, reply_is_current=reply_is_current)
            else:
                await self._poll(run)
        except ThreadPending:
            await self._retry_later(run.run_id, polls=run.polls)
        except Exception:
            logger.exception("Run tracker failed on run %s; trying again later", run.run_id)
            await self._retry_later(run.run_id, polls=run.polls)

    async def source_for(self, team_id: str | None) -> RunSource:
        """Where a run of `team_id` is read from: its workspace's MarketCore client."""
        if self._sources is None:
            return self._source
        return await self._sources.for_team(team_id)

    async def _with_thread(self, run: TrackedRun) -> tuple[TrackedRun, bool]:
        if self._threads is None:
            return run, False
        return await self._threads.ensure(run)

    async def _poll(self, run: TrackedRun) -> None:
        try:
            source = await self.source_for(run.team_id)
            latest = await source.get_workflow_run(run.run_id)
        except MarketCoreError as exc:
            if _says_run_unknown(exc):
                # MarketCore answered that it has no such run (deleted, or moved to another
                # team): polling again would only hear the same, forever.
                logger.warning("MarketCore no longer knows run %s (%s)", run.run_id, exc)
                await self._edit_final(replace(run, lost=True))
                return
            logger.warning(
                "Could not poll run %s (%s: %s); polling again later",
                run.run_id,
                type(exc).__name__,
                exc,
            )
            await self._reschedule(run)
            return

        if (latest.status, latest.error_reason, latest.link_url) != (
            run.status,
            run.error_reason,
            run.link_url,
        ):
            run = await self._store.record_status(run.run_id, latest, now=self._clock())

        if run.status.is_final:
            await self._edit_final(run)
            return
        await self._show_progress(run)
        await self._reschedule(run)

    async def _show_progress(self, run: TrackedRun) -> None:
        # A progress edit only takes a spare edit, and none while the tracker is behind:
        # it never delays the edit of an ending, and a mark skipped now is shown on a
        # later poll.
        now = self._clock()
        marks = marks_passed(now - run.dispatched_at, self._progress_marks)
        if marks <= run.progress_shown or self._edits.available() < 1 or now < self._behind_until:
            return
        self._edits.spend()
        try:
            await self._notifier.update(replace(run, progress_shown=marks))
        except Exception as exc:
            logger.warning("Could not show progress of run %s (%s)", run.run_id, exc)
            return
        await self._store.record_progress(run.run_id, marks)

    async def _edit_final(self, run: TrackedRun, *, reply_is_current: bool = False) -> None:
        # Recorded final before the edit, marked done after it: a crash in between edits the
        # same message again on restart, and never posts a second one. (A lost run is not
        # recorded at all: its next poll hears again that MarketCore does not know it.)
        await self._edits.acquire()
        try:
            await self._notifier.update(run)
        except Exception as exc:
            logger.warning(
                "Could not edit the status message of run %s (%s: %s); retrying in %.1f s",
                run.run_id,
                type(exc).__name__,
                exc,
                self._retry_delay,
            )
            await self._retry_later(run.run_id, polls=run.polls)
            return

        if self._threads is not None and not reply_is_current:
            await self._threads.finish(run)
        await self._store.mark_final_edit(run.run_id)
        if self._threads is not None:
            # After the mark: a crash may cost the DM, but never sends it twice.
            await self._threads.tell_requester(run)
        logger.info(
            "Run %s %s: status message edited %.1f s after dispatch",
            run.run_id,
            "no longer known to MarketCore" if run.lost else run.status.value,
            self._clock() - run.dispatched_at,
        )

    async def _reschedule(self, run: TrackedRun) -> None:
        now = self._clock()
        await self._store.reschedule(
            run.run_id, next_poll_at=now + self._interval(run, now), polls=run.polls + 1
        )

    def _interval(self, run: TrackedRun, now: float) -> float:
        # Backoff by poll count, bounded by the run's age: a run that ends is then shown
        # within about a tenth of its age, and never later than the longest interval.
        grown = self._first_poll * _GROWTH ** min(run.polls, _MAX_EXPONENT)
        by_age = max(self._first_poll, _AGE_SHARE * (now - run.dispatched_at))
        jittered = min(grown, by_age) * random.uniform(1 - _JITTER, 1 + _JITTER)
        return min(jittered, self._max_poll_interval)

    async def _retry_later(self, run_id: str, *, polls: int) -> None:
        delay = self._retry_delay * random.uniform(1 - _JITTER, 1 + _JITTER)
        try:
            await self._store.reschedule(run_id, next_poll_at=self._clock() + delay, polls=polls)
        except Exception:
            logger.exception("Run tracker could not reschedule run %s", run_id)
            # Hold this slot a moment, so a broken store does not become a busy loop.
            await asyncio.sleep(self._retry_delay)


def _says_run_unknown(error: MarketCoreError) -> bool:
    return isinstance(error, MarketCoreToolError) and bool(_UNKNOWN_RUN.search(error.message))
