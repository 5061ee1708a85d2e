"""Run the benchmarks and write bench/RESULTS.md.

python -m bench.run            # everything, about 8 minutes on 2 cores
python -m bench.run --quick    # a smoke run, about 2 minutes
python -m bench.run --only latency --users 50   # one latency level, about 20 seconds
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import pathlib

from bench import latency, report, tracker_load

FULL_LEVELS = {1: 40, 10: 12, 50: 6}  # concurrent users → rounds (each round: both apps)
QUICK_LEVELS = {1: 5, 10: 2, 50: 1}
FULL_RUNS = (100, 1_000, 10_000)
QUICK_RUNS = (100, 1_000)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter windows")
    parser.add_argument("--only", choices=("latency", "tracker"), help="run one benchmark")
    parser.add_argument(
        "--users", type=int, nargs="+", choices=sorted(FULL_LEVELS), help="latency levels"
    )
    parser.add_argument("--poll-rate", type=float, default=50.0, help="MarketCore calls/s")
    parser.add_argument("--window", type=float, help="tracker window in seconds")
    parser.add_argument(
        "--runs", type=int, nargs="+", help="tracker sizes (default 100 1000 10000)"
    )
    parser.add_argument(
        "--output", type=pathlib.Path, default=pathlib.Path(__file__).with_name("RESULTS.md")
    )
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> None:
    samples = None
    if args.only in (None, "latency"):
        levels = QUICK_LEVELS if args.quick else FULL_LEVELS
        chosen = args.users or list(levels)
        samples = await latency.measure({users: levels[users] for users in chosen})
    results = []
    if args.only in (None, "tracker"):
        window = args.window or (20.0 if args.quick else 90.0)
        for runs in args.runs or (QUICK_RUNS if args.quick else FULL_RUNS):
            results.append(await tracker_load.measure(runs, window, args.poll_rate))
    report.write(args.output, samples, results, args.poll_rate)
    print(args.output.read_text())


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parse()))
