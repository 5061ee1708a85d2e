"""The store against a real SQLite file."""

from __future__ import annotations

import asyncio
import dataclasses
import pathlib
import sqlite3
import time
from collections.abc import AsyncIterator

import pytest

from bot.models import RunStatus, WorkflowRun
from bot.store import SCHEMA_VERSION, FormContext, Store, TrackedRun


@pytest.fixture
def db_path(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "state.db"


@pytest.fixture
async def store(db_path: pathlib.Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path)
    yield opened
    await opened.close()


def make_run(run_id: str = "run-1", **changes: object) -> TrackedRun:
    run = TrackedRun(
        run_id=run_id,
        workflow_id="wf-1",
        workflow_name="Weekly report",
        channel_id="C1",
        requester_id="U1",
        status=RunStatus.RUNNING,
        link_url=f"https://app.marketcore.ai/workflows/wf-1/runs/{run_id}",
        error_reason=None,
        inputs_summary=(("Region", "EMEA"), ("API key", "••••")),
        response_url="https://hooks.slack.com/commands/1",
        dispatched_at=1000.0,
    )
    return dataclasses.replace(run, **changes)  # type: ignore[arg-type]


def posted(run_id: str, next_poll_at: float = 0.0, **changes: object) -> TrackedRun:
    return make_run(
        run_id,
        message_channel="C1",
        message_ts=f"ts-{run_id}",
        next_poll_at=next_poll_at,
        **changes,
    )


def run_row(run_id: str, status: RunStatus, error_reason: str | None = None) -> WorkflowRun:
    return WorkflowRun(
        id=run_id,
        workflow_template_id="wf-1",
        status=status,
        link_url=f"https://app.marketcore.ai/workflows/wf-1/runs/{run_id}",
        error_reason=error_reason,
    )


async def test_form_round_trips_with_its_schema(store: Store) -> None:
    schema = {"type": "object", "properties": {"region": {"type": "string", "enum": ["EU"]}}}
    form = FormContext("V1", "wf-1", "Weekly report", schema, "C1", "U1", "https://hooks/1")

    await store.save_form(form)

    assert await store.load_form("V1") == form


async def test_a_forms_workflow_tags_round_trip(store: Store) -> None:
    form = FormContext("V1", "wf-1", "Payout", None, "C1", "U1", None, ("finance", "pii"))

    await store.save_form(form)

    assert await store.load_form("V1") == form


async def test_form_without_schema_or_response_url_round_trips(store: Store) -> None:
    form = FormContext("V1", "wf-1", "No inputs", None, "C1", "U1", None)

    await store.save_form(form)

    assert await store.load_form("V1") == form


async def test_saving_a_form_again_replaces_it(store: Store) -> None:
    await store.save_form(FormContext("V1", "wf-1", "Old", None, "C1", "U1", None))
    newer = FormContext("V1", "wf-2", "New", {"type": "object"}, "C2", "U2", None)

    await store.save_form(newer)

    assert await store.load_form("V1") == newer


async def test_unknown_view_has_no_form(store: Store) -> None:
    assert await store.load_form("nope") is None


async def test_forms_older_than_a_day_are_pruned_on_open(db_path: pathlib.Path) -> None:
    store = await Store.open(db_path)
    await store.save_form(FormContext("old", "wf-1", "Old", None, "C1", "U1", None))
    await store.save_form(FormContext("new", "wf-1", "New", None, "C1", "U1", None))
    await store.close()
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE forms SET saved_at = ? WHERE view_id = 'old'", (time.time() - 90000,))
    db.close()

    store = await Store.open(db_path)
    try:
        assert await store.load_form("old") is None
        assert await store.load_form("new") is not None
    finally:
        await store.close()


async def test_claim_dispatch_is_true_once(store: Store) -> None:
    assert await store.claim_dispatch("V1:hash") is True
    assert await store.claim_dispatch("V1:hash") is False
    assert await store.claim_dispatch("V2:hash") is True


async def test_twenty_concurrent_claims_have_one_winner(store: Store) -> None:
    results = await asyncio.gather(*(store.claim_dispatch("same-key") for _ in range(20)))

    assert results.count(True) == 1


async def test_claims_from_two_connections_have_one_winner(
    store: Store, db_path: pathlib.Path
) -> None:
    other = await Store.open(db_path)
    try:
        results = await asyncio.gather(
            *(s.claim_dispatch("shared") for s in (store, other) for _ in range(10))
        )
    finally:
        await other.close()

    assert results.count(True) == 1


async def test_run_round_trips(store: Store) -> None:
    run = make_run(
        error_reason="why", ended_at=5.0, final_edit_done=True, polls=3, progress_shown=2
    )

    await store.add_run(run)

    assert await store.get_run("run-1") == run


async def test_run_input_values_round_trip_and_may_be_absent(store: Store) -> None:
    values = {"region": "EMEA", "target": {"days": 3, "tags": ["a", "b"]}, "dry_run": False}
    await store.add_run(make_run("with", input_values=values))
    await store.add_run(make_run("without"))

    with_values = await store.get_run("with")
    without = await store.get_run("without")
    assert with_values is not None
    assert with_values.input_values == values
    assert without is not None
    assert without.input_values is None


async def test_a_file_from_the_first_schema_version_is_migrated_keeping_its_runs(
    db_path: pathlib.Path,
) -> None:
    from bot.storage import migrations

    with sqlite3.connect(db_path) as db:
        db.executescript(f"{migrations.SQLITE[0]}\nPRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO runs (run_id, workflow_id, workflow_name, channel_id, requester_id,"
            " status, link_url, inputs_json, dispatched_at)"
            " VALUES ('old', 'wf-1', 'Old', 'C1', 'U1', 'running', 'u', '[]', 1.0)"
        )
    db.close()

    store = await Store.open(db_path)
    try:
        old = await store.get_run("old")
        assert old is not None
        assert old.input_values is None
        assert old.team_id is None
        await store.add_run(make_run("new", input_values={"a": 1}))
        new = await store.get_run("new")
        assert new is not None
        assert new.input_values == {"a": 1}
    finally:
        await store.close()


async def test_record_progress_keeps_how_many_marks_the_message_shows(store: Store) -> None:
    await store.add_run(make_run("r1"))

    await store.record_progress("r1", 3)

    stored = await store.get_run("r1")
    assert stored is not None
    assert stored.progress_shown == 3


async def test_unknown_run_is_none(store: Store) -> None:
    assert await store.get_run("nope") is None


async def test_adding_a_run_twice_keeps_the_first_row(store: Store) -> None:
    await store.add_run(make_run())
    await store.set_message("run-1", "C1", "1.0")

    await store.add_run(make_run(status=RunStatus.PENDING))

    stored = await store.get_run("run-1")
    assert stored is not None
    assert (stored.status, stored.message_ts) == (RunStatus.RUNNING, "1.0")


async def test_set_message_records_where_it_went(store: Store) -> None:
    await store.add_run(make_run())

    await store.set_message("run-1", "D42", "1700000000.000100")

    stored = await store.get_run("run-1")
    assert stored is not None
    assert (stored.message_channel, stored.message_ts) == ("D42", "1700000000.000100")


async def test_record_status_keeps_latest_row_and_sets_ended_at_once(store: Store) -> None:
    await store.add_run(make_run(status=RunStatus.PENDING))

    running = await store.record_status("run-1", run_row("run-1", RunStatus.RUNNING), now=10.0)
    failed = await store.record_status(
        "run-1", run_row("run-1", RunStatus.FAILED, "quota exceeded"), now=20.0
    )
    again = await store.record_status(
        "run-1", run_row("run-1", RunStatus.FAILED, "quota exceeded"), now=30.0
    )

    assert (running.status, running.ended_at) == (RunStatus.RUNNING, None)
    assert (failed.status, failed.error_reason, failed.ended_at) == (
        RunStatus.FAILED,
        "quota exceeded",
        20.0,
    )
    assert again.ended_at == 20.0
    assert await store.get_run("run-1") == again


async def test_record_status_of_unknown_run_raises(store: Store) -> None:
    with pytest.raises(KeyError):
        await store.record_status("nope", run_row("nope", RunStatus.RUNNING), now=1.0)


async def test_reschedule_and_mark_final_edit(store: Store) -> None:
    await store.add_run(posted("run-1"))

    await store.reschedule("run-1", next_poll_at=42.0, polls=4)
    await store.mark_final_edit("run-1")

    stored = await store.get_run("run-1")
    assert stored is not None
    assert (stored.next_poll_at, stored.polls, stored.final_edit_done) == (42.0, 4, True)


async def test_due_runs_are_oldest_due_first_and_limited(store: Store) -> None:
    for run_id, due in [("c", 30.0), ("a", 10.0), ("later", 99.0), ("b", 20.0)]:
        await store.add_run(posted(run_id, next_poll_at=due))

    assert [r.run_id for r in await store.due_runs(50.0, 10)] == ["a", "b", "c"]
    assert [r.run_id for r in await store.due_runs(50.0, 2)] == ["a", "b"]
    assert await store.due_runs(5.0, 10) == []


async def test_due_runs_include_final_runs_owing_their_edit_only(store: Store) -> None:
    await store.add_run(posted("polling"))
    await store.add_run(posted("owes-edit", status=RunStatus.SUCCEEDED))
    await store.add_run(posted("done", status=RunStatus.SUCCEEDED, final_edit_done=True))
    await store.add_run(make_run("unposted"))

    due = {r.run_id for r in await store.due_runs(1.0, 10)}

    assert due == {"polling", "owes-edit"}


async def test_next_due_at_is_earliest_open_work(store: Store) -> None:
    assert await store.next_due_at() is None

    await store.add_run(posted("a", next_poll_at=30.0))
    await store.add_run(posted("b", next_poll_at=20.0))
    await store.add_run(posted("done", next_poll_at=1.0, final_edit_done=True))
    await store.add_run(make_run("unposted", next_poll_at=2.0))

    assert await store.next_due_at() == 20.0


async def test_unposted_runs_are_those_without_a_message(store: Store) -> None:
    await store.add_run(make_run("later", dispatched_at=20.0))
    await store.add_run(make_run("earlier", dispatched_at=10.0))
    await store.add_run(posted("posted"))
    await store.add_run(make_run("given-up", final_edit_done=True))

    assert [r.run_id for r in await store.unposted_runs()] == ["earlier", "later"]
    assert [r.run_id for r in await store.unposted_runs(dispatched_before=15.0)] == ["earlier"]

    await store.set_message("earlier", "C1", "1.0")
    assert [r.run_id for r in await store.unposted_runs()] == ["later"]


async def test_reopening_keeps_everything(db_path: pathlib.Path) -> None:
    form = FormContext("V1", "wf-1", "Weekly report", {"type": "object"}, "C1", "U1", None)
    store = await Store.open(db_path)
    await store.save_form(form)
    await store.claim_dispatch("key")
    await store.add_run(make_run())
    await store.set_message("run-1", "C1", "1.0")
    await store.reschedule("run-1", next_poll_at=7.0, polls=2)
    expected = await store.get_run("run-1")
    await store.close()

    store = await Store.open(db_path)
    try:
        assert await store.load_form("V1") == form
        assert await store.claim_dispatch("key") is False
        assert await store.get_run("run-1") == expected
        assert [r.run_id for r in await store.due_runs(7.0, 10)] == ["run-1"]
    finally:
        await store.close()


async def test_file_is_in_wal_mode_at_current_schema_version(
    store: Store, db_path: pathlib.Path
) -> None:
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


async def test_newer_schema_than_known_refuses_to_open(db_path: pathlib.Path) -> None:
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()

    with pytest.raises(RuntimeError, match="newer"):
        await Store.open(db_path)


async def test_due_query_uses_the_open_work_index(store: Store, db_path: pathlib.Path) -> None:
    await store.add_run(posted("a"))

    with sqlite3.connect(db_path) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM runs WHERE final_edit_done = 0"
            " AND message_ts IS NOT NULL AND next_poll_at <= ? ORDER BY next_poll_at LIMIT ?",
            (1.0, 8),
        ).fetchall()
    db.close()

    assert any("runs_open_by_due" in str(step) for step in plan)


