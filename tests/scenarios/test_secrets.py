"""The whole loop at DEBUG, every log line scanned for secrets: none may appear."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import quiet_libraries
from tests.scenarios import slack_requests
from tests.scenarios.harness import BOT_TOKEN, SIGNING_SECRET, chosen, running_world, typed

MARKETCORE_TOKEN = "mc-secret-token-5f2e9a"
AUDIENCE = "audience-value-7c1d"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    quiet_libraries(logging.DEBUG)  # exactly what the command line sets up
    yield caplog
    for name in logging.root.manager.loggerDict:
        logging.getLogger(name).setLevel(logging.NOTSET)


async def test_no_token_secret_or_input_value_is_ever_logged(
    tmp_path: Path, debug_logs: pytest.LogCaptureFixture
) -> None:
    async with running_world(tmp_path / "bot.db", marketcore_token=MARKETCORE_TOKEN) as world:
        await world.command("Campaign send")
        form = await world.wait_for_form()
        values = {
            "/audience": {"value": typed(form, "/audience", AUDIENCE)},
            "/channels": {"value": chosen(form, "/channels", "email")},
        }
        await world.submit(form, values)
        await world.slack.wait_for(lambda: bool(world.updates()), timeout=10)

        forged = slack_requests.slash_command(
            "wrong-secret",
            text=f"Campaign send {AUDIENCE}",
            trigger_id=world.slack.issue_trigger_id(),
            response_url=world.slack.response_url(world.slack_url),
        )
        assert (await world.send(forged)).status == 401

    lines = [record.getMessage() for record in debug_logs.records]
    lines += [str(record.__dict__) for record in debug_logs.records]
    # The scan saw the whole loop: a dispatch, its end, and the refused request.
    assert any("audit dispatch" in line for line in lines)
    assert any("audit final" in line for line in lines)
    assert any("invalid or stale Slack signature" in line for line in lines)
    for secret in (BOT_TOKEN, SIGNING_SECRET, MARKETCORE_TOKEN, AUDIENCE):
        leaks = [line for line in lines if secret in line]
        assert leaks == [], f"{secret!r} leaked into the logs: {leaks[:1]}"
