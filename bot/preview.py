"""`workflow-bot preview`: the modal a workflow's inputs become, for authors to check.

The modal's JSON goes to stdout, ready to paste into Slack's Block Kit Builder; the
one-line verdict goes to stderr, so `workflow-bot preview x > modal.json` keeps the JSON
clean. A schema the bot cannot show exits non-zero with the reason people would see.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from slack_sdk.errors import SlackObjectFormationError

from bot.config import Settings
from bot.errors import MarketCoreError, SchemaNotRenderable
from bot.forms import prepare_schema
from bot.marketcore import MarketCore
from bot.metadata import ModalMetadata
from bot.modals import build_confirm_view, build_form_view
from bot.models import Workflow

# Slack's limit on blocks in a modal, named in the verdict.
MODAL_BLOCK_LIMIT = 100
# Stands in for the channel a real command would carry in private_metadata.
PREVIEW_CHANNEL = "C0PREVIEW"
_MAX_FILE_BYTES = 1024 * 1024

EXIT_RENDERABLE = 0
EXIT_NOT_RENDERABLE = 1
EXIT_UNREADABLE = 2


@dataclass(frozen=True)
class Preview:
    """What the bot would show for a workflow: the modal, or why there is none."""

    modal: dict[str, Any] | None
    verdict: str

    @property
    def is_renderable(self) -> bool:
        """Whether Slack would be shown a form (or a confirmation) for the workflow."""
        return self.modal is not None


def preview_workflow(workflow: Workflow) -> Preview:
    """The modal for `workflow`'s inputs, checked against Block Kit's limits, and a verdict."""
    try:
        form = prepare_schema(workflow.inputs)
        metadata = ModalMetadata(channel_id=PREVIEW_CHANNEL)
        if form.is_empty:
            view = build_confirm_view(workflow, metadata)
        else:
            view = build_form_view(workflow, form, metadata)
        modal = view.to_dict()
    except SchemaNotRenderable as error:
        return Preview(None, f"not renderable: {error}")
    except SlackObjectFormationError as error:
        return Preview(None, f"not renderable: Slack would refuse the form ({error})")

    inputs = sum(1 for block in modal["blocks"] if block["type"] == "input")
    blocks = len(modal["blocks"])
    return Preview(
        modal,
        f"renderable: {inputs} input{'s' if inputs != 1 else ''} "
        f"in {blocks} of {MODAL_BLOCK_LIMIT} blocks",
    )


def workflow_from_file(path: Path) -> Workflow:
    """A workflow named after the file, whose inputs are the schema the file holds.

    A file holding a whole `get_workflow` answer ({id, name, inputs}) is read as that.
    Raises ValueError with a reason for people when the file cannot be read.
    """
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise ValueError(f"{path} is larger than {_MAX_FILE_BYTES // 1024} kB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not JSON: {error}") from None

    if isinstance(data, dict) and {"id", "name", "inputs"} <= data.keys():
        return Workflow.model_validate(data)
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return Workflow(id=path.stem or "preview", name=path.stem or "Preview", inputs=data)


async def fetch_workflow(settings: Settings, workflow_id: str) -> Workflow:
    """The workflow as MarketCore describes it, through MARKETCORE_MCP_URL."""
    marketcore = MarketCore(
        settings.MARKETCORE_MCP_URL, token=settings.MARKETCORE_API_TOKEN, read_retries=1
    )
    await marketcore.start()
    try:
        return await marketcore.get_workflow(workflow_id)
    finally:
        await marketcore.aclose()


async def run_preview(
    settings: Settings, source: str, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Print the preview of `source` (a schema file or a workflow id); the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        workflow = await _load(settings, source)
    except (ValueError, MarketCoreError) as error:
        print(f"workflow-bot preview: {_reason(error)}", file=err)
        return EXIT_UNREADABLE

    preview = preview_workflow(workflow)
    if preview.modal is not None:
        print(json.dumps(preview.modal, indent=2, ensure_ascii=False), file=out)
    print(preview.verdict, file=err)
    return EXIT_RENDERABLE if preview.is_renderable else EXIT_NOT_RENDERABLE


async def _load(settings: Settings, source: str) -> Workflow:
    local = await asyncio.to_thread(_local_workflow, source)
    return local if local is not None else await fetch_workflow(settings, source)


def _local_workflow(source: str) -> Workflow | None:
    # A path that exists (or looks like a JSON file) is a schema; anything else is an id.
    path = Path(source)
    if path.suffix.lower() == ".json" or path.exists():
        return workflow_from_file(path)
    return None


def _reason(error: Exception) -> str:
    if isinstance(error, MarketCoreError):
        return f"MarketCore could not give the workflow ({error.tool}): {error.message}"
    return str(error)
