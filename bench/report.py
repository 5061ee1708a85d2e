"""Turns measured numbers into bench/RESULTS.md: machine, command, date, tables."""

from __future__ import annotations

import datetime
import os
import pathlib
import platform
import sys

from bench.latency import Samples
from bench.stats import ms, percentile, ratio
from bench.tracker_load import TrackerResult


def machine() -> str:
    """One line describing where the numbers were taken."""
    model = "unknown CPU"
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def latency_section(samples: Samples) -> list[str]:
    lines = [
        "## Open and submit latency: product vs bare Bolt floor",
        "",
        "Open: slash command sent → `views.open` received by stand-in Slack. Submit: view",
        "submission sent → `run_workflow` received by the MarketCore simulator. Milliseconds;",
        "product and floor batches alternate in the same run.",
        "",
        "| users | samples | open p50 product / floor | ratio | open p99 product / floor"
        " | ratio | submit p50 product / floor | submit p99 product / floor"
        " | submit p99 overhead |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for users in sorted({users for _, users in samples.open}):
        lines.append(_latency_row(samples, users))
    return lines


def _latency_row(samples: Samples, users: int) -> str:
    po, fo = samples.open[("product", users)], samples.open[("floor", users)]
    ps, fs = samples.submit[("product", users)], samples.submit[("floor", users)]
    op50, fo50, op99, fo99 = (
        percentile(po, 0.5),
        percentile(fo, 0.5),
        percentile(po, 0.99),
        percentile(fo, 0.99),
    )
    overhead = percentile(ps, 0.99) - percentile(fs, 0.99)
    return (
        f"| {users} | {len(po)} | {ms(op50)} / {ms(fo50)} | {ratio(op50, fo50)} "
        f"| {ms(op99)} / {ms(fo99)} | {ratio(op99, fo99)} "
        f"| {ms(percentile(ps, 0.5))} / {ms(percentile(fs, 0.5))} "
        f"| {ms(percentile(ps, 0.99))} / {ms(percentile(fs, 0.99))} | {ms(overhead)} |"
    )


def tracker_section(results: list[TrackerResult], poll_rate: float) -> list[str]:
    lines = [
        "## Tracker under load",
        "",
        f"MarketCore poll budget {poll_rate:g} calls/s. CPU share and calls/minute over the",
        "window; peak RSS of the tracker process; delay = run ended → its message edited.",
        "",
        "| runs | window s | CPU (share of one core) | peak RSS MB | MarketCore calls/min"
        " | ended / edited / edited twice | delay p50 / p99 / max s | delay ÷ age p99 / max |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        worst = max(r.delays, default=float("nan"))
        worst_share = max(r.delay_share_of_age, default=float("nan"))
        lines.append(
            f"| {r.runs:,} | {r.window:g} | {r.cpu_share:.1%} | {r.peak_rss_mb:.0f} "
            f"| {r.calls_per_minute:,.0f} | {r.ended} / {r.edited} / {r.edited_twice} "
            f"| {r.delay(0.5):.1f} / {r.delay(0.99):.1f} / {worst:.1f} "
            f"| {r.share(0.99):.1%} / {worst_share:.1%} |"
        )
    return lines


def write(
    path: pathlib.Path,
    latency: Samples | None,
    tracker: list[TrackerResult],
    poll_rate: float,
) -> None:
    """Write the results file (replacing the previous one)."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python -m bench.run " + " ".join(sys.argv[1:])
    lines = [
        "# Benchmark results",
        "",
        f"- date: {now}",
        f"- machine: {machine()}",
        f"- command: `{command.strip()}` (from the repository root, in its venv)",
        "",
    ]
    if latency is not None:
        lines += [*latency_section(latency), ""]
    if tracker:
        lines += [*tracker_section(tracker, poll_rate), ""]
    path.write_text("\n".join(lines))
