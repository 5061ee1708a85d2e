"""Schema preview: a pasted JSON Schema becomes the modal the bot would open for it."""

from __future__ import annotations

import json
from typing import Any

from bot.errors import SchemaNotRenderable
from bot.forms import prepare_schema
from bot.metadata import ModalMetadata
from bot.modals import build_form_view
from bot.models import Workflow

# Preview only: no run is started from it, so the ids need not exist anywhere.
_PREVIEW_WORKFLOW_ID = "00000000-0000-4000-8000-000000000000"
_PREVIEW_CHANNEL = "C123"
# A paste larger than this is not a form schema anyone wants to preview.
MAX_SCHEMA_CHARS = 200_000


def preview_form(text: str, *, name: str = "Schema preview") -> dict[str, Any]:
    """`{"view": …}` for a renderable schema, else `{"error": reason}` in plain words."""
    if len(text) > MAX_SCHEMA_CHARS:
        return {"error": f"The schema is longer than {MAX_SCHEMA_CHARS:,} characters."}
    try:
        schema = json.loads(text)
    except ValueError as error:
        return {"error": f"That is not JSON: {error}"}
    if not isinstance(schema, dict):
        return {"error": "A workflow's inputs schema is a JSON object."}

    try:
        form = prepare_schema(schema)
    except SchemaNotRenderable as refusal:
        return {"error": f"This schema can't be shown in Slack: {refusal}"}
    workflow = Workflow(id=_PREVIEW_WORKFLOW_ID, name=name, inputs=schema)
    view = build_form_view(workflow, form, ModalMetadata(channel_id=_PREVIEW_CHANNEL))
    return {"view": view.to_dict()}
