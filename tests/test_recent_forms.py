"""The in-process memory of recent forms that spares a submission a trip to SQLite."""

from __future__ import annotations

from bot.models import FormContext
from bot.storage.recent_forms import RecentForms


def form(view_id: str, schema: dict[str, object] | None = None) -> FormContext:
    return FormContext(
        view_id=view_id,
        workflow_id="wf-1",
        workflow_name="Revenue report",
        schema=schema,
        channel_id="C1",
        requester_id="U1",
        response_url=None,
        workflow_tags=("finance",),
    )


def test_a_remembered_form_comes_back_equal() -> None:
    forms = RecentForms()
    saved = form("V1", {"type": "object", "properties": {"region": {"type": "string"}}})

    forms.remember(saved)

    assert forms.get("V1") == saved
    assert forms.get("V2") is None


def test_a_reader_changing_its_schema_leaves_the_next_reader_untouched() -> None:
    forms = RecentForms()
    saved = form("V1", {"type": "object", "properties": {}})
    forms.remember(saved)

    first = forms.get("V1")
    assert first is not None
    assert first.schema is not None
    first.schema["properties"]["added"] = {"type": "string"}
    saved.schema["type"] = "array"  # type: ignore[index]

    assert forms.get("V1") == form("V1", {"type": "object", "properties": {}})


def test_the_latest_save_of_a_view_wins() -> None:
    forms = RecentForms()
    forms.remember(form("V1", None))
    forms.remember(form("V1", {"type": "object"}))

    kept = forms.get("V1")
    assert kept is not None
    assert kept.schema == {"type": "object"}


def test_past_its_capacity_the_oldest_form_is_forgotten() -> None:
    forms = RecentForms(capacity=2)
    for view_id in ("V1", "V2", "V3"):
        forms.remember(form(view_id))

    assert forms.get("V1") is None
    assert forms.get("V2") is not None
    assert forms.get("V3") is not None
