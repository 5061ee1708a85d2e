from dataclasses import replace

from slack_sdk.models.blocks import Block

from bot.messages import (
    RUN_AGAIN_ACTION_ID,
    build_fallback_note,
    build_status_message,
    format_duration,
)
from bot.models import RunStatus
from tests.sample_runs import sample_run

RUN = sample_run()


def _dicts(blocks: list[Block]) -> list[dict[str, object]]:
    return [block.to_dict() for block in blocks]


def _all_text(blocks: list[Block]) -> str:
    return str(_dicts(blocks))


def test_running_message_names_requester_workflow_state_and_links_the_run() -> None:
    message = build_status_message(RUN)

    headline = _dicts(message.blocks)[0]
    assert "<@U1>" in headline["text"]["text"]
    assert "*Revenue report*" in headline["text"]["text"]
    assert "running" in headline["text"]["text"]
    assert headline["accessory"]["url"] == RUN.link_url
    assert message.text == "Revenue report: running"


def test_every_status_is_named_with_marketcores_word() -> None:
    for status in RunStatus:
        message = build_status_message(replace(RUN, status=status))
        assert status.value in message.text
        assert status.value in _dicts(message.blocks)[0]["text"]["text"]


def test_failed_run_shows_the_reason_exactly_as_plain_text() -> None:
    reason = "Warehouse <credentials> expired: *reconnect*"
    message = build_status_message(replace(RUN, status=RunStatus.FAILED, error_reason=reason))

    reason_block = _dicts(message.blocks)[1]
    assert reason_block["text"] == {"type": "plain_text", "text": reason, "emoji": False}


def test_skipped_run_says_no_work_was_needed() -> None:
    message = build_status_message(replace(RUN, status=RunStatus.SKIPPED))
    assert "no work was needed" in _all_text(message.blocks)


def test_the_channel_message_leaves_the_inputs_to_its_thread() -> None:
    assert "EMEA" not in _all_text(build_status_message(RUN).blocks)


def test_inputs_summary_is_shown_as_fields_where_there_is_no_thread() -> None:
    fields = _dicts(build_status_message(RUN, with_details=True).blocks)[1]["fields"]
    assert [field["text"] for field in fields] == ["*Region*\nEMEA", "*Quarter*\n2026-Q4"]


def test_names_and_values_cannot_ping_a_channel_or_disguise_links() -> None:
    run = replace(
        RUN,
        workflow_name="<!channel> report",
        inputs_summary=(("Note", "<https://evil.example|docs>"),),
    )
    text = _all_text(build_status_message(run).blocks)
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text
    assert "<https://evil.example|docs>" not in text


def test_more_than_ten_inputs_are_summarised_with_a_count() -> None:
    summary = tuple((f"Field {i}", str(i)) for i in range(13))
    message = build_status_message(replace(RUN, inputs_summary=summary), with_details=True)
    blocks = _dicts(message.blocks)
    assert len(blocks[1]["fields"]) == 10
    assert "3 more inputs" in str(blocks[2])


def test_a_link_that_is_not_a_web_url_gets_no_button_but_a_workflow_link() -> None:
    blocks = _dicts(build_status_message(replace(RUN, link_url="javascript:alert(1)")).blocks)
    assert "accessory" not in blocks[0]
    assert "https://app.marketcore.ai/workflows/wf-1" in str(blocks[-1])


def test_ended_run_says_how_long_it_took() -> None:
    run = replace(RUN, status=RunStatus.SUCCEEDED, ended_at=RUN.dispatched_at + 125)
    assert "took 2m 05s" in _all_text(build_status_message(run).blocks)


def test_fallback_note_names_the_channel() -> None:
    note = build_fallback_note("C9")
    message = build_status_message(RUN, note=note)
    assert "<#C9>" in str(_dicts(message.blocks)[0])


def test_durations_read_naturally() -> None:
    assert format_duration(4.4) == "4s"
    assert format_duration(65) == "1m 05s"
    assert format_duration(7260) == "2h 01m"
    assert format_duration(-3) == "0s"


def test_status_message_has_a_run_again_button_valued_by_the_run_id() -> None:
    for status in RunStatus:
        blocks = _dicts(build_status_message(replace(RUN, status=status)).blocks)
        buttons = [
            element
            for block in blocks
            if block["type"] == "actions"
            for element in block["elements"]
        ]
        assert [(b["action_id"], b["value"]) for b in buttons] == [(RUN_AGAIN_ACTION_ID, "run-1")]
        assert buttons[0]["text"]["text"] == "Run again"


def test_a_run_marketcore_no_longer_knows_says_so_instead_of_a_state() -> None:
    message = build_status_message(replace(RUN, lost=True))

    text = _all_text(message.blocks)
    assert "no longer known to MarketCore" in _dicts(message.blocks)[0]["text"]["text"]
    assert "MarketCore no longer knows this run" in text
    assert "stopped following it" in text
    assert "*running*" in text  # its last known state
    assert message.text == "Revenue report: no longer known to MarketCore"


def test_a_long_running_run_says_for_how_long_in_words_that_stay_true() -> None:
    assert "running for over 5 min" in _all_text(
        build_status_message(replace(RUN, progress_shown=2)).blocks
    )
    assert "for over" not in _all_text(build_status_message(RUN).blocks)


def test_an_ended_run_shows_how_long_it_took_instead_of_its_progress() -> None:
    run = replace(RUN, status=RunStatus.SUCCEEDED, ended_at=1_125.0, progress_shown=4)
    text = _all_text(build_status_message(run).blocks)
    assert "took 2m 05s" in text
    assert "for over" not in text
