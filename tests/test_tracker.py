"""The run tracker against a real store, with stand-ins for MarketCore and Slack."""

from __future__ import annotations

import asyncio
import logging
import pathlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.errors import MarketCoreToolError, MarketCoreUnavailable
from bot.models import RunStatus, WorkflowRun
from bot.progress import PROGRESS_MARKS
from bot.store import Store, TrackedRun
from bot.tracker import UNPOSTED_TAKEOVER_SECONDS, RunTracker

# Budgets high enough never to be what a test waits on (tests of the budgets set their own).
FAST: dict[str, Any] = {
    "first_poll": 0.01,
    "max_poll_interval": 0.05,
    "poll_rate": 100_000.0,
    "edit_rate": 100_000.0,
    "progress_marks": (),  # runs here are dispatched at 0.0; progress has its own tests
}

Answer = RunStatus | tuple[RunStatus, str] | Exception


class FakeMarketCore:
    """Answers `get_workflow_run` from a script per run; the last answer repeats."""

    def __init__(self, scripts: dict[str, list[Answer]] | None = None, delay: float = 0.0) -> None:
        self.scripts = scripts or {}
        self.delay = delay
        self.gate: asyncio.Event | None = None  # when set, every poll waits for it to open
        self.calls: list[str] = []
        self.in_flight = 0
        self.peak_in_flight = 0

    async def get_workflow_run(self, run_id: str) -> WorkflowRun:
        self.calls.append(run_id)
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.gate is not None:
                await self.gate.wait()
        finally:
            self.in_flight -= 1

        script = self.scripts.get(run_id, [RunStatus.SUCCEEDED])
        answer = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(answer, Exception):
            raise answer
        status, reason = answer if isinstance(answer, tuple) else (answer, None)
        return WorkflowRun(
            id=run_id,
            workflow_template_id="wf-1",
            status=status,
            link_url=f"https://app.marketcore.ai/workflows/wf-1/runs/{run_id}",
            error_reason=reason,
        )


class FakeSlack:
    """Records posts and edits; edits can be made to fail a number of times first."""

    def __init__(self, *, failing_updates: int = 0, can_post: bool = True) -> None:
        self.failing_updates = failing_updates
        self.can_post = can_post
        self.posts: list[TrackedRun] = []
        self.updates: list[TrackedRun] = []
        self.update_attempts = 0

    async def post(self, run: TrackedRun) -> tuple[str, str] | None:
        if not self.can_post:
            return None
        self.posts.append(run)
        return ("C1", f"ts-{len(self.posts)}")

    async def update(self, run: TrackedRun) -> None:
        self.update_attempts += 1
        if self.failing_updates:
            self.failing_updates -= 1
            raise ConnectionError("Slack is unreachable")
        self.updates.append(run)

    def updates_of(self, run_id: str) -> list[RunStatus]:
        return [run.status for run in self.updates if run.run_id == run_id]


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def store(tmp_path: pathlib.Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "state.db")
    yield opened
    await opened.close()


@pytest.fixture
async def start() -> AsyncIterator[Callable[..., Any]]:
    """Start trackers that are stopped at the end of the test, even when it fails."""
    started: list[RunTracker] = []

    async def _start(store: Store, source: Any, slack: Any, **options: Any) -> RunTracker:
        tracker = RunTracker(store, source, slack, **{**FAST, **options})
        await tracker.start()
        started.append(tracker)
        return tracker

    yield _start
    for tracker in started:
        await tracker.stop()


def make_run(run_id: str, *, posted: bool = True, **changes: Any) -> TrackedRun:
    fields: dict[str, Any] = {
        "run_id": run_id,
        "workflow_id": "wf-1",
        "workflow_name": "Weekly report",
        "channel_id": "C1",
        "requester_id": "U1",
        "status": RunStatus.RUNNING,
        "link_url": f"https://app.marketcore.ai/workflows/wf-1/runs/{run_id}",
        "error_reason": None,
        "inputs_summary": (("Region", "EMEA"),),
        "response_url": None,
        "dispatched_at": 0.0,
    }
    if posted:
        fields |= {"message_channel": "C1", "message_ts": f"ts-{run_id}"}
    return TrackedRun(**(fields | changes))


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.005)


async def settle() -> None:
    """Give the tracker time for work it should not do (several poll intervals)."""
    await asyncio.sleep(0.15)


async def test_running_run_is_polled_until_it_succeeds_then_edited_once(
    store: Store, start: Any
) -> None:
    source = FakeMarketCore({"r1": [RunStatus.RUNNING, RunStatus.RUNNING, RunStatus.SUCCEEDED]})
    slack = FakeSlack()
    await store.add_run(make_run("r1", status=RunStatus.PENDING))

    await start(store, source, slack)
    await eventually(lambda: bool(slack.updates))
    await settle()

    assert slack.updates_of("r1") == [RunStatus.SUCCEEDED]
    assert source.calls == ["r1"] * 3
    stored = await store.get_run("r1")
    assert stored is not None
    assert stored.final_edit_done
    assert stored.ended_at is not None
    assert slack.posts == []


