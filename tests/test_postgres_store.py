"""The Postgres store against a real server (`WORKFLOW_BOT_TEST_POSTGRES`).

.ci/run installs Debian's postgresql and starts a throwaway cluster for these tests;
there the variable must be set (CI=true makes its absence a failure). Elsewhere they
skip without it: start a server the way .ci/run does and export the variable.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
from pydantic import ValidationError
from slack_sdk.oauth.installation_store import Installation

from bot.config import Settings
from bot.models import FormContext, RunStatus, WorkflowRun
from bot.oauth import open_installations
from bot.storage.postgres import PostgresStore
from bot.store import SCHEMA_VERSION, open_store
from tests.test_tracker import make_run

DSN_VARIABLE = "WORKFLOW_BOT_TEST_POSTGRES"


def server_dsn() -> str:
    """The test server's DSN; skips (or fails, in CI) when none is configured."""
    dsn = os.environ.get(DSN_VARIABLE)
    if dsn:
        return dsn
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{DSN_VARIABLE} is not set: .ci/run should have started Postgres")
    pytest.skip(f"{DSN_VARIABLE} is not set (see .ci/run to start a server)")


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """Create an empty database, yield its DSN, drop it afterwards."""
    dsn = server_dsn()
    name = f"workflow_bot_test_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _with_database(dsn, name)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _with_database(dsn: str, name: str) -> str:
    base, _, query = dsn.partition("?")
    scheme, _, rest = base.partition("://")
    server = rest.split("/", 1)[0]
    return f"{scheme}://{server}/{name}" + (f"?{query}" if query else "")


Opener = Callable[[], Awaitable[PostgresStore]]


@pytest.fixture
async def opener() -> AsyncIterator[Opener]:
    """Opens stores on one fresh database; every store opened is closed afterwards."""
    opened: list[PostgresStore] = []
    async with fresh_database() as dsn:

        async def _open() -> PostgresStore:
            store = await PostgresStore.connect(dsn)
            opened.append(store)
            return store

        yield _open
        for store in opened:
            await store.close()


async def test_database_url_selects_postgres_and_migrates(opener: Opener) -> None:
    store = await opener()
    dsn = await store._pool.fetchval("SELECT current_database()")

    assert isinstance(await store._pool.fetchval("SELECT MAX(version) FROM schema_version"), int)
    assert await store._pool.fetchval("SELECT MAX(version) FROM schema_version") == SCHEMA_VERSION
    assert dsn.startswith("workflow_bot_test_")


async def test_open_store_picks_the_backend_from_the_url() -> None:
    async with fresh_database() as dsn:
        store = await open_store(dsn)
        try:
            assert isinstance(store, PostgresStore)
        finally:
            await store.close()


async def test_replicas_starting_together_migrate_once(opener: Opener) -> None:
    stores = await asyncio.gather(*(opener() for _ in range(4)))

    versions = await stores[0]._pool.fetch("SELECT version FROM schema_version")
    assert [row["version"] for row in versions] == list(range(1, SCHEMA_VERSION + 1))


async def test_newer_schema_than_known_refuses_to_open(opener: Opener) -> None:
    store = await opener()
    await store._pool.execute(
        "INSERT INTO schema_version (version) VALUES ($1)", SCHEMA_VERSION + 1
    )

    with pytest.raises(RuntimeError, match="newer"):
        await opener()


async def test_form_round_trips_and_is_replaced(opener: Opener) -> None:
    store = await opener()
    form = FormContext("V1", "wf", "Report", {"type": "object"}, "C1", "U1", None)
    await store.save_form(form)
    newer = FormContext("V1", "wf", "Report 2", None, "C2", "U1", "https://r", ("finance",))
    await store.save_form(newer)

    assert await store.load_form("V1") == newer
    assert await store.load_form("V2") is None


async def test_dispatch_key_has_one_winner_across_replicas(opener: Opener) -> None:
    first, second = await opener(), await opener()

    claims = await asyncio.gather(
        *(store.claim_dispatch("V1") for _ in range(10) for store in (first, second))
    )

    assert sorted(claims) == [False] * 19 + [True]


async def test_run_input_values_round_trip(opener: Opener) -> None:
    store = await opener()
    values = {"region": "EMEA", "target": {"days": 3}, "dry_run": False}
    await store.add_run(make_run("r1", input_values=values))
    await store.add_run(make_run("r2"))

    first, second = await store.get_run("r1"), await store.get_run("r2")
    assert first is not None
    assert first.input_values == values
    assert second is not None
    assert second.input_values is None


