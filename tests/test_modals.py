from typing import Any

from slack_sdk.models.views import View

from bot.forms import prepare_schema
from bot.metadata import ModalMetadata
from bot.modals import (
    PICK_ACTION_ID,
    RUN_CALLBACK_ID,
    build_confirm_view,
    build_error_view,
    build_form_view,
    build_loading_view,
    build_not_renderable_view,
    build_picker_view,
)
from bot.models import Workflow, WorkflowSummary

METADATA = ModalMetadata(channel_id="C1", response_url="https://hooks.slack.com/commands/x")
WORKFLOW = Workflow(
    id="wf-1",
    name="A rather long workflow name for a title",
    description="Does <b>things</b>.",
    inputs={"type": "object", "properties": {"region": {"type": "string"}}},
)


def _dict(view: View) -> dict[str, Any]:
    return view.to_dict()  # validates Block Kit limits


def test_loading_view_carries_the_metadata() -> None:
    view = _dict(build_loading_view("Revenue report", METADATA))
    assert ModalMetadata.decode(view["private_metadata"]) == METADATA
    assert "Loading Revenue report" in view["blocks"][0]["text"]["text"]


def test_form_view_has_a_short_title_the_whole_name_and_the_inputs() -> None:
    view = _dict(build_form_view(WORKFLOW, prepare_schema(WORKFLOW.inputs), METADATA))
    assert view["callback_id"] == RUN_CALLBACK_ID
    assert len(view["title"]["text"]) <= 24
    assert view["blocks"][0]["text"]["text"] == "*A rather long workflow name for a title*"
    assert "&lt;b&gt;" in view["blocks"][1]["elements"][0]["text"]
    assert view["blocks"][2]["block_id"] == "/region"
    assert view["submit"]["text"] == "Run"


def test_confirmation_view_submits_without_inputs() -> None:
    view = _dict(build_confirm_view(WORKFLOW, METADATA))
    assert view["callback_id"] == RUN_CALLBACK_ID
    assert not [block for block in view["blocks"] if block["type"] == "input"]


def test_picker_is_a_static_select_up_to_a_hundred_workflows() -> None:
    workflows = [WorkflowSummary(id=f"id-{i}", name=f"Workflow {i}") for i in range(100)]
    view = _dict(build_picker_view(workflows, METADATA))
    select = view["blocks"][-1]["elements"][0]
    assert select["type"] == "static_select"
    assert select["action_id"] == PICK_ACTION_ID
    assert len(select["options"]) == 100


def test_picker_becomes_a_typeahead_past_a_hundred() -> None:
    workflows = [WorkflowSummary(id=f"id-{i}", name=f"Workflow {i}") for i in range(101)]
    select = _dict(build_picker_view(workflows, METADATA))["blocks"][-1]["elements"][0]
    assert select["type"] == "external_select"


def test_picker_options_respect_slacks_text_and_value_limits() -> None:
    workflows = [
        WorkflowSummary(id="short", name="N" * 200),
        WorkflowSummary(id="x" * 151, name="Too long an id for an option"),
    ]
    select = _dict(build_picker_view(workflows, METADATA))["blocks"][-1]["elements"][0]
    assert [option["value"] for option in select["options"]] == ["short"]
    assert len(select["options"][0]["text"]["text"]) <= 75


def test_error_view_links_to_the_workflow_and_escapes_the_message() -> None:
    view = _dict(build_error_view("No <!channel> here", workflow_id="wf 1"))
    section = view["blocks"][0]
    assert "&lt;!channel&gt;" in section["text"]["text"]
    assert section["accessory"]["url"] == "https://app.marketcore.ai/workflows/wf%201"
    assert "submit" not in view


def test_not_renderable_view_says_why() -> None:
    view = _dict(build_not_renderable_view(WORKFLOW, "the property 'x' is too deep"))
    text = view["blocks"][0]["text"]["text"]
    assert "can't be shown in Slack" in text
    assert "too deep" in text


def test_a_form_for_run_again_starts_from_the_values_and_says_secrets_are_blank() -> None:
    schema = {
        "type": "object",
        "properties": {"region": {"type": "string"}, "api_key": {"type": "string"}},
    }
    view = _dict(
        build_form_view(WORKFLOW, prepare_schema(schema), METADATA, values={"region": "EMEA"})
    )

    region = next(block for block in view["blocks"] if block.get("block_id") == "/region")
    assert region["element"]["initial_value"] == "EMEA"
    assert "earlier run" in str(view["blocks"])
    assert "Secret inputs are never kept" in str(view["blocks"])
    assert view["callback_id"] == RUN_CALLBACK_ID


def test_a_plain_form_does_not_claim_to_come_from_an_earlier_run() -> None:
    view = _dict(build_form_view(WORKFLOW, prepare_schema(WORKFLOW.inputs), METADATA))
    assert "earlier run" not in str(view["blocks"])
