"""The modals of the conversation: loading, picker, form, confirmation and error views."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    ExternalDataSelectElement,
    LinkButtonElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.forms import FormSchema, build_form_blocks, prefilled_form
from bot.metadata import ModalMetadata
from bot.models import Workflow, WorkflowSummary
from bot.text import escape_mrkdwn, modal_title, shorten, workflow_url

# Every form and confirmation modal submits under this callback id.
RUN_CALLBACK_ID = "run_workflow"
PICKER_CALLBACK_ID = "pick_workflow"
PICK_ACTION_ID = "workflow_picked"
PICKER_BLOCK_ID = "workflow_picker"

# A static select holds at most 100 options; beyond that the picker loads them on demand.
STATIC_PICKER_LIMIT = 100
_OPTION_TEXT_CHARS = 75
_OPTION_VALUE_CHARS = 150

_DEFAULT_TITLE = "Run workflow"


def build_loading_view(what: str, metadata: ModalMetadata) -> View:
    """A small modal opened at once, while MarketCore is asked for the workflow."""
    text = f":hourglass_flowing_sand: Loading {escape_mrkdwn(shorten(what, 200))}…"
    return View(
        type="modal",
        callback_id=PICKER_CALLBACK_ID,
        title=_DEFAULT_TITLE,
        close="Cancel",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
        private_metadata=metadata.encode(),
    )


def build_picker_view(
    workflows: Sequence[WorkflowSummary],
    metadata: ModalMetadata,
    *,
    more_available: bool = False,
    note: str | None = None,
) -> View:
    """A modal to choose a workflow; past 100 workflows the choice is a typeahead."""
    blocks: list[Block] = []
    if note:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=escape_mrkdwn(note))))

    if more_available or len(workflows) > STATIC_PICKER_LIMIT:
        select: ExternalDataSelectElement | StaticSelectElement = ExternalDataSelectElement(
            action_id=PICK_ACTION_ID,
            placeholder="Type to search workflows",
            min_query_length=0,
        )
    else:
        select = StaticSelectElement(
            action_id=PICK_ACTION_ID,
            placeholder="Choose a workflow",
            options=build_workflow_options(workflows),
        )
    blocks.append(ActionsBlock(block_id=PICKER_BLOCK_ID, elements=[select]))

    return View(
        type="modal",
        callback_id=PICKER_CALLBACK_ID,
        title=_DEFAULT_TITLE,
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata.encode(),
    )


def build_workflow_options(workflows: Sequence[WorkflowSummary]) -> list[Option]:
    """Select options for workflows, at most 100, each valued by the workflow's id."""
    options = [
        Option(value=workflow.id, text=shorten(workflow.name or workflow.id, _OPTION_TEXT_CHARS))
        for workflow in workflows
        # An option value is capped at 150 characters; such an id can still be typed.
        if len(workflow.id) <= _OPTION_VALUE_CHARS
    ]
    return options[:STATIC_PICKER_LIMIT]


def build_form_view(
    workflow: Workflow,
    form: FormSchema,
    metadata: ModalMetadata,
    *,
    values: Mapping[str, Any] | None = None,
) -> View:
    """The workflow's inputs as a form; submitting it starts the run.

    With `values` (an earlier run's inputs) the form starts from them instead of the
    schema's defaults, and says so.
    """
    if values is None:
        return _run_view(workflow, build_form_blocks(form), metadata)

    shown, choices = prefilled_form(form, values)
    note = "Filled in from an earlier run; change anything before you press *Run*."
    if any(field.secret for field in form.fields):
        note += " Secret inputs are never kept, so they are blank."
    notice = ContextBlock(elements=[MarkdownTextObject(text=note)])
    return _run_view(workflow, [notice, *build_form_blocks(shown, choices)], metadata)


def build_confirm_view(workflow: Workflow, metadata: ModalMetadata) -> View:
    """For a workflow without inputs: its name, description and a Run button."""
    notice = ContextBlock(elements=[MarkdownTextObject(text="This workflow takes no inputs.")])
    return _run_view(workflow, [notice], metadata)


def build_error_view(message: str, *, workflow_id: str | None = None) -> View:
    """A readable dead end: what went wrong and, when known, where to look in MarketCore."""
    text = f":warning: {escape_mrkdwn(shorten(message, 2900))}"
    accessory = None
    if workflow_id is not None:
        accessory = LinkButtonElement(
            text="Open in MarketCore", url=workflow_url(workflow_id), action_id="open_workflow"
        )
    return View(
        type="modal",
        title=_DEFAULT_TITLE,
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text), accessory=accessory)],
    )


def build_not_renderable_view(workflow: Workflow, reason: str) -> View:
    """Shown instead of a form when the workflow's inputs cannot be drawn in Slack."""
    message = f"This workflow's inputs can't be shown in Slack: {reason}"
    return build_error_view(f"{workflow.name}\n{message}", workflow_id=workflow.id)


def _run_view(workflow: Workflow, body: Sequence[Block], metadata: ModalMetadata) -> View:
    # Forms and confirmations submit alike: the same callback, title and buttons.
    return View(
        type="modal",
        callback_id=RUN_CALLBACK_ID,
        title=modal_title(workflow.name),
        submit="Run",
        close="Cancel",
        blocks=[*_introduction(workflow), *body],
        private_metadata=metadata.encode(),
    )


def _introduction(workflow: Workflow) -> list[Block]:
    # The title is cut to 24 characters, so the body always carries the whole name.
    name = f"*{escape_mrkdwn(shorten(workflow.name, 500))}*"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=name))]
    if workflow.description and workflow.description.strip():
        description = escape_mrkdwn(shorten(workflow.description.strip(), 1500))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=description)]))
    return blocks
