"""What an approval keeps of a submission until someone decides: stored as JSON.

The input values are sealed with `ENCRYPTION_KEY` (Fernet) when there is one; without
it they are kept in clear, which only forms without secret inputs are allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from bot.dispatch import DispatchRequest
from bot.errors import SealedValuesUnreadable
from bot.policy import ApprovalRule
from bot.sealing import open_sealed, seal


@dataclass(frozen=True)
class HeldRequest:
    """What an approval keeps to dispatch later (`Approval.request_json`)."""

    sealed_values: str | None
    clear_values: dict[str, Any] | None
    inputs_summary: tuple[tuple[str, str], ...]
    storable_values: dict[str, Any] | None
    response_url: str | None
    approvers: tuple[str, ...]
    approver_groups: tuple[str, ...]
    timeout_minutes: float
    # The Slack workspace the submission came from; None in single-workspace mode.
    team_id: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "sealed_values": self.sealed_values,
                "clear_values": self.clear_values,
                "inputs_summary": [list(row) for row in self.inputs_summary],
                "storable_values": self.storable_values,
                "response_url": self.response_url,
                "approvers": list(self.approvers),
                "approver_groups": list(self.approver_groups),
                "timeout_minutes": self.timeout_minutes,
                "team_id": self.team_id,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> HeldRequest:
        data = json.loads(text)
        return cls(
            sealed_values=data.get("sealed_values"),
            clear_values=data.get("clear_values"),
            inputs_summary=tuple((str(row[0]), str(row[1])) for row in data["inputs_summary"]),
            storable_values=data.get("storable_values"),
            response_url=data.get("response_url"),
            approvers=tuple(data["approvers"]),
            approver_groups=tuple(data["approver_groups"]),
            timeout_minutes=float(data["timeout_minutes"]),
            team_id=data.get("team_id"),
        )


def hold_request(
    request: DispatchRequest, rule: ApprovalRule, key: SecretStr | None
) -> HeldRequest:
    """The submission as it waits for `rule`'s approvers, its values sealed if a key is set."""
    secret = key.get_secret_value() if key else None
    return HeldRequest(
        sealed_values=seal(request.input_values, secret) if secret else None,
        clear_values=None if secret else request.input_values,
        inputs_summary=request.inputs_summary,
        storable_values=request.storable_values,
        response_url=request.response_url,
        approvers=tuple(sorted(rule.approvers)),
        approver_groups=tuple(sorted(rule.approver_groups)),
        timeout_minutes=rule.timeout_minutes,
        team_id=request.team_id,
    )


def open_values(held: HeldRequest, key: SecretStr | None) -> dict[str, Any]:
    """The input values to dispatch; raises `SealedValuesUnreadable` without the key."""
    if held.sealed_values is None:
        return dict(held.clear_values or {})
    if key is None:
        raise SealedValuesUnreadable("ENCRYPTION_KEY is no longer set")
    return open_sealed(held.sealed_values, key.get_secret_value())