async def test_failed_run_keeps_its_error_reason(store: Store, start: Any) -> None:
    source = FakeMarketCore({"r1": [(RunStatus.FAILED, "Quota exceeded for team 7")]})
    slack = FakeSlack()
    await store.add_run(make_run("r1"))

    await start(store, source, slack)
    await eventually(lambda: bool(slack.updates))

    assert slack.updates[0].error_reason == "Quota exceeded for team 7"
    stored = await store.get_run("r1")
    assert stored is not None
    assert (stored.status, stored.error_reason) == (RunStatus.FAILED, "Quota exceeded for team 7")


async def test_a_run_marketcore_no_longer_knows_is_edited_once_to_say_so_then_left(
    store: Store, start: Any
) -> None:
    gone = MarketCoreToolError("run 'r1' not found", tool="get_workflow_run", subject="r1")
    source = FakeMarketCore({"r1": [RunStatus.RUNNING, gone]})
    slack = FakeSlack()
    await store.add_run(make_run("r1"))

    await start(store, source, slack)
    await eventually(lambda: bool(slack.updates))
    polls_then = len(source.calls)
    await settle()

    (edited,) = slack.updates
    assert edited.lost
    assert edited.status is RunStatus.RUNNING
    assert len(source.calls) == polls_then
    stored = await store.get_run("r1")
    assert stored is not None
    assert stored.final_edit_done


async def test_a_failed_edit_of_a_lost_run_is_retried_until_it_is_shown(
    store: Store, start: Any
) -> None:
    gone = MarketCoreToolError("No such run", tool="get_workflow_run", subject="r1")
    source = FakeMarketCore({"r1": [gone]})
    slack = FakeSlack(failing_updates=2)
    await store.add_run(make_run("r1"))

    await start(store, source, slack, max_poll_interval=0.01)
    await eventually(lambda: bool(slack.updates))
    await settle()

    assert [run.lost for run in slack.updates] == [True]


async def test_a_long_run_gets_one_progress_edit_for_the_marks_it_passed_then_its_end(
    store: Store, start: Any
) -> None:
    source = FakeMarketCore({"r1": [RunStatus.RUNNING] * 6 + [RunStatus.SUCCEEDED]})
    slack = FakeSlack()
    await store.add_run(make_run("r1", dispatched_at=time.time() - 20 * 60))

    await start(store, source, slack, progress_marks=PROGRESS_MARKS)
    await eventually(lambda: RunStatus.SUCCEEDED in slack.updates_of("r1"))

    assert slack.updates_of("r1") == [RunStatus.RUNNING, RunStatus.SUCCEEDED]
    assert slack.updates[0].progress_shown == 3  # 1, 5 and 15 min passed: one edit for all
    stored = await store.get_run("r1")
    assert stored is not None
    assert stored.progress_shown == 3


async def test_a_young_run_gets_no_progress_edit(store: Store, start: Any) -> None:
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]})
    slack = FakeSlack()
    await store.add_run(make_run("r1", dispatched_at=time.time() - 30))

    await start(store, source, slack, progress_marks=PROGRESS_MARKS)
    await eventually(lambda: len(source.calls) >= 3)
    await settle()

    assert slack.updates == []


async def test_a_progress_mark_already_shown_is_not_shown_again(store: Store, start: Any) -> None:
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]})
    slack = FakeSlack()
    await store.add_run(make_run("r1", dispatched_at=time.time() - 400, progress_shown=2))

    await start(store, source, slack, progress_marks=PROGRESS_MARKS)
    await eventually(lambda: len(source.calls) >= 3)
    await settle()

    assert slack.updates == []


async def test_marketcore_errors_are_logged_and_polling_recovers(
    store: Store, start: Any, caplog: pytest.LogCaptureFixture
) -> None:
    lost = MarketCoreUnavailable("connection lost", tool="get_workflow_run", subject="r1")
    refused = MarketCoreToolError("try later", tool="get_workflow_run", subject="r1")
    source = FakeMarketCore({"r1": [lost, refused, RunStatus.SKIPPED]})
    slack = FakeSlack()
    await store.add_run(make_run("r1"))

    await start(store, source, slack)
    await eventually(lambda: bool(slack.updates))
    await settle()

    assert slack.updates_of("r1") == [RunStatus.SKIPPED]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("r1" in w and "MarketCoreUnavailable" in w for w in warnings)
    assert any("r1" in w and "MarketCoreToolError" in w for w in warnings)


