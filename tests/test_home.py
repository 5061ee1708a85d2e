from dataclasses import replace
from typing import Any

from bot.home import (
    HOME_NOTIFY_ACTION_ID,
    HOME_RUN_ACTION_ID,
    NOTIFY_LABEL,
    NOTIFY_OPTION_VALUE,
    build_home_view,
    notify_choice,
    recent_workflows,
    slack_date,
)
from bot.models import RunStatus, TrackedRun
from bot.playground.blockkit_checks import check_view
from tests.sample_runs import sample_run

RUN = sample_run(inputs_summary=(), dispatched_at=1_764_800_000.0)


def _home(runs: list[TrackedRun], *, notify_dm: bool = False) -> dict[str, Any]:
    return build_home_view(runs, notify_dm=notify_dm).to_dict()


def _sections(home: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in home["blocks"] if block["type"] == "section"]


def _buttons(home: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    return [
        block["accessory"]
        for block in home["blocks"]
        if block.get("accessory", {}).get("action_id") == action_id
    ]


def _checkbox(home: dict[str, Any]) -> dict[str, Any]:
    (element,) = [
        element
        for block in home["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == HOME_NOTIFY_ACTION_ID
    ]
    return dict(element)


def _run(number: int, **changes: Any) -> TrackedRun:
    return replace(
        RUN,
        run_id=f"run-{number}",
        link_url=f"https://app.marketcore.ai/workflows/wf-1/runs/run-{number}",
        **changes,
    )


def test_a_run_shows_its_state_in_marketcores_word_with_emoji_name_link_and_time() -> None:
    home = _home([RUN])

    assert home["type"] == "home"
    (text, *_) = _sections(home)
    assert ":arrows_counterclockwise:" in text
    assert "*Revenue report*" in text
    assert "*running*" in text
    assert "<!date^1764800000^{date_short_pretty} at {time}|2025-12-03 22:13 UTC>" in text
    (link,) = _buttons(home, "open_run")
    assert link["url"] == RUN.link_url


def test_every_status_is_named_with_marketcores_word() -> None:
    for status in RunStatus:
        (text, *_) = _sections(_home([replace(RUN, status=status)]))
        assert f"*{status.value}*" in text


def test_an_ended_run_says_how_long_it_took() -> None:
    ended = replace(RUN, status=RunStatus.SUCCEEDED, ended_at=RUN.dispatched_at + 125)
    (text, *_) = _sections(_home([ended]))
    assert ":white_check_mark:" in text
    assert "took 2m 05s" in text


def test_runs_keep_their_order_newest_first_and_stop_at_ten() -> None:
    runs = [_run(number) for number in range(15)]
    links = [button["url"] for button in _buttons(_home(runs), "open_run")]
    assert links == [run.link_url for run in runs[:10]]


def test_a_run_without_a_web_link_points_to_its_workflow() -> None:
    (link,) = _buttons(_home([replace(RUN, link_url="not a link")]), "open_run")
    assert link["url"] == "https://app.marketcore.ai/workflows/wf-1"


def test_workflow_names_cannot_ping_or_disguise_links() -> None:
    sneaky = replace(RUN, workflow_name="<!channel> <https://evil|docs>")
    assert "<!channel>" not in str(_sections(_home([sneaky])))


def test_recent_workflows_are_distinct_newest_first_and_at_most_five() -> None:
    runs = [
        replace(RUN, workflow_id=f"wf-{number % 7}", workflow_name=f"Workflow {number % 7}")
        for number in [3, 3, 1, 3, 4, 5, 6, 0, 2]
    ]
    assert [workflow.workflow_id for workflow in recent_workflows(runs)] == [
        "wf-3",
        "wf-1",
        "wf-4",
        "wf-5",
        "wf-6",
    ]


def test_each_recent_workflow_has_a_run_button_valued_by_its_id() -> None:
    other = replace(RUN, workflow_id="wf-2", workflow_name="Nightly sync")
    home = _home([RUN, other, RUN])

    buttons = _buttons(home, HOME_RUN_ACTION_ID)
    assert [button["value"] for button in buttons] == ["wf-1", "wf-2"]
    assert {button["text"]["text"] for button in buttons} == {"Run"}
    assert "direct messages" in str(home["blocks"])


def test_someone_who_never_ran_anything_is_told_how_to_start() -> None:
    home = _home([])

    (empty, *_) = _sections(home)
    assert "haven't run any workflows yet" in empty
    assert "`/run-workflow`" in empty
    assert _buttons(home, HOME_RUN_ACTION_ID) == []
    assert _buttons(home, "open_run") == []


def test_the_preference_checkbox_shows_the_stored_choice() -> None:
    unticked = _checkbox(_home([], notify_dm=False))
    ticked = _checkbox(_home([], notify_dm=True))

    assert unticked["options"][0]["text"]["text"] == NOTIFY_LABEL
    assert "initial_options" not in unticked
    assert ticked["initial_options"] == ticked["options"]


def test_the_preference_is_read_from_the_selected_options() -> None:
    assert notify_choice([NOTIFY_OPTION_VALUE]) is True
    assert notify_choice([]) is False


def test_a_full_home_passes_slacks_block_kit_checks() -> None:
    runs = [
        _run(number, workflow_id=f"wf-{number}", workflow_name="x" * 300) for number in range(50)
    ]
    home = _home(runs, notify_dm=True)

    assert check_view(home) == []
    assert len(home["blocks"]) <= 100


def test_slack_date_falls_back_to_utc() -> None:
    assert slack_date(0.9) == "<!date^0^{date_short_pretty} at {time}|1970-01-01 00:00 UTC>"
