"""Finds the workflow a person meant from what they typed after `/run-workflow`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import MarketCoreToolError
from bot.models import Workflow, WorkflowPage, WorkflowSummary

# How many pages of name matches to read before offering what was found.
_MAX_PAGES = 5
_PAGE_SIZE = 100


class WorkflowSource(Protocol):
    """The reads the resolver needs; `bot.marketcore.MarketCore` provides them."""

    async def list_workflows(
        self, query: str | None = None, *, limit: int | None = None, cursor: str | None = None
    ) -> WorkflowPage: ...

    async def get_workflow(self, workflow_id: str) -> Workflow: ...


@dataclass(frozen=True)
class Resolution:
    """Exactly one of: the workflow, candidates to pick from, or nothing found."""

    workflow: Workflow | None = None
    candidates: list[WorkflowSummary] = field(default_factory=list)
    more_available: bool = False


async def resolve_workflow(source: WorkflowSource, text: str) -> Resolution:
    """Resolve `text`: a UUID, an exact name, an id of another shape, then partial names.

    Empty text lists the workflows for the picker. MarketCore errors other than
    "no such workflow" propagate as `MarketCoreError`.
    """
    typed = " ".join(text.split())
    if not typed:
        page = await source.list_workflows(limit=_PAGE_SIZE)
        return Resolution(candidates=page.workflows, more_available=page.next_cursor is not None)

    if _is_uuid(typed):
        return Resolution(workflow=await _get_or_none(source, typed))

    matches, more = await _name_matches(source, typed)
    exact = [w for w in matches if w.name.casefold() == typed.casefold()]
    if exact:
        return Resolution(workflow=await source.get_workflow(exact[0].id))

    # Ids may have other shapes than UUIDs: MarketCore's word decides, not ours.
    by_id = await _get_or_none(source, typed)
    if by_id is not None:
        return Resolution(workflow=by_id)
    return Resolution(candidates=matches, more_available=more)


async def _name_matches(source: WorkflowSource, typed: str) -> tuple[list[WorkflowSummary], bool]:
    matches: list[WorkflowSummary] = []
    cursor: str | None = None
    for _ in range(_MAX_PAGES):
        page = await source.list_workflows(typed, limit=_PAGE_SIZE, cursor=cursor)
        # MarketCore's query may match descriptions too; people typed a name.
        matches.extend(w for w in page.workflows if typed.casefold() in w.name.casefold())
        cursor = page.next_cursor
        if cursor is None:
            return matches, False
    return matches, True


async def _get_or_none(source: WorkflowSource, workflow_id: str) -> Workflow | None:
    try:
        return await source.get_workflow(workflow_id)
    except MarketCoreToolError:
        # MarketCore answers an unknown id with a tool error; the caller says "not found".
        return None


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