async def test_due_runs_stay_fast_with_ten_thousand_ended_runs(
    store: Store, db_path: pathlib.Path
) -> None:
    await store.add_run(posted("ended", status=RunStatus.SUCCEEDED, final_edit_done=True))
    _copy_run(db_path, "ended", copies=10_000)
    await store.add_run(posted("open", next_poll_at=1.0))

    started = time.perf_counter()
    due = await store.due_runs(2.0, 8)
    elapsed = time.perf_counter() - started

    assert [r.run_id for r in due] == ["open"]
    assert elapsed < 0.05


def _copy_run(db_path: pathlib.Path, run_id: str, copies: int) -> None:
    with sqlite3.connect(db_path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(runs)")]
        others = ", ".join(c for c in columns if c != "run_id")
        # Column names come from the table itself, not from outside input.
        db.executemany(
            f"INSERT INTO runs (run_id, {others}) SELECT ?, {others} FROM runs WHERE run_id = ?",  # noqa: S608
            [(f"{run_id}-{i}", run_id) for i in range(copies)],
        )
    db.close()


async def test_a_dispatch_intent_is_kept_until_settled_even_across_a_reopen(
    db_path: pathlib.Path,
) -> None:
    intent = {"workflow_id": "wf-1", "channel_id": "C1", "requester_id": "U1", "response_url": None}
    store = await Store.open(db_path)
    assert await store.claim_dispatch("V1")
    assert await store.claim_dispatch("V2")
    await store.note_intent("V1", intent)
    await store.note_intent("V2", intent)
    await store.settle_intent("V2")
    await store.close()

    reopened = await Store.open(db_path)
    assert await reopened.unsettled_intents() == [("V1", intent)]
    await reopened.settle_intent("V1")
    assert await reopened.unsettled_intents() == []
    assert not await reopened.claim_dispatch("V1")  # settling never frees the key
    await reopened.close()
