from dataclasses import replace
from typing import Any

from bot.form_summary import MASKED_VALUE
from bot.models import RunStatus, TrackedRun
from bot.playground.blockkit_checks import check_blocks
from bot.thread_reply import build_end_dm, build_thread_reply
from tests.sample_runs import sample_run

DISPATCHED_AT = 1_764_800_000.0  # 2025-12-03 22:13:20 UTC

RUN = sample_run(dispatched_at=DISPATCHED_AT, message_channel="C1", message_ts="1700000000.000100")
ENDED = replace(RUN, status=RunStatus.SUCCEEDED, ended_at=DISPATCHED_AT + 125)
PERMALINK = "https://example.slack.com/archives/C1/p1700000000000100"


def _dicts(blocks: list[Any]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def _reply(run: TrackedRun) -> list[dict[str, Any]]:
    return _dicts(build_thread_reply(run).blocks)


def _timings(run: TrackedRun) -> str:
    # The timings are the reply's last line.
    return str(_reply(run)[-1]["elements"][0]["text"])


def _dm_text(run: TrackedRun, permalink: str | None = None) -> str:
    return str(_dicts(build_end_dm(run, permalink=permalink).blocks)[0]["text"]["text"])


# The thread reply.


def test_reply_shows_each_input_as_a_labelled_field() -> None:
    fields = [field["text"] for block in _reply(RUN) for field in block.get("fields", [])]
    assert fields == ["*Region*\nEMEA", "*Quarter*\n2026-Q4"]


def test_a_masked_secret_is_shown_masked_and_nothing_else_of_it() -> None:
    run = replace(RUN, inputs_summary=(("Bank token", MASKED_VALUE), ("Region", "EMEA")))
    fields = [field["text"] for block in _reply(run) for field in block.get("fields", [])]
    assert fields[0] == f"*Bank token*\n{MASKED_VALUE}"


def test_a_run_without_inputs_says_none_were_given() -> None:
    blocks = _reply(replace(RUN, inputs_summary=()))
    assert "No inputs were given." in str(blocks)
    assert not any("fields" in block for block in blocks)


def test_more_than_ten_inputs_are_counted_rather_than_dropped_silently() -> None:
    summary = tuple((f"Field {number}", str(number)) for number in range(12))
    blocks = _reply(replace(RUN, inputs_summary=summary))
    assert len(blocks[1]["fields"]) == 10
    assert "2 more inputs" in str(blocks[2])


def test_names_labels_and_values_cannot_ping_a_channel_or_disguise_a_link() -> None:
    run = replace(
        RUN,
        workflow_name="<!channel> report",
        inputs_summary=(("<!here>", "<https://evil.example|docs>"),),
    )
    message = build_thread_reply(run)
    shown = f"{message.text} {_dicts(message.blocks)}"
    for raw in ("<!channel>", "<!here>", "<https://evil.example|docs>"):
        assert raw not in shown
    assert "&lt;!channel&gt; report" in message.text
    assert "&lt;!here&gt;" in shown


def test_a_running_run_is_dispatched_and_not_ended_yet() -> None:
    timings = _timings(RUN)
    assert timings.startswith(f"Dispatched <!date^{int(DISPATCHED_AT)}^")
    assert "|2025-12-03 22:13:20 UTC>" in timings
    assert "not ended yet" in timings
    assert "took" not in timings


def test_an_ended_run_says_when_it_ended_and_how_long_it_took() -> None:
    timings = _timings(ENDED)
    assert f"ended <!date^{int(DISPATCHED_AT + 125)}^" in timings
    assert "took 2m 05s" in timings
    assert "not ended yet" not in timings


def test_an_end_time_without_a_final_state_is_not_taken_for_an_end() -> None:
    timings = _timings(replace(RUN, ended_at=DISPATCHED_AT + 60))
    assert "not ended yet" in timings
    assert "took" not in timings


def test_a_run_marketcore_lost_does_not_claim_it_may_still_end() -> None:
    timings = _timings(replace(RUN, lost=True))
    assert "no longer knows this run" in timings
    assert "not ended yet" not in timings


def test_every_state_makes_a_reply_slack_accepts() -> None:
    for status in RunStatus:
        run = replace(RUN, status=status, ended_at=DISPATCHED_AT + 5)
        assert check_blocks(_reply(run), "/blocks") == []
        assert check_blocks(_dicts(build_end_dm(run).blocks), "/blocks") == []


# The direct message when a run ends.


def test_the_dm_names_the_workflow_and_each_outcome_in_words() -> None:
    expected = {
        RunStatus.SUCCEEDED: ":white_check_mark: Your run of *Revenue report* succeeded.",
        RunStatus.FAILED: ":x: Your run of *Revenue report* failed.",
        RunStatus.SKIPPED: (
            ":fast_forward: Your run of *Revenue report* was skipped: no work was needed."
        ),
    }
    for status, text in expected.items():
        assert _dm_text(replace(ENDED, status=status)) == text


def test_the_dm_about_a_run_marketcore_lost_says_so_whatever_its_last_state() -> None:
    lost = replace(RUN, lost=True)
    assert _dm_text(lost) == (
        ":grey_question: Your run of *Revenue report* is no longer known to MarketCore."
    )
    assert build_end_dm(lost).text == "Your run of Revenue report is no longer known to MarketCore."


def test_the_dm_fallback_text_reads_without_mrkdwn() -> None:
    failed = build_end_dm(replace(ENDED, status=RunStatus.FAILED))
    assert failed.text == "Your run of Revenue report failed."


def test_the_dm_links_the_status_message_when_slack_gave_a_permalink() -> None:
    assert _dm_text(ENDED, PERMALINK).endswith(f" <{PERMALINK}|See its status message>")
    assert "See its status message" not in _dm_text(ENDED)


def test_a_permalink_that_is_not_a_web_address_is_left_out() -> None:
    assert "See its status message" not in _dm_text(ENDED, "javascript:alert(1)")


def test_the_dm_has_a_button_to_the_run_when_its_link_is_a_web_address() -> None:
    accessory = _dicts(build_end_dm(ENDED).blocks)[0]["accessory"]
    assert accessory["type"] == "button"
    assert accessory["url"] == ENDED.link_url


def test_a_link_that_is_not_a_web_address_gets_no_button() -> None:
    for link in ("javascript:alert(1)", "app.marketcore.ai/runs/1", ""):
        section = _dicts(build_end_dm(replace(ENDED, link_url=link)).blocks)[0]
        assert "accessory" not in section


def test_the_dm_escapes_the_workflow_name() -> None:
    message = build_end_dm(replace(ENDED, workflow_name="<!everyone> & co"))
    shown = f"{message.text} {_dicts(message.blocks)}"
    assert "<!everyone>" not in shown
    assert "*&lt;!everyone&gt; &amp; co*" in shown
