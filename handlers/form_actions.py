"""Interactions inside an open run form: an alternative chosen, a long menu searched,
an input checked when Enter is pressed in it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import SchemaNotRenderable
from bot.form_checks import checked_form_view
from bot.form_live import matching_choice_options, redrawn_form_view
from bot.forms import ACTION_ID, BRANCH_ACTION_ID, FormSchema, prepare_schema
from bot.services import Services
from handlers.flow import replace_view

logger = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    """Attach the listeners that keep an open form in step with what the person does."""

    @app.action(BRANCH_ACTION_ID)
    async def alternative_chosen(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await show_chosen_alternative(services, client, body)

    @app.action(ACTION_ID)
    async def field_entered(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        # Only inputs drawn with dispatch_action (text and numbers, on Enter) send these.
        await ack()
        await show_field_problem(services, client, body)

    @app.options(ACTION_ID)
    async def choice_options(ack: AsyncAck, payload: dict[str, Any], body: dict[str, Any]) -> None:
        await ack(options=await search_choices(services, body, payload))


async def show_chosen_alternative(
    services: Services, client: AsyncWebClient, body: dict[str, Any]
) -> None:
    """Redraw the form with the fields of the alternative just chosen, keeping the rest."""
    view = body.get("view") or {}
    form = await _open_form(services, view)
    if form is None:
        return
    try:
        redrawn = redrawn_form_view(view, form)
    except SchemaNotRenderable as error:
        logger.info("view %s cannot show that alternative: %s", view.get("id"), error)
        return
    await replace_view(client, str(view["id"]), view.get("hash"), redrawn)


async def show_field_problem(
    services: Services, client: AsyncWebClient, body: dict[str, Any]
) -> None:
    """Show what is wrong with the value just entered right under its input, or clear the
    note once it is fixed; everything else on the form stays as the person left it."""
    view = body.get("view") or {}
    actions = body.get("actions") or [{}]
    block_id = str(actions[0].get("block_id") or "")
    form = await _open_form(services, view)
    if form is None:
        return
    try:
        checked = checked_form_view(view, form, block_id)
    except SchemaNotRenderable as error:
        logger.info("view %s cannot show its notes: %s", view.get("id"), error)
        return
    if checked is None or not _valid(checked):
        return
    # The hash guards against overwriting a newer view; a conflict loses only this note.
    if await replace_view(client, str(view["id"]), view.get("hash"), checked) is not None:
        logger.info("view %s: the note under input %s was updated", view.get("id"), block_id)


def _valid(view: View) -> bool:
    # A note is a courtesy: never trade the person's form for replace_view's error view.
    try:
        view.to_dict()
    except SlackObjectFormationError as error:
        logger.error("not showing a note that would break the view: %s", error)
        return False
    return True


async def search_choices(
    services: Services, body: dict[str, Any], payload: dict[str, Any]
) -> list[dict[str, Any]]:
    """The options of a long menu whose label contains what the person typed."""
    form = await _open_form(services, body.get("view") or {})
    if form is None:
        return []
    block_id, query = str(payload.get("block_id") or ""), str(payload.get("value") or "")
    return [option.to_dict() for option in matching_choice_options(form, block_id, query)]


async def _open_form(services: Services, view: dict[str, Any]) -> FormSchema | None:
    # The schema is the one stored when the form was shown, never fetched again.
    context = await services.store.load_form(str(view.get("id", "")))
    if context is None:
        logger.info("no form is stored for view %s; interaction ignored", view.get("id"))
        return None
    try:
        return prepare_schema(context.schema)
    except SchemaNotRenderable:
        return None
