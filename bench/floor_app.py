"""The framework's floor: a bare Bolt AsyncApp doing the least the product's steps need.

`/run-workflow` opens one fixed modal; its submission is answered and dispatched with
`run_workflow` through the same MarketCore client the product uses. Everything the
product adds on top (loading view, schema lookup, store, validation) is the overhead
the latency benchmark measures against this.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.marketcore import MarketCore

FLOOR_CALLBACK_ID = "bench_floor"
FIELD_BLOCK_ID = "/team"
FIELD_ACTION_ID = "value"

FIXED_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": FLOOR_CALLBACK_ID,
    "title": {"type": "plain_text", "text": "Churn digest"},
    "submit": {"type": "plain_text", "text": "Run"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "blocks": [
        {
            "type": "input",
            "block_id": FIELD_BLOCK_ID,
            "label": {"type": "plain_text", "text": "Team"},
            "element": {"type": "plain_text_input", "action_id": FIELD_ACTION_ID},
        }
    ],
}


def create_floor_app(
    client: AsyncWebClient, signing_secret: str, marketcore: MarketCore, workflow_id: str
) -> AsyncApp:
    """A Bolt app with one command and one view listener, nothing else."""
    app = AsyncApp(client=client, signing_secret=signing_secret)

    @app.command("/run-workflow")
    async def open_fixed_modal(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack()
        await client.views_open(trigger_id=command["trigger_id"], view=FIXED_MODAL)

    @app.view(FLOOR_CALLBACK_ID)
    async def dispatch(ack: AsyncAck, view: dict[str, Any]) -> None:
        await ack()
        team = view["state"]["values"][FIELD_BLOCK_ID][FIELD_ACTION_ID]["value"]
        await marketcore.run_workflow(workflow_id, {"team": team})

    return app
