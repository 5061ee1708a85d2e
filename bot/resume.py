"""On start: post the status messages a previous process saved a run for but never posted."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.errors import MarketCoreError
from bot.run_thread import RunThreads
from bot.store import Store, TrackedRun

if TYPE_CHECKING:
    from bot.tracker import RunSource, StatusNotifier

logger = logging.getLogger(__name__)

# Where a workspace's runs are read from (the tracker's `source_for`).
SourceFor = Callable[[str | None], Awaitable["RunSource"]]


async def post_unposted(
    store: Store,
    source_for: SourceFor,
    notifier: StatusNotifier,
    clock: Callable[[], float],
    *,
    threads: RunThreads | None = None,
    dispatched_before: float | None = None,
) -> None:
    """Post every run whose message was never saved (of those dispatched before
    `dispatched_before`, when given); one failure does not stop the rest."""
    for run in await store.unposted_runs(dispatched_before=dispatched_before):
        try:
            await _post_resumed(store, source_for, notifier, clock, run, threads)
        except Exception:
            logger.exception("Could not post the status message of run %s", run.run_id)


async def _post_resumed(
    store: Store,
    source_for: SourceFor,
    notifier: StatusNotifier,
    clock: Callable[[], float],
    run: TrackedRun,
    threads: RunThreads | None,
) -> None:
    """Post the status message of a run whose message was never saved.

    The process stopped (or Slack failed) between saving the run and saving its
    message: post it now, showing the run as it is today rather than at dispatch.
    """
    run = await _refresh(store, await source_for(run.team_id), clock, run)
    where = await notifier.post(run)
    if where is None:
        logger.warning("Status message of run %s could not be posted; giving up", run.run_id)
        await store.mark_final_edit(run.run_id)
        return

    channel, ts = where
    await store.set_message(run.run_id, channel, ts)
    if threads is not None:
        await threads.start(replace(run, message_channel=channel, message_ts=ts))
    if run.status.is_final:
        await store.mark_final_edit(run.run_id)
    logger.info("Run %s %s: status message posted on resume", run.run_id, run.status.value)


async def _refresh(
    store: Store, source: RunSource, clock: Callable[[], float], run: TrackedRun
) -> TrackedRun:
    if run.status.is_final:
        return run
    try:
        latest = await source.get_workflow_run(run.run_id)
    except MarketCoreError as exc:
        logger.warning(
            "Could not refresh run %s before posting (%s)", run.run_id, type(exc).__name__
        )
        return run
    return await store.record_status(run.run_id, latest, now=clock())
