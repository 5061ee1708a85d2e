"""Two bot replicas share one Postgres database: every run's message is edited exactly once."""

from __future__ import annotations

import asyncio
import collections
import random
import time

from bot.models import RunStatus, TrackedRun, WorkflowRun
from bot.storage.postgres import PostgresStore
from bot.tracker import RunTracker
from tests.test_postgres_store import fresh_database
from tests.test_tracker import eventually, make_run

RUNS = 500
OPTIONS = {
    "first_poll": 0.05,
    "max_poll_interval": 0.3,
    "poll_rate": 100_000.0,
    "edit_rate": 100_000.0,
    "lease_seconds": 1.0,
    "max_in_flight": 16,
}


class EndingRuns:
    """MarketCore for one replica: runs end at set times; a dead replica's calls never return."""

    def __init__(self, ends: dict[str, float]) -> None:
        self.ends = ends
        self.dead = False
        self.calls = 0

    async def get_workflow_run(self, run_id: str) -> WorkflowRun:
        self.calls += 1
        if self.dead:
            await asyncio.Event().wait()
        status = RunStatus.SUCCEEDED if time.time() >= self.ends[run_id] else RunStatus.RUNNING
        return WorkflowRun(
            id=run_id, workflow_template_id="wf-1", status=status, link_url=f"https://x/{run_id}"
        )


class SharedSlack:
    """One Slack workspace seen by both replicas; a dead replica's edits never arrive."""

    def __init__(self) -> None:
        self.edits: collections.Counter[str] = collections.Counter()

    def replica(self) -> ReplicaSlack:
        return ReplicaSlack(self)


class ReplicaSlack:
    def __init__(self, slack: SharedSlack) -> None:
        self.slack = slack
        self.dead = False
        self.edits = 0

    async def post(self, run: TrackedRun) -> tuple[str, str] | None:
        raise AssertionError("every run was posted before the replicas started")

    async def update(self, run: TrackedRun) -> None:
        if self.dead:
            await asyncio.Event().wait()
        assert run.status is RunStatus.SUCCEEDED
        self.slack.edits[run.run_id] += 1
        self.edits += 1


async def test_two_replicas_one_killed_midway_edit_every_message_exactly_once() -> None:
    async with fresh_database() as dsn:
        stores = [await PostgresStore.connect(dsn) for _ in range(2)]
        now = time.time()
        ends = {f"r{n}": now + random.uniform(0.2, 4.0) for n in range(RUNS)}
        for run_id in ends:
            await stores[0].add_run(make_run(run_id, dispatched_at=now))
        slack = SharedSlack()
        sources = [EndingRuns(ends) for _ in stores]
        notifiers = [slack.replica() for _ in stores]
        trackers = [
            RunTracker(store, source, notifier, **OPTIONS)  # type: ignore[arg-type]
            for store, source, notifier in zip(stores, sources, notifiers, strict=True)
        ]
        try:
            for tracker in trackers:
                await tracker.start()
            await eventually(lambda: sum(slack.edits.values()) >= RUNS // 4, timeout=20)

            # Replica 0 freezes mid-way (its polls and edits never finish), then is stopped.
            sources[0].dead = notifiers[0].dead = True
            killed = asyncio.create_task(trackers[0].stop())
            await eventually(lambda: len(slack.edits) == RUNS, timeout=30)
            await killed
            await asyncio.sleep(0.5)  # time for a duplicate edit to show, if there were one
        finally:
            for tracker in trackers:
                await tracker.stop()
            for store in stores:
                await store.close()

    assert set(slack.edits) == set(ends)
    assert set(slack.edits.values()) == {1}
    assert notifiers[0].edits > 0
    assert notifiers[1].edits > 0