async def test_run_round_trips_and_records_its_end_once(opener: Opener) -> None:
    store = await opener()
    await store.add_run(make_run("r1", posted=False))
    await store.set_message("r1", "C1", "1.0")
    ended = WorkflowRun(
        id="r1",
        workflow_template_id="wf-1",
        status=RunStatus.FAILED,
        link_url="u",
        error_reason="x",
    )

    first = await store.record_status("r1", ended, now=10.0)
    again = await store.record_status("r1", ended, now=20.0)

    assert (first.status, first.error_reason, first.ended_at) == (RunStatus.FAILED, "x", 10.0)
    assert again.ended_at == 10.0
    assert (again.message_channel, again.message_ts) == ("C1", "1.0")
    with pytest.raises(KeyError):
        await store.record_status("nope", ended, now=1.0)


async def test_claims_by_two_replicas_never_overlap(opener: Opener) -> None:
    first, second = await opener(), await opener()
    for number in range(200):
        await first.add_run(make_run(f"r{number}"))

    batches = await asyncio.gather(
        *(
            store.claim_due(100.0, 7, lease_until=200.0)
            for _ in range(20)
            for store in (first, second)
        )
    )

    claimed = [run.run_id for batch in batches for run in batch]
    assert len(claimed) == len(set(claimed)) == 200


async def test_an_expired_lease_lets_another_replica_take_the_run(opener: Opener) -> None:
    first, second = await opener(), await opener()
    await first.add_run(make_run("r1"))

    taken = await first.claim_due(100.0, 10, lease_until=130.0)
    during = await second.claim_due(120.0, 10, lease_until=150.0)
    after = await second.claim_due(131.0, 10, lease_until=160.0)

    assert [run.run_id for run in taken] == ["r1"]
    assert during == []
    assert [run.run_id for run in after] == ["r1"]
    assert await second.next_due_at() == 160.0


async def test_only_old_unposted_runs_are_taken_over_and_only_once(opener: Opener) -> None:
    first, second = await opener(), await opener()
    await first.add_run(make_run("old", posted=False, dispatched_at=1.0))
    await first.add_run(make_run("fresh", posted=False, dispatched_at=4_000_000_000.0))

    found = await asyncio.gather(first.unposted_runs(), second.unposted_runs())

    assert sorted(run.run_id for runs in found for run in runs) == ["old"]


async def test_bad_dsn_fails_to_open() -> None:
    with pytest.raises((OSError, asyncpg.PostgresError)):
        await PostgresStore.connect("postgresql://nobody@127.0.0.1:1/none")


def test_settings_accept_a_postgres_database_url() -> None:
    settings = Settings(_env_file=None, DATABASE_URL="postgresql://bot@db.internal:5432/bot")  # type: ignore[call-arg]

    assert settings.DATABASE_URL == "postgresql://bot@db.internal:5432/bot"
    with pytest.raises(ValidationError):
        Settings(_env_file=None, DATABASE_URL="postgresql://")  # type: ignore[call-arg]


async def test_a_dispatch_intent_is_kept_until_settled(opener: Opener) -> None:
    store = await opener()
    intent = {"workflow_id": "wf", "channel_id": "C1", "requester_id": "U1", "response_url": None}
    assert await store.claim_dispatch("V1")
    await store.note_intent("V1", intent)

    assert await store.unsettled_intents() == [("V1", intent)]
    await store.settle_intent("V1")
    assert await store.unsettled_intents() == []


async def test_installations_live_in_postgres_beside_the_bots_tables() -> None:
    async with fresh_database() as dsn:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            DATABASE_URL=dsn,
            SLACK_CLIENT_ID="1111.2222",
            SLACK_CLIENT_SECRET="client-secret-value",  # type: ignore[arg-type]
        )
        installations = await open_installations(settings)
        assert installations is not None
        try:
            await installations.installation_store.async_save(
                Installation(
                    app_id="A1",
                    team_id="T1",
                    user_id="U1",
                    bot_token="xoxb-t1",
                    bot_id="B1",
                    bot_user_id="UB1",
                )
            )

            assert await installations.bot_token("T1") == "xoxb-t1"
            assert await installations.bot_token("T2") is None
        finally:
            await installations.close()
