"""Steps shared by the command and the picker: find a workflow, then show its form."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError, SlackObjectFormationError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import (
    MarketCoreAuthError,
    MarketCoreError,
    MarketCoreToolError,
    MarketCoreUnavailable,
    SchemaNotRenderable,
)
from bot.forms import prepare_schema
from bot.metadata import ModalMetadata
from bot.modals import (
    build_confirm_view,
    build_error_view,
    build_form_view,
    build_not_renderable_view,
    build_picker_view,
)
from bot.models import FormContext, Workflow
from bot.publisher import slack_error_code
from bot.resolver import resolve_workflow
from bot.services import Services

logger = logging.getLogger(__name__)

# Deliberately says nothing about why, or about who could run it.
NOT_ALLOWED = "You don't have permission to run this workflow here."


async def view_for_text(
    services: Services,
    text: str,
    *,
    view_id: str,
    requester_id: str,
    metadata: ModalMetadata,
    team_id: str | None = None,
) -> View:
    """The view that answers `/run-workflow <text>`: a form, a picker or an explanation."""
    marketcore = await services.marketcores.for_team(team_id)
    try:
        resolution = await resolve_workflow(marketcore, text)
    except MarketCoreError as error:
        return build_error_view(_marketcore_trouble(error))

    if resolution.workflow is not None:
        return await view_for_workflow(
            services,
            resolution.workflow,
            view_id=view_id,
            requester_id=requester_id,
            metadata=metadata,
            team_id=team_id,
        )
    candidates = await services.access.allowed(
        resolution.candidates, requester_id, metadata.channel_id, team_id=team_id
    )
    if candidates:
        note = None
        if text.strip():
            note = f"No workflow is named exactly “{text.strip()}”. Did you mean one of these?"
        return build_picker_view(
            candidates, metadata, more_available=resolution.more_available, note=note
        )
    if text.strip():
        return build_error_view(f"No workflow matches “{text.strip()}”.")
    return build_error_view("There are no workflows you can run yet.")


async def view_for_workflow_id(
    services: Services,
    workflow_id: str,
    *,
    view_id: str,
    requester_id: str,
    metadata: ModalMetadata,
    input_values: Mapping[str, Any] | None = None,
    team_id: str | None = None,
) -> View:
    """The form for a workflow chosen in the picker (or run again, from `input_values`)."""
    marketcore = await services.marketcores.for_team(team_id)
    try:
        workflow = await marketcore.get_workflow(workflow_id)
    except MarketCoreError as error:
        return build_error_view(_marketcore_trouble(error), workflow_id=workflow_id)
    return await view_for_workflow(
        services,
        workflow,
        view_id=view_id,
        requester_id=requester_id,
        metadata=metadata,
        input_values=input_values,
        team_id=team_id,
    )


async def view_for_workflow(
    services: Services,
    workflow: Workflow,
    *,
    view_id: str,
    requester_id: str,
    metadata: ModalMetadata,
    input_values: Mapping[str, Any] | None = None,
    team_id: str | None = None,
) -> View:
    """The workflow's form (or confirmation), remembered with the view for the submission.

    `input_values` prefill the form (an earlier run's, for "Run again").
    """
    if not await services.access.allows(
        workflow, requester_id, metadata.channel_id, team_id=team_id
    ):
        logger.info("%s may not run workflow %s here", requester_id, workflow.id)
        return build_error_view(NOT_ALLOWED)
    try:
        form = prepare_schema(workflow.inputs)
        view = (
            build_confirm_view(workflow, metadata)
            if form.is_empty
            else build_form_view(workflow, form, metadata, values=input_values)
        )
    except SchemaNotRenderable as error:
        logger.info("workflow %s cannot be shown: %s", workflow.id, error)
        return build_not_renderable_view(workflow, str(error))

    # The submission is answered within Slack's 3 s from this record, never by
    # asking MarketCore for the schema again.
    await services.store.save_form(
        FormContext(
            view_id=view_id,
            workflow_id=workflow.id,
            workflow_name=workflow.name,
            schema=form.schema,
            channel_id=metadata.channel_id,
            requester_id=requester_id,
            response_url=metadata.response_url,
            workflow_tags=workflow.tags,
        )
    )
    return view


async def replace_view(
    client: AsyncWebClient, view_id: str, view_hash: str | None, view: View
) -> str | None:
    """`views.update` that tolerates a person who closed or moved on from the modal.

    Returns the view's new hash, or None when the modal was not updated.
    """
    try:
        view.to_dict()  # Block Kit limits are checked here, before Slack sees the view.
    except SlackObjectFormationError as error:
        logger.error("refusing to send an invalid view: %s", error)
        view = build_error_view("This workflow's inputs can't be shown in Slack.")
    try:
        response = await client.views_update(view_id=view_id, hash=view_hash, view=view)
    except SlackApiError as error:
        code = slack_error_code(error)
        if code not in ("hash_conflict", "not_found", "view_not_found"):
            raise
        logger.info("view %s was not updated: %s", view_id, code)
        return None
    new_view = response.get("view") or {}
    return str(new_view["hash"]) if "hash" in new_view else None


def _marketcore_trouble(error: MarketCoreError) -> str:
    if isinstance(error, MarketCoreAuthError):
        logger.error("MarketCore refused the API token: check MARKETCORE_API_TOKEN")
        return (
            "MarketCore refused the bot's credentials. "
            "An admin needs to check the bot's MarketCore token."
        )
    if isinstance(error, MarketCoreUnavailable):
        return "MarketCore can't be reached right now. Please try again in a minute."
    if isinstance(error, MarketCoreToolError):
        return f"MarketCore answered with an error: {error.message}"
    return "MarketCore sent an answer I couldn't read. Please try again, or ask an admin."
