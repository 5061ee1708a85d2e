"""Run events reach every listener, and a failing listener stops nothing."""

from __future__ import annotations

import logging

import pytest

from bot.models import TrackedRun
from bot.run_events import RunEvents
from tests.test_store import make_run


async def test_every_listener_hears_each_change_even_after_one_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = RunEvents()
    heard: list[str] = []

    async def broken(run: TrackedRun) -> None:
        raise RuntimeError("home view unavailable")

    async def recorder(run: TrackedRun) -> None:
        heard.append(run.run_id)

    events.subscribe(broken)
    events.subscribe(recorder)
    with caplog.at_level(logging.ERROR, logger="bot.run_events"):
        await events.changed(make_run("run-1"))
        await events.changed(make_run("run-2"))

    assert heard == ["run-1", "run-2"]
    assert "a run listener failed for run run-1" in caplog.text