async def test_failed_edit_is_retried_and_happens_once(store: Store, start: Any) -> None:
    source = FakeMarketCore({"r1": [RunStatus.SUCCEEDED]})
    slack = FakeSlack(failing_updates=2)
    await store.add_run(make_run("r1"))

    await start(store, source, slack)
    await eventually(lambda: bool(slack.updates))
    await settle()

    assert slack.updates_of("r1") == [RunStatus.SUCCEEDED]
    assert slack.update_attempts == 3
    assert source.calls == ["r1"]  # the final status is kept, not polled again
    stored = await store.get_run("r1")
    assert stored is not None
    assert stored.final_edit_done


async def test_unexpected_error_in_one_run_does_not_stop_the_others(
    store: Store, start: Any, caplog: pytest.LogCaptureFixture
) -> None:
    source = FakeMarketCore({"bad": [ValueError("boom"), RunStatus.SUCCEEDED]})
    slack = FakeSlack()
    await store.add_run(make_run("bad"))
    await store.add_run(make_run("good"))

    await start(store, source, slack)
    await eventually(lambda: len(slack.updates) == 2)

    assert sorted(run.run_id for run in slack.updates) == ["bad", "good"]
    assert any(r.exc_info and "bad" in r.getMessage() for r in caplog.records)


async def test_final_runs_with_their_edit_done_are_never_polled(store: Store, start: Any) -> None:
    source = FakeMarketCore()
    slack = FakeSlack()
    for status in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SKIPPED):
        await store.add_run(make_run(status.value, status=status, final_edit_done=True))

    tracker = await start(store, source, slack)
    tracker.wake()
    await settle()

    assert source.calls == []
    assert slack.updates == []
    assert slack.posts == []


async def test_final_run_owing_its_edit_is_edited_without_polling(store: Store, start: Any) -> None:
    source = FakeMarketCore()
    slack = FakeSlack()
    await store.add_run(make_run("r1", status=RunStatus.SUCCEEDED, ended_at=1.0))

    await start(store, source, slack)
    await eventually(lambda: bool(slack.updates))
    await settle()

    assert source.calls == []
    assert slack.updates_of("r1") == [RunStatus.SUCCEEDED]


async def test_run_added_while_running_is_picked_up_on_wake(store: Store, start: Any) -> None:
    source = FakeMarketCore()
    slack = FakeSlack()
    tracker = await start(store, source, slack)
    await asyncio.sleep(0.01)

    await store.add_run(make_run("r1"))
    tracker.wake()

    async with asyncio.timeout(0.5):  # well under the loop's one-second idle check
        await eventually(lambda: bool(slack.updates))


async def test_restart_resumes_open_runs_and_posts_unposted_once(
    tmp_path: pathlib.Path, start: Any
) -> None:
    path = tmp_path / "state.db"
    store = await Store.open(path)
    slow = FakeMarketCore({"open": [RunStatus.RUNNING]})
    first = await start(store, slow, FakeSlack())
    await store.add_run(make_run("open"))
    first.wake()
    await eventually(lambda: bool(slow.calls))
    await first.stop()
    # The process died after saving this run and before saving its message.
    await store.add_run(make_run("unposted", posted=False, status=RunStatus.PENDING))
    await store.close()

    store = await Store.open(path)
    try:
        source = FakeMarketCore(
            {
                "open": [RunStatus.SUCCEEDED],
                "unposted": [RunStatus.RUNNING, RunStatus.RUNNING, RunStatus.SUCCEEDED],
            }
        )
        slack = FakeSlack()
        await start(store, source, slack)
        await eventually(lambda: len(slack.updates) == 2)
        await settle()
    finally:
        await store.close()

    assert [(run.run_id, run.status) for run in slack.posts] == [("unposted", RunStatus.RUNNING)]
    assert slack.updates_of("open") == [RunStatus.SUCCEEDED]
    assert slack.updates_of("unposted") == [RunStatus.SUCCEEDED]
    assert [run.message_ts for run in slack.updates if run.run_id == "unposted"] == ["ts-1"]


async def test_unposted_run_that_ended_meanwhile_is_posted_final_and_not_edited(
    store: Store, start: Any
) -> None:
    source = FakeMarketCore({"r1": [(RunStatus.FAILED, "bad input")]})
    slack = FakeSlack()
    await store.add_run(make_run("r1", posted=False))

    await start(store, source, slack)
    await settle()

    assert [(run.status, run.error_reason) for run in slack.posts] == [
        (RunStatus.FAILED, "bad input")
    ]
    assert slack.updates == []
    stored = await store.get_run("r1")
    assert stored is not None
    assert (stored.message_ts, stored.final_edit_done) == ("ts-1", True)


