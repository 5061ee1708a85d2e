"""The tracker's budgets and schedule: MarketCore calls per second, Slack edits per second,
and poll intervals bounded by a run's age."""

from __future__ import annotations

import asyncio
import pathlib
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.models import RunStatus
from bot.progress import PROGRESS_MARKS
from bot.rate_budget import RateBudget
from bot.store import Store
from bot.tracker import RunTracker
from tests.test_tracker import FAST, FakeClock, FakeMarketCore, FakeSlack, eventually, make_run


@pytest.fixture
async def store(tmp_path: pathlib.Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "state.db")
    yield opened
    await opened.close()


def test_budget_allows_a_burst_then_refills_at_its_rate() -> None:
    budget = RateBudget(10.0, burst=3)

    assert budget.available() == 3
    budget.spend(3)
    assert budget.available() == 0
    assert 0.09 <= budget.wait_time() <= 0.1
    time.sleep(0.11)
    assert budget.available() == 1


def test_budget_waits_for_several_tokens_but_never_more_than_it_can_hold() -> None:
    budget = RateBudget(10.0, burst=3)
    budget.spend(3)

    assert budget.capacity == 3
    assert 0.29 <= budget.wait_time(3) <= 0.3
    assert 0.29 <= budget.wait_time(50) <= 0.3


def test_budget_refuses_a_rate_of_zero() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateBudget(0.0)


async def test_polls_stay_within_the_calls_per_second_budget(store: Store) -> None:
    source = FakeMarketCore({f"r{i}": [RunStatus.RUNNING] for i in range(200)})
    for i in range(200):
        await store.add_run(make_run(f"r{i}"))
    tracker = RunTracker(store, source, FakeSlack(), **{**FAST, "poll_rate": 40.0})
    await tracker.start()
    try:
        await asyncio.sleep(1.0)
    finally:
        await tracker.stop()

    # One second at 40 a second, plus the one-second burst the budget may save up (the low
    # bound only shows polling went on: a busy machine may run the loop slower).
    assert 20 <= len(source.calls) <= 85


async def test_edits_are_spread_within_the_edit_budget(store: Store) -> None:
    slack = FakeSlack()
    for i in range(8):
        await store.add_run(make_run(f"r{i}", status=RunStatus.SUCCEEDED))
    options = {**FAST, "edit_rate": 20.0, "edit_burst": 1.0}
    tracker = RunTracker(store, FakeMarketCore(), slack, **options)
    started = time.monotonic()
    await tracker.start()
    try:
        await eventually(lambda: len(slack.updates) == 8)
    finally:
        await tracker.stop()

    assert time.monotonic() - started >= 7 / 20 * 0.9


async def test_an_old_run_is_polled_within_a_tenth_of_its_age(store: Store) -> None:
    clock = FakeClock(now=1_000.0)
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]})
    # Many polls already: by count alone the next would wait the full minute.
    await store.add_run(make_run("r1", dispatched_at=900.0, polls=30))
    options = {**FAST, "first_poll": 2.0, "max_poll_interval": 60.0, "clock": clock}
    tracker = RunTracker(store, source, FakeSlack(), **options)
    await tracker.start()
    try:
        await eventually(lambda: len(source.calls) == 1)
        await asyncio.sleep(0.05)
    finally:
        await tracker.stop()

    run = await store.get_run("r1")
    assert run is not None
    assert 0 < run.next_poll_at - clock.now <= 0.1 * 100


async def test_a_claimed_run_is_leased_until_its_poll_reschedules_it(store: Store) -> None:
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]})
    source.gate = asyncio.Event()
    await store.add_run(make_run("r1"))
    tracker = RunTracker(store, source, FakeSlack(), **{**FAST, "lease_seconds": 30.0})
    await tracker.start()
    try:
        await eventually(lambda: source.in_flight == 1)
        leased = await store.get_run("r1")
        source.gate.set()
        await eventually(lambda: source.in_flight == 0)
    finally:
        await tracker.stop()

    assert leased is not None
    assert leased.next_poll_at >= time.time() + 25


async def test_no_progress_edits_while_runs_fall_due_faster_than_the_budget(
    store: Store,
) -> None:
    # 200 runs past their 15-minute mark, each due now, and a budget of 40 polls a second.
    source = FakeMarketCore({f"r{i}": [RunStatus.RUNNING] for i in range(200)})
    slack = FakeSlack()
    for i in range(200):
        await store.add_run(make_run(f"r{i}", dispatched_at=time.time() - 20 * 60))
    options = {**FAST, "poll_rate": 40.0, "progress_marks": PROGRESS_MARKS}
    tracker = RunTracker(store, source, slack, **options)
    await tracker.start()
    try:
        await asyncio.sleep(1.5)
    finally:
        await tracker.stop()

    # Runs polled before the budget ran dry (its one-second burst) may show progress;
    # none after that, though every poll since passed a mark it had not shown.
    assert len(source.calls) >= 60
    assert len(slack.updates) <= 40


async def _track_while_the_clock_runs(store: Store, **options: Any) -> FakeMarketCore:
    """200 runs, all due again at every step, tracked while the clock passes 90 s."""
    clock = FakeClock(now=10_000.0)
    source = FakeMarketCore({f"r{i}": [RunStatus.RUNNING] for i in range(200)})
    for i in range(200):
        await store.add_run(make_run(f"r{i}", dispatched_at=clock.now - 20 * 60))
    tracker = RunTracker(
        store, source, FakeSlack(), **{**FAST, "max_poll_interval": 1.0, "clock": clock, **options}
    )
    await tracker.start()
    try:
        for _ in range(45):
            await asyncio.sleep(0.05)
            clock.now += 2.0
    finally:
        await tracker.stop()
    return source


async def test_operators_are_warned_once_when_the_tracker_stays_behind(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # A budget of 40 polls a second keeps the tracker behind all along: a warning after
    # 60 s; the next would wait 600 s.
    await _track_while_the_clock_runs(store, poll_rate=40.0)

    warnings = [r.getMessage() for r in caplog.records if "behind" in r.getMessage()]
    assert len(warnings) == 1
    assert "40 MarketCore calls/s" in warnings[0]
    assert "MARKETCORE_POLL_RATE" in warnings[0]


async def test_no_warning_while_the_budget_keeps_up(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    source = await _track_while_the_clock_runs(store)

    assert len(source.calls) >= 400  # every run polled again and again
    assert not [r for r in caplog.records if "behind" in r.getMessage()]
