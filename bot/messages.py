"""Run → status message: the one channel message that follows a run from dispatch to its end."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    LinkButtonElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.models import RunStatus, TrackedRun
from bot.progress import progress_label
from bot.text import escape_mrkdwn, is_web_url, shorten, workflow_url

# The status message's button that opens the workflow's form again, valued by the run id.
RUN_AGAIN_ACTION_ID = "run_again"
_BUTTON_VALUE_CHARS = 2000

# How each state looks wherever a run is shown (status message, its DM, the Home).
STATUS_EMOJI: dict[RunStatus, str] = {
    RunStatus.PENDING: ":hourglass_flowing_sand:",
    RunStatus.RUNNING: ":arrows_counterclockwise:",
    RunStatus.SUCCEEDED: ":white_check_mark:",
    RunStatus.FAILED: ":x:",
    RunStatus.SKIPPED: ":fast_forward:",
}
LOST_EMOJI = ":grey_question:"  # a run MarketCore no longer knows

_LOST_WORDS = "no longer known to MarketCore"
_LOST_NOTE = (
    "MarketCore no longer knows this run (it may have been deleted), so I stopped "
    "following it. Its last known state was *{status}*; open it in MarketCore to check."
)

# A section holds at most 10 fields; past that the summary names how many were left out.
_MAX_SUMMARY_FIELDS = 10
_FIELD_CHARS = 2000

_HEADLINES: dict[RunStatus, str] = {
    RunStatus.PENDING: "pending: accepted, waiting to start",
    RunStatus.RUNNING: "running",
    RunStatus.SUCCEEDED: "succeeded",
    RunStatus.FAILED: "failed",
    RunStatus.SKIPPED: "skipped: the runner decided no work was needed",
}


@dataclass(frozen=True)
class SlackMessage:
    """A message ready for `chat.postMessage` / `chat.update`: fallback text and blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def build_status_message(
    run: TrackedRun, *, note: str | None = None, with_details: bool = False
) -> SlackMessage:
    """The status message for `run` in its current state: short, the details go in its thread.

    `note` is a line of the bot's own mrkdwn shown on top (never text from a person).
    `with_details` keeps the inputs in the message itself, for a status that has no
    thread to hold them (one sent through a response URL).
    """
    blocks: list[Block] = []
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))

    blocks.append(_headline(run))
    if run.lost:
        lost_note = _LOST_NOTE.format(status=run.status.value)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=lost_note)]))
    elif run.status is RunStatus.FAILED:
        blocks.append(_failure_reason(run.error_reason))
    if with_details:
        blocks.extend(inputs_summary_blocks(run.inputs_summary))
    blocks.extend(_run_again(run))
    blocks.append(_footer(run))

    status_word = _LOST_WORDS if run.lost else run.status.value
    text = f"{escape_mrkdwn(run.workflow_name)}: {status_word}"
    return SlackMessage(text=shorten(text, 300), blocks=blocks)


def build_fallback_note(channel_id: str) -> str:
    """Why a status message arrived as a direct message instead of in the channel."""
    return (
        f"I couldn't post in <#{channel_id}> (I'm not a member there), "
        "so here is your run's status."
    )


def _headline(run: TrackedRun) -> SectionBlock:
    emoji = LOST_EMOJI if run.lost else STATUS_EMOJI[run.status]
    words = _LOST_WORDS if run.lost else _HEADLINES[run.status]
    name = escape_mrkdwn(shorten(run.workflow_name, 200))
    text = f"{emoji} <@{run.requester_id}> started *{name}*: *{words}*"

    accessory = None
    if is_web_url(run.link_url):
        accessory = LinkButtonElement(text="Open run", url=run.link_url, action_id="open_run")
    return SectionBlock(text=MarkdownTextObject(text=text), accessory=accessory)


def _run_again(run: TrackedRun) -> list[Block]:
    # Anyone may press it; the access policy is applied to whoever does, when they do.
    if len(run.run_id) > _BUTTON_VALUE_CHARS:
        return []
    button = ButtonElement(text="Run again", action_id=RUN_AGAIN_ACTION_ID, value=run.run_id)
    return [ActionsBlock(block_id="run_actions", elements=[button])]


def _failure_reason(reason: str | None) -> SectionBlock:
    # MarketCore's reason is shown exactly as given: plain text, so nothing in it is
    # interpreted as formatting, mentions or links.
    shown = reason.strip() if reason and reason.strip() else "MarketCore gave no reason."
    return SectionBlock(text=PlainTextObject(text=shorten(shown, 3000), emoji=False))


def inputs_summary_blocks(summary: tuple[tuple[str, str], ...]) -> list[Block]:
    """The inputs as submitted (secret fields already masked), at most 10 fields shown."""
    if not summary:
        return []

    fields = [
        MarkdownTextObject(
            text=shorten(f"*{escape_mrkdwn(label)}*\n{escape_mrkdwn(value)}", _FIELD_CHARS)
        )
        for label, value in summary[:_MAX_SUMMARY_FIELDS]
    ]
    blocks: list[Block] = [SectionBlock(fields=fields)]

    hidden = len(summary) - _MAX_SUMMARY_FIELDS
    if hidden > 0:
        more = f"…and {hidden} more input{'s' if hidden > 1 else ''}"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return blocks


def _footer(run: TrackedRun) -> ContextBlock:
    parts = [f"Run `{escape_mrkdwn(shorten(run.run_id, 80))}`"]
    progress = progress_label(run.progress_shown)
    if run.ended_at is not None and run.status.is_final:
        parts.append(f"took {format_duration(run.ended_at - run.dispatched_at)}")
    elif progress is not None and not run.lost:
        parts.append(f"{run.status.value} for over {progress}")
    if not is_web_url(run.link_url):
        parts.append(f"<{workflow_url(run.workflow_id)}|workflow in MarketCore>")
    return ContextBlock(elements=[MarkdownTextObject(text=" · ".join(parts))])


def format_duration(seconds: float) -> str:
    """A short human duration: `45s`, `3m 05s`, `2h 10m`."""
    total = max(0, round(seconds))
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