async def test_unposted_run_that_cannot_be_posted_is_given_up(store: Store, start: Any) -> None:
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]})
    slack = FakeSlack(can_post=False)
    await store.add_run(make_run("r1", posted=False))

    await start(store, source, slack)
    await settle()

    assert source.calls == ["r1"]  # the refresh before posting, and no polling after
    assert await store.unposted_runs() == []
    assert await store.next_due_at() is None


async def test_a_run_its_dispatcher_could_not_post_is_posted_once_by_the_tracker_later(
    store: Store, start: Any
) -> None:
    clock = FakeClock()
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]})
    slack = FakeSlack()
    await start(store, source, slack, clock=clock)  # started before the run was added
    await store.add_run(make_run("r1", posted=False, dispatched_at=clock.now - 30))

    clock.now += 120  # its dispatcher may still be retrying: the tracker leaves it alone
    await settle()
    assert slack.posts == []

    clock.now += UNPOSTED_TAKEOVER_SECONDS  # the tracker's next look for unposted runs
    await eventually(lambda: len(slack.posts) == 1)
    await settle()

    assert len(slack.posts) == 1
    stored = await store.get_run("r1")
    assert stored is not None
    assert (stored.message_ts, stored.final_edit_done) == ("ts-1", False)


async def test_poll_interval_grows_and_is_capped(store: Store, start: Any) -> None:
    clock = FakeClock()
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]})
    await store.add_run(make_run("r1"))
    tracker = await start(
        store, source, FakeSlack(), first_poll=2.0, max_poll_interval=4.0, clock=clock
    )

    intervals = []
    for polls in range(1, 6):
        run = await _wait_for_polls(store, "r1", polls)
        intervals.append(run.next_poll_at - clock.now)
        clock.now = run.next_poll_at
        tracker.wake()

    expected = [2.0, 3.0, 4.0, 4.0, 4.0]
    for got, want in zip(intervals, expected, strict=True):
        assert want * 0.9 <= got <= want * 1.1
        assert got <= 4.0


async def _wait_for_polls(store: Store, run_id: str, polls: int) -> TrackedRun:
    async with asyncio.timeout(5):
        while True:
            run = await store.get_run(run_id)
            if run is not None and run.polls == polls:
                return run
            await asyncio.sleep(0.005)


async def test_thousand_runs_never_exceed_eight_polls_in_flight(store: Store, start: Any) -> None:
    running_then_done: list[Answer] = [RunStatus.RUNNING, RunStatus.SUCCEEDED]
    source = FakeMarketCore({f"r{i}": list(running_then_done) for i in range(1000)}, delay=0.001)
    slack = FakeSlack()
    for i in range(1000):
        await store.add_run(make_run(f"r{i}"))

    await start(store, source, slack, max_in_flight=8, first_poll=0.001)
    await eventually(lambda: len(slack.updates) == 1000, timeout=8.0)

    assert source.peak_in_flight <= 8
    assert len(source.calls) == 2000
    assert len({run.run_id for run in slack.updates}) == 1000


async def test_polls_fill_every_slot_and_no_more(store: Store, start: Any) -> None:
    source = FakeMarketCore()
    source.gate = asyncio.Event()
    slack = FakeSlack()
    for i in range(20):
        await store.add_run(make_run(f"r{i}"))

    await start(store, source, slack, max_in_flight=8)
    await eventually(lambda: source.in_flight == 8)
    await settle()
    stalled = (source.in_flight, source.peak_in_flight)
    source.gate.set()
    await eventually(lambda: len(slack.updates) == 20)

    assert stalled == (8, 8)
    assert source.peak_in_flight == 8


async def test_a_larger_poll_budget_allows_more_polls_in_flight(store: Store, start: Any) -> None:
    # 300 calls a second cannot be spent eight at a time by polls that each take 0.1 s.
    source = FakeMarketCore()
    source.gate = asyncio.Event()
    for i in range(60):
        await store.add_run(make_run(f"r{i}"))

    await start(store, source, FakeSlack(), poll_rate=300.0)
    await eventually(lambda: source.in_flight == 30)
    await settle()
    stalled = source.in_flight
    source.gate.set()

    assert stalled == 30


async def test_stop_lets_a_poll_in_flight_finish(store: Store) -> None:
    source = FakeMarketCore({"r1": [RunStatus.RUNNING]}, delay=0.1)
    tracker = RunTracker(store, source, FakeSlack(), **FAST)
    await store.add_run(make_run("r1"))
    await tracker.start()
    await eventually(lambda: source.in_flight == 1)

    await tracker.stop()

    stored = await store.get_run("r1")
    assert stored is not None
    assert stored.polls == 1
    assert asyncio.all_tasks() == {asyncio.current_task()}
