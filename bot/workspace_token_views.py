"""The views a workspace admin sets the workspace's MarketCore token with (pure builders)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

# The App Home button that opens the token modal.
SET_TOKEN_ACTION_ID = "set_marketcore_token"  # noqa: S105 - an action id, not a secret
# The token modal, and its one input.
TOKEN_CALLBACK_ID = "marketcore_token"  # noqa: S105 - ids, not secrets
TOKEN_BLOCK_ID = "marketcore_token"  # noqa: S105
TOKEN_INPUT_ACTION_ID = "token"  # noqa: S105
# Long enough for any bearer token MarketCore issues; Slack's input allows 3000.
_TOKEN_MAX_CHARS = 2000

_HOME_TEXT = (
    "Runs started from this workspace use the MarketCore token a workspace admin sets "
    "here. The token is stored encrypted and never shown again."
)


def build_token_home_blocks(*, token_set: bool) -> list[Block]:
    """The App Home section with the button that opens the token modal."""
    state = "A token is set." if token_set else "No token is set yet."
    return [
        DividerBlock(),
        HeaderBlock(text="MarketCore token"),
        SectionBlock(text=MarkdownTextObject(text=f"{_HOME_TEXT} {state}")),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Set MarketCore token",
                    action_id=SET_TOKEN_ACTION_ID,
                    value="set",
                )
            ]
        ),
    ]


def build_token_modal() -> View:
    """A modal with one input for the token; it never shows a token already set."""
    field = PlainTextInputElement(
        action_id=TOKEN_INPUT_ACTION_ID,
        max_length=_TOKEN_MAX_CHARS,
        placeholder="Paste the workspace's MarketCore API token",
    )
    return View(
        type="modal",
        callback_id=TOKEN_CALLBACK_ID,
        title=PlainTextObject(text="MarketCore token"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(block_id=TOKEN_BLOCK_ID, label="API token", element=field),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="It replaces the token set before, for every run started "
                        "from this workspace from now on."
                    )
                ]
            ),
        ],
    )


def build_token_refused_view(reason: str) -> View:
    """A modal that says why the token cannot be set, with nothing to submit."""
    return View(
        type="modal",
        title=PlainTextObject(text="MarketCore token"),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=reason))],
    )
