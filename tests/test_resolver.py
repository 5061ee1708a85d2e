"""Resolution order, against a small in-memory stand-in for MarketCore's two reads."""

from dataclasses import dataclass, field

import pytest

from bot.errors import MarketCoreToolError
from bot.models import Workflow, WorkflowPage, WorkflowSummary
from bot.resolver import resolve_workflow

UUID = "94e3cdbb-f88a-4989-8799-23b40bd3fe19"


@dataclass
class FakeMarketCore:
    workflows: list[Workflow]
    page_size: int = 100
    get_calls: list[str] = field(default_factory=list)

    async def list_workflows(
        self, query: str | None = None, *, limit: int | None = None, cursor: str | None = None
    ) -> WorkflowPage:
        matches = [w for w in self.workflows if not query or query.lower() in w.name.lower()]
        start = int(cursor or 0)
        end = start + min(limit or 100, self.page_size)
        summaries = [WorkflowSummary(id=w.id, name=w.name) for w in matches[start:end]]
        return WorkflowPage(
            workflows=summaries, next_cursor=str(end) if end < len(matches) else None
        )

    async def get_workflow(self, workflow_id: str) -> Workflow:
        self.get_calls.append(workflow_id)
        for workflow in self.workflows:
            if workflow.id == workflow_id:
                return workflow
        raise MarketCoreToolError(f"workflow {workflow_id!r} not found", tool="get_workflow")


@pytest.fixture
def marketcore() -> FakeMarketCore:
    return FakeMarketCore(
        [
            Workflow(id=UUID, name="Revenue report"),
            Workflow(id="42", name="Revenue report (legacy)"),
            Workflow(id="sync-7", name="Nightly sync"),
        ]
    )


async def test_empty_text_lists_workflows_for_the_picker(marketcore: FakeMarketCore) -> None:
    resolution = await resolve_workflow(marketcore, "  ")
    assert [w.name for w in resolution.candidates][:1] == ["Revenue report"]
    assert resolution.workflow is None


async def test_a_uuid_goes_straight_to_get_workflow(marketcore: FakeMarketCore) -> None:
    resolution = await resolve_workflow(marketcore, UUID)
    assert resolution.workflow is not None
    assert resolution.workflow.id == UUID
    assert marketcore.get_calls == [UUID]


async def test_an_exact_name_wins_over_partial_matches(marketcore: FakeMarketCore) -> None:
    resolution = await resolve_workflow(marketcore, "REVENUE report")
    assert resolution.workflow is not None
    assert resolution.workflow.id == UUID


async def test_ids_of_other_shapes_are_tried_as_they_are(marketcore: FakeMarketCore) -> None:
    resolution = await resolve_workflow(marketcore, "42")
    assert resolution.workflow is not None
    assert resolution.workflow.name == "Revenue report (legacy)"


async def test_partial_names_become_candidates(marketcore: FakeMarketCore) -> None:
    resolution = await resolve_workflow(marketcore, "revenue")
    assert resolution.workflow is None
    assert [w.id for w in resolution.candidates] == [UUID, "42"]


async def test_nothing_found_is_an_empty_resolution(marketcore: FakeMarketCore) -> None:
    resolution = await resolve_workflow(marketcore, "moonshot")
    assert resolution.workflow is None
    assert resolution.candidates == []


async def test_an_unknown_uuid_is_not_found(marketcore: FakeMarketCore) -> None:
    resolution = await resolve_workflow(marketcore, "00000000-0000-0000-0000-000000000000")
    assert resolution.workflow is None
    assert resolution.candidates == []


async def test_many_pages_of_matches_are_read_then_flagged(marketcore: FakeMarketCore) -> None:
    marketcore.workflows = [Workflow(id=f"r{i}", name=f"Report {i}") for i in range(700)]
    resolution = await resolve_workflow(marketcore, "report")
    assert len(resolution.candidates) == 500
    assert resolution.more_available
