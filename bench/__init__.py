"""Benchmarks for workflow-bot on loopback stand-ins: `python -m bench.run`."""
