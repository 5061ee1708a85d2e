"""The tracker under load: N runs in flight, some ending at random times in a window.

The tracker runs in a child process against light stand-ins served here on loopback.
Every run was dispatched up to `MAX_AGE` before the window starts; a quarter of them end
at a random moment inside the window, the rest stay running, so at least three quarters
of the runs are in flight all along. The child's CPU time and peak RSS are read from
/proc (Linux).
"""

from __future__ import annotations

import asyncio
import math
import os
import pathlib
import random
import tempfile
import time
from dataclasses import dataclass

from bench.processes import child
from bench.standins import EditLog, RunBoard
from bench.stats import percentile
from bot.models import RunStatus, TrackedRun
from bot.progress import marks_passed
from bot.store import Store
from tests.scenarios.servers import running_server

MAX_AGE = 20 * 60.0  # runs were dispatched up to this long before the window
ENDING_SHARE = 0.25  # the share of runs that end inside the window
START_MARGIN = 5.0  # seconds for the child to start before the window opens
DRAIN = 65.0  # after the window, time for the last ends to be noticed (> longest interval)


@dataclass
class TrackerResult:
    """What one load level measured."""

    runs: int
    window: float
    cpu_share: float
    peak_rss_mb: float
    calls_per_minute: float
    ended: int
    edited: int
    edited_twice: int
    delays: list[float]
    delay_share_of_age: list[float]

    def delay(self, fraction: float) -> float:
        return percentile(self.delays, fraction)

    def share(self, fraction: float) -> float:
        return percentile(self.delay_share_of_age, fraction)


async def seed(
    store: Store, board: RunBoard, runs: int, t0: float, window: float
) -> dict[str, float]:
    """Store `runs` posted, running runs (each with its thread reply and the progress marks
    it has passed already shown); returns each run's dispatch time by message ts."""
    dispatched: dict[str, float] = {}
    for number in range(runs):
        run_id, ts = f"run-{number:05d}", f"1700000000.{number:06d}"
        age = random.uniform(0, MAX_AGE)
        ends_inside = random.random() < ENDING_SHARE
        board.ends[run_id] = t0 + (random.uniform(1, window) if ends_inside else 10 * window)
        dispatched[ts] = t0 - age
        # As if it had been polled all along: due somewhere within its current interval.
        interval = min(60.0, max(2.0, age / 10))
        polls = int(math.log(max(age, 4.0) / 4.0, 1.5))
        due = t0 + random.uniform(0, interval)
        await store.add_run(_running(run_id, ts, t0 - age, due, polls, marks_passed(age)))
        await store.set_thread(run_id, _thread_ts(ts))
    return dispatched


def _running(
    run_id: str, ts: str, dispatched_at: float, next_poll_at: float, polls: int, shown: int
) -> TrackedRun:
    return TrackedRun(
        run_id=run_id,
        workflow_id="wf",
        workflow_name="Benchmark workflow",
        channel_id="C1",
        requester_id="U1",
        status=RunStatus.RUNNING,
        link_url=f"https://app.marketcore.ai/workflows/wf/runs/{run_id}",
        error_reason=None,
        inputs_summary=(),
        response_url=None,
        dispatched_at=dispatched_at,
        message_channel="C1",
        message_ts=ts,
        next_poll_at=next_poll_at,
        polls=polls,
        progress_shown=shown,  # each mark was shown as the run passed it
    )


def _thread_ts(ts: str) -> str:
    # The thread reply's ts: the status message's, one second later.
    seconds, micros = ts.split(".")
    return f"{int(seconds) + 1}.{micros}"


async def measure(runs: int, window: float, poll_rate: float) -> TrackerResult:
    """Run one load level and read back what happened."""
    board, slack = RunBoard(), EditLog()
    with tempfile.TemporaryDirectory() as tmp:
        database = pathlib.Path(tmp) / "tracker.db"
        t0 = time.time() + START_MARGIN + runs / 2000
        store = await Store.open(database)
        dispatched = await seed(store, board, runs, t0, window)
        await store.close()
        async with (
            running_server(board.asgi_app()) as marketcore_url,
            running_server(slack.asgi_app()) as slack_url,
        ):
            args = [str(database), f"{marketcore_url}/mcp", f"{slack_url}/api/", str(poll_rate)]
            async with child(["bench.tracker_worker", *args]) as pid:
                cpu_start = await _cpu_at(pid, t0)
                cpu_end = await _cpu_at(pid, t0 + window)
                await _drain(board, slack, t0 + window + DRAIN)
                peak_rss = _peak_rss_mb(pid)
    return _result(runs, window, board, slack, dispatched, t0, cpu_end - cpu_start, peak_rss)


def _result(
    runs: int,
    window: float,
    board: RunBoard,
    slack: EditLog,
    dispatched: dict[str, float],
    t0: float,
    cpu: float,
    peak_rss: float,
) -> TrackerResult:
    ends = {f"1700000000.{int(run_id[4:]):06d}": end for run_id, end in board.ends.items()}
    ended = {ts: end for ts, end in ends.items() if end <= t0 + window}
    delays, shares = [], []
    for ts, end in ended.items():
        if ts in slack.edits:
            delay = slack.edits[ts][0] - end
            delays.append(delay)
            shares.append(delay / max(end - dispatched[ts], 1e-9))
    calls = sum(1 for at in board.calls if t0 <= at <= t0 + window)
    return TrackerResult(
        runs=runs,
        window=window,
        cpu_share=cpu / window,
        peak_rss_mb=peak_rss,
        calls_per_minute=calls / (window / 60),
        ended=len(ended),
        edited=sum(1 for ts in ended if ts in slack.edits),
        edited_twice=sum(1 for times in slack.edits.values() if len(times) > 1),
        delays=delays,
        delay_share_of_age=shares,
    )


async def _cpu_at(pid: int, when: float) -> float:
    await asyncio.sleep(max(0.0, when - time.time()))
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


async def _drain(board: RunBoard, slack: EditLog, deadline: float) -> None:
    # Stop early once every run that ended has its edit.
    while time.time() < deadline:
        ended = [run_id for run_id, end in board.ends.items() if end <= time.time()]
        if all(f"1700000000.{int(r[4:]):06d}" in slack.edits for r in ended):
            return
        await asyncio.sleep(1.0)
