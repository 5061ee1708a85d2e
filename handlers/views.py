"""Form submission: parse, validate, answer within 3 s, then dispatch (or hold for
approval) exactly once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.approvals import NEEDS_KEY
from bot.dispatch import DispatchRequest
from bot.errors import SchemaNotRenderable
from bot.forms import FormSchema, prepare_schema, storable_inputs, summarize_inputs
from bot.metadata import ModalMetadata
from bot.modals import RUN_CALLBACK_ID, build_error_view
from bot.models import FormContext, WorkflowSummary
from bot.services import Services
from bot.submission import read_submission
from handlers.bodies import team_id_of, user_id_of
from handlers.flow import NOT_ALLOWED

logger = logging.getLogger(__name__)

_EXPIRED = "This form has expired. Type /run-workflow again to start over."


def register(app: AsyncApp, services: Services) -> None:
    """Attach the run form's submission listener."""

    @app.view(RUN_CALLBACK_ID)
    async def submit_run_form(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await handle_submission(services, ack, body, view)


async def handle_submission(
    services: Services, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
) -> None:
    """Answer with field errors, or close the modal and start the run."""
    view_id = str(view.get("id", ""))
    context = await services.store.load_form(view_id)
    if context is None:
        await ack(response_action="update", view=build_error_view(_EXPIRED))
        return

    try:
        form = prepare_schema(context.schema)
    except SchemaNotRenderable:
        await ack(response_action="update", view=build_error_view(_EXPIRED))
        return

    values, errors = read_submission(form, (view.get("state") or {}).get("values") or {})
    if errors:
        await ack(response_action="errors", errors=errors)
        return

    # Checked again here, not only when the modal opened: the policy may have changed.
    request = _dispatch_request(context, view, body, values, form)
    workflow = WorkflowSummary(
        id=context.workflow_id, name=context.workflow_name, tags=context.workflow_tags
    )
    if not await services.access.allows(
        workflow, request.requester_id, request.channel_id, team_id=request.team_id
    ):
        await ack(response_action="update", view=build_error_view(NOT_ALLOWED))
        return

    rule = services.access.approval_for(workflow)
    has_secrets = any(field.secret for field in form.fields)
    if rule is not None and not services.approvals.can_hold(has_secrets=has_secrets):
        await ack(response_action="update", view=build_error_view(NEEDS_KEY))
        return

    # One view, one run: a second submit or a retried request finds the key taken. A run
    # dispatched now keeps its intent with the key; one held for approval has none yet.
    if rule is None:
        claimed = await services.dispatcher.claim(request)
    else:
        claimed = await services.store.claim_dispatch(view_id)
    if not claimed:
        logger.info("view %s was already dispatched; ignoring the repeat", view_id)
        await ack()
        return
    await ack()
    async with services.inflight.track():
        if rule is None:
            await services.dispatcher.dispatch(request)
        else:
            await services.approvals.request(request, rule)


def _dispatch_request(
    context: FormContext,
    view: dict[str, Any],
    body: dict[str, Any],
    values: dict[str, Any],
    form: FormSchema,
) -> DispatchRequest:
    # The submission itself has no channel: it travels in the modal's metadata.
    metadata = ModalMetadata.decode(view.get("private_metadata"))
    return DispatchRequest(
        workflow_id=context.workflow_id,
        workflow_name=context.workflow_name,
        input_values=values,
        inputs_summary=tuple(summarize_inputs(form, values)),
        channel_id=metadata.channel_id if metadata else context.channel_id,
        requester_id=user_id_of(body) or context.requester_id,
        response_url=metadata.response_url if metadata else context.response_url,
        storable_values=storable_inputs(form, values),
        dispatch_key=context.view_id,
        team_id=team_id_of(body),
    )
