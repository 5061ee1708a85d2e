"""Approval request messages: waiting for a decision, then approved, rejected or expired."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.messages import SlackMessage
from bot.text import escape_mrkdwn, shorten

APPROVE_ACTION_ID = "approval_approve"
REJECT_ACTION_ID = "approval_reject"
APPROVAL_ACTIONS_BLOCK_ID = "approval_actions"

# A section's text holds at most 3000 characters; the summary gets what the rest leaves.
_SUMMARY_CHARS = 2500


@dataclass(frozen=True)
class ApprovalView:
    """What an approval request shows; the summary already has its secrets masked."""

    approval_id: str
    workflow_name: str
    requester_id: str
    approvers: Sequence[str]
    approver_groups: Sequence[str]
    inputs_summary: Sequence[tuple[str, str]]
    timeout_minutes: float


def build_approval_request(view: ApprovalView) -> SlackMessage:
    """The request as first posted: who asks for what, for whom, and the two buttons."""
    blocks = _body(view)
    blocks.append(
        ActionsBlock(
            block_id=APPROVAL_ACTIONS_BLOCK_ID,
            elements=[
                ButtonElement(
                    text="Approve",
                    action_id=APPROVE_ACTION_ID,
                    value=view.approval_id,
                    style="primary",
                ),
                ButtonElement(
                    text="Reject",
                    action_id=REJECT_ACTION_ID,
                    value=view.approval_id,
                    style="danger",
                ),
            ],
        )
    )
    blocks.append(
        _context(f"Expires after {waiting_time(view.timeout_minutes)} without a decision.")
    )
    return SlackMessage(text=_headline(view), blocks=blocks)


def build_approval_decided(view: ApprovalView, *, approved: bool, decided_by: str) -> SlackMessage:
    """The request once decided: the buttons are gone, the decision and its author shown."""
    if approved:
        line = f":white_check_mark: Approved by <@{decided_by}>"
    else:
        line = f":no_entry: Rejected by <@{decided_by}>"
    return SlackMessage(text=f"{_headline(view)} {line}", blocks=[*_body(view), _context(line)])


def build_approval_expired(view: ApprovalView) -> SlackMessage:
    """The request once its time ran out without a decision."""
    line = f":hourglass: Expired after {waiting_time(view.timeout_minutes)} without a decision"
    return SlackMessage(text=f"{_headline(view)} {line}", blocks=[*_body(view), _context(line)])


def build_approval_unusable(view: ApprovalView, *, decided_by: str) -> SlackMessage:
    """Approved, but the held inputs could no longer be read (the encryption key changed)."""
    line = (
        f":warning: Approved by <@{decided_by}>, but the submitted inputs can no longer be "
        "read (the bot's encryption key changed), so the run was not started."
    )
    return SlackMessage(text=f"{_headline(view)} {line}", blocks=[*_body(view), _context(line)])


def waiting_time(minutes: float) -> str:
    """`90` → "90 min"; under a minute in seconds, so short timeouts still read well."""
    if minutes < 1:
        return f"{max(1, round(minutes * 60))} s"
    return f"{minutes:g} min"


def _headline(view: ApprovalView) -> str:
    name = escape_mrkdwn(view.workflow_name)
    return f"<@{view.requester_id}> asks to run *{name}*: approval needed"


def _body(view: ApprovalView) -> list[Block]:
    who = ", ".join(
        [f"<@{user}>" for user in view.approvers]
        + [f"<!subteam^{group}>" for group in view.approver_groups]
    )
    text = f":raised_hand: {_headline(view)} from {who}."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if view.inputs_summary:
        lines = "\n".join(
            f"*{escape_mrkdwn(label)}:* {escape_mrkdwn(value)}"
            for label, value in view.inputs_summary
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shorten(lines, _SUMMARY_CHARS))))
    return blocks


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])
