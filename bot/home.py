"""A person's App Home: their recent runs, their workflows to run again, their preference."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    LinkButtonElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.messages import STATUS_EMOJI, format_duration
from bot.models import TrackedRun
from bot.text import escape_mrkdwn, is_web_url, shorten, workflow_url
from bot.workspace_token_views import build_token_home_blocks

HOME_CALLBACK_ID = "app_home"
# The Run button beside each recent workflow, valued by the workflow id.
HOME_RUN_ACTION_ID = "home_run_workflow"
# The checkbox that turns the direct message on a run's end on or off.
HOME_NOTIFY_ACTION_ID = "home_notify_dm"
NOTIFY_OPTION_VALUE = "notify_dm"
NOTIFY_LABEL = "Send me a direct message when my runs end"

RECENT_RUNS_SHOWN = 10
RECENT_WORKFLOWS_SHOWN = 5
_BUTTON_VALUE_CHARS = 2000
_NAME_CHARS = 200

_EMPTY = (
    "You haven't run any workflows yet. Type `/run-workflow` in any channel to choose "
    "one; each run you start shows up here, with its state and a link to it."
)


# The Home tab has no channel, so runs started from it report in the app's DM.
_WHERE_STATUS_GOES = "Runs started here post their status in your direct messages with me."


@dataclass(frozen=True)
class RecentWorkflow:
    """A workflow the person ran, named as it was at their latest run of it."""

    workflow_id: str
    name: str


def build_home_view(
    runs: Sequence[TrackedRun], *, notify_dm: bool, token_set: bool | None = None
) -> View:
    """The Home tab for someone whose runs are `runs` (newest first).

    `token_set` adds the workspace's MarketCore token section (many workspaces only).
    """
    blocks: list[Block] = [HeaderBlock(text="Your recent runs")]
    if runs:
        blocks += [_run_section(run) for run in runs[:RECENT_RUNS_SHOWN]]
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_EMPTY)))

    workflows = recent_workflows(runs)
    if workflows:
        blocks += [DividerBlock(), HeaderBlock(text="Run a workflow again")]
        blocks += [_workflow_section(workflow) for workflow in workflows]
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_WHERE_STATUS_GOES)]))

    blocks += [DividerBlock(), HeaderBlock(text="Notifications"), _notify_block(notify_dm)]
    if token_set is not None:
        blocks += build_token_home_blocks(token_set=token_set)
    return View(type="home", callback_id=HOME_CALLBACK_ID, blocks=blocks)


def recent_workflows(
    runs: Sequence[TrackedRun], limit: int = RECENT_WORKFLOWS_SHOWN
) -> list[RecentWorkflow]:
    """The distinct workflows of `runs`, most recently run first."""
    seen: dict[str, RecentWorkflow] = {}
    for run in runs:
        if run.workflow_id not in seen and len(run.workflow_id) <= _BUTTON_VALUE_CHARS:
            seen[run.workflow_id] = RecentWorkflow(run.workflow_id, run.workflow_name)
        if len(seen) == limit:
            break
    return list(seen.values())


def notify_choice(selected_values: Sequence[str]) -> bool:
    """Whether the preference checkbox is ticked, from the values Slack says are selected."""
    return NOTIFY_OPTION_VALUE in selected_values


def slack_date(epoch: float) -> str:
    """A moment each reader sees in their own time zone, with a UTC fallback."""
    seconds = int(epoch)
    fallback = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))
    return f"<!date^{seconds}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _run_section(run: TrackedRun) -> SectionBlock:
    name = escape_mrkdwn(shorten(run.workflow_name, _NAME_CHARS))
    when = slack_date(run.dispatched_at)
    if run.ended_at is not None and run.status.is_final:
        when += f" · took {format_duration(run.ended_at - run.dispatched_at)}"
    text = f"{STATUS_EMOJI[run.status]} *{name}*: *{run.status.value}*\n{when}"

    url = run.link_url if is_web_url(run.link_url) else workflow_url(run.workflow_id)
    # Link buttons still send an action; the app acknowledges "open_run" everywhere.
    button = LinkButtonElement(text="Open run", url=url, action_id="open_run")
    return SectionBlock(text=MarkdownTextObject(text=text), accessory=button)


def _workflow_section(workflow: RecentWorkflow) -> SectionBlock:
    name = escape_mrkdwn(shorten(workflow.name, _NAME_CHARS))
    button = ButtonElement(
        text="Run", action_id=HOME_RUN_ACTION_ID, value=workflow.workflow_id, style="primary"
    )
    return SectionBlock(text=MarkdownTextObject(text=f"*{name}*"), accessory=button)


def _notify_block(enabled: bool) -> ActionsBlock:
    option = Option(value=NOTIFY_OPTION_VALUE, text=NOTIFY_LABEL)
    checkbox = CheckboxesElement(
        action_id=HOME_NOTIFY_ACTION_ID,
        options=[option],
        initial_options=[option] if enabled else None,
    )
    return ActionsBlock(block_id="home_notifications", elements=[checkbox])
