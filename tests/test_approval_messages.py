from typing import Any

from bot.approval_messages import (
    APPROVAL_ACTIONS_BLOCK_ID,
    APPROVE_ACTION_ID,
    REJECT_ACTION_ID,
    ApprovalView,
    build_approval_decided,
    build_approval_expired,
    build_approval_request,
    build_approval_unusable,
    waiting_time,
)
from bot.messages import SlackMessage

VIEW = ApprovalView(
    approval_id="a" * 32,
    workflow_name="Revenue *report*",
    requester_id="U_REQ",
    approvers=("U_CFO",),
    approver_groups=("S_FIN",),
    inputs_summary=(("Region", "EMEA"), ("Bank token", "••••••")),
    timeout_minutes=60,
)


def _blocks(message: SlackMessage) -> list[dict[str, Any]]:
    return [block.to_dict() for block in message.blocks]


def _buttons(message: SlackMessage) -> list[dict[str, Any]]:
    actions = [b for b in _blocks(message) if b.get("block_id") == APPROVAL_ACTIONS_BLOCK_ID]
    return [element for block in actions for element in block["elements"]]


def test_the_request_names_requester_workflow_approvers_and_inputs() -> None:
    message = build_approval_request(VIEW)
    shown = str(_blocks(message))
    assert "<@U_REQ>" in message.text
    assert "approval needed" in message.text
    assert (
        "Revenue \\*report\\*" in shown or "Revenue &#42;report&#42;" in shown or "report" in shown
    )
    assert "<@U_CFO>" in shown
    assert "<!subteam^S_FIN>" in shown
    assert "*Region:* EMEA" in shown
    assert "••••••" in shown
    assert "Expires after 60 min" in shown


def test_the_request_has_approve_and_reject_buttons_carrying_its_id() -> None:
    buttons = _buttons(build_approval_request(VIEW))
    assert [button["action_id"] for button in buttons] == [APPROVE_ACTION_ID, REJECT_ACTION_ID]
    assert {button["value"] for button in buttons} == {VIEW.approval_id}
    assert [button["style"] for button in buttons] == ["primary", "danger"]


def test_decided_requests_say_who_decided_and_lose_their_buttons() -> None:
    approved = build_approval_decided(VIEW, approved=True, decided_by="U_CFO")
    rejected = build_approval_decided(VIEW, approved=False, decided_by="U_CFO")
    assert "Approved by <@U_CFO>" in str(_blocks(approved))
    assert _buttons(approved) == []
    assert "Rejected by <@U_CFO>" in str(_blocks(rejected))
    assert _buttons(rejected) == []
    assert "Rejected by <@U_CFO>" in rejected.text


def test_an_expired_request_says_how_long_it_waited() -> None:
    expired = build_approval_expired(VIEW)
    assert "Expired after 60 min without a decision" in str(_blocks(expired))
    assert _buttons(expired) == []


def test_an_unusable_approval_says_the_run_was_not_started() -> None:
    unusable = build_approval_unusable(VIEW, decided_by="U_CFO")
    assert "not started" in str(_blocks(unusable))
    assert _buttons(unusable) == []


def test_waiting_times_read_naturally() -> None:
    assert waiting_time(60) == "60 min"
    assert waiting_time(1.5) == "1.5 min"
    assert waiting_time(0.5) == "30 s"
    assert waiting_time(0.001) == "1 s"
