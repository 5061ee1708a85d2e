"""Run → the details that stay out of the channel: the thread reply and the end-of-run DM.

The status message says who ran what and how it stands; the one reply in its thread
holds the inputs and the timings, so a busy channel stays readable.
"""

from __future__ import annotations

import time

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    LinkButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.messages import (
    LOST_EMOJI,
    STATUS_EMOJI,
    SlackMessage,
    format_duration,
    inputs_summary_blocks,
)
from bot.models import RunStatus, TrackedRun
from bot.text import escape_mrkdwn, is_web_url, shorten

_OUTCOMES: dict[RunStatus, str] = {
    RunStatus.PENDING: "is pending",
    RunStatus.RUNNING: "is running",
    RunStatus.SUCCEEDED: "succeeded",
    RunStatus.FAILED: "failed",
    RunStatus.SKIPPED: "was skipped: no work was needed",
}
_LOST = "is no longer known to MarketCore"


def build_thread_reply(run: TrackedRun) -> SlackMessage:
    """The reply under the status message: the inputs, when the run started and ended."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="*Inputs*")),
        *(inputs_summary_blocks(run.inputs_summary) or [_no_inputs()]),
        ContextBlock(elements=[MarkdownTextObject(text=_timings(run))]),
    ]
    # The fallback text is read as mrkdwn too (notifications, some clients): escaped alike.
    name = escape_mrkdwn(shorten(run.workflow_name, 200))
    return SlackMessage(text=f"Inputs and timings of {name}", blocks=blocks)


def build_end_dm(run: TrackedRun, *, permalink: str | None = None) -> SlackMessage:
    """The short direct message a requester who opted in gets when their run ends."""
    emoji = LOST_EMOJI if run.lost else STATUS_EMOJI[run.status]
    outcome = _LOST if run.lost else _OUTCOMES[run.status]
    name = escape_mrkdwn(shorten(run.workflow_name, 200))
    text = f"{emoji} Your run of *{name}* {outcome}."
    if permalink and is_web_url(permalink):
        text += f" <{permalink}|See its status message>"

    accessory = None
    if is_web_url(run.link_url):
        accessory = LinkButtonElement(text="Open run", url=run.link_url, action_id="open_run")
    section = SectionBlock(text=MarkdownTextObject(text=text), accessory=accessory)
    return SlackMessage(text=f"Your run of {name} {outcome}.", blocks=[section])


def _no_inputs() -> Block:
    # The run does not know whether its workflow declares inputs, only that none were given.
    return ContextBlock(elements=[MarkdownTextObject(text="No inputs were given.")])


def _timings(run: TrackedRun) -> str:
    parts = [f"Dispatched {_slack_date(run.dispatched_at)}"]
    if run.lost:
        # It will never be seen ending: "not ended yet" would stay there for good.
        parts.append("MarketCore no longer knows this run, so it is no longer followed")
    elif run.ended_at is not None and run.status.is_final:
        parts.append(f"ended {_slack_date(run.ended_at)}")
        parts.append(f"took {format_duration(run.ended_at - run.dispatched_at)}")
    else:
        parts.append("not ended yet")
    return " · ".join(parts)


def _slack_date(epoch: float) -> str:
    # Slack shows `<!date^…>` in each reader's own time zone; the text after `|` is
    # what clients that cannot do that show instead.
    fallback = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))
    return f"<!date^{int(epoch)}^{{date_short_pretty}} at {{time_secs}}|{fallback}>"
