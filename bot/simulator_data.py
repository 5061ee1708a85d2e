"""The sample workflows the MarketCore simulator serves, with fixed ids for tests and docs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Any

REVENUE_REPORT_ID = "94e3cdbb-f88a-4989-8799-23b40bd3fe19"
CAMPAIGN_SEND_ID = "941cc769-7461-4739-a54a-6823b965d1fc"
NIGHTLY_SYNC_ID = "9acfedf5-e460-48a3-b946-69b7249ecdfa"
WAREHOUSE_BACKFILL_ID = "7af5949d-838b-4e28-a1db-19e5d2cad16e"
INVENTORY_REFRESH_ID = "a494e022-a169-4167-88c4-a587e4ab409e"
QUARTERLY_CLOSE_ID = "a81dae74-98aa-4fa9-8a49-0a422eac60ef"
LEAD_SCORING_ID = "10bc0e69-8bd2-4243-aa19-e0372c8876e7"
CHURN_DIGEST_ID = "ab0b5e40-2fec-4442-938b-65ebc0e2812c"
VENDOR_PAYOUT_ID = "5d0f3c1e-7b8a-4c2d-9e6f-1a2b3c4d5e6f"

WAREHOUSE_ERROR = "Warehouse credentials expired: reconnect Snowflake in MarketCore settings"
QUARTERLY_CLOSE_ERROR = (
    "Reconciliation failed: 3 ledger entries in account 4010 have no matching invoice"
)

# Generated workflows get stable ids too, derived from their number.
_GENERATED_NAMESPACE = uuid.UUID("074facbc-517d-4df2-bab0-4bbdff9a0366")


class Outcome(Enum):
    """How a sample workflow's runs end."""

    SUCCEEDS = "succeeds after the run time"
    FAILS_AT_DISPATCH = "fails as it is dispatched"
    SKIPPED_AT_DISPATCH = "is skipped as it is dispatched"
    FAILS_AFTER_RUN = "fails after the run time"


@dataclass(frozen=True)
class SampleWorkflow:
    """One workflow the simulator serves, and how its runs end."""

    id: str
    name: str
    description: str
    inputs: dict[str, Any] | None
    outcome: Outcome = Outcome.SUCCEEDS
    error_reason: str | None = None
    # Not in MarketCore's documented shape; the access policy matches on it when present.
    tags: tuple[str, ...] = ()


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


_QUARTERS = [f"{year}-Q{quarter}" for year in (2025, 2026) for quarter in (1, 2, 3, 4)]

_REVENUE_INPUTS = _object(
    {
        "region": {
            "type": "string",
            "title": "Region",
            "enum": ["EMEA", "NA", "LATAM", "APAC"],
        },
        "quarter": {"type": "string", "title": "Quarter", "enum": _QUARTERS},
        "start_date": {"type": "string", "format": "date", "title": "Start date"},
        "end_date": {"type": "string", "format": "date", "title": "End date"},
        "include_forecast": {
            "type": "boolean",
            "title": "Include forecast",
            "description": "Adds next quarter's forecast to the report.",
            "default": False,
        },
        "recipients": {
            "type": "string",
            "format": "email",
            "title": "Send to",
            "description": "Who receives the report besides you.",
            "examples": ["finance@example.com"],
        },
    },
    ["region", "quarter"],
)

_CAMPAIGN_INPUTS = _object(
    {
        "audience": {
            "type": "string",
            "title": "Audience",
            "description": "Name of a saved audience segment.",
            "minLength": 1,
        },
        "channels": {
            "type": "array",
            "title": "Channels",
            "items": {"type": "string", "enum": ["email", "sms", "push"]},
            "minItems": 1,
            "uniqueItems": True,
        },
        "send_at": {"type": "string", "format": "date-time", "title": "Send at"},
        "budget": {"type": "number", "title": "Budget (USD)", "minimum": 0},
        "dry_run": {"type": "boolean", "title": "Dry run", "default": True},
        "notes": {
            "type": "string",
            "title": "Notes for reviewers",
            "maxLength": 3000,
        },
        "landing_url": {"type": "string", "format": "uri", "title": "Landing page"},
        "throttle": {
            "type": "object",
            "title": "Throttle",
            "properties": {
                "per_minute": {"type": "integer", "title": "Messages per minute", "minimum": 1},
                "burst": {"type": "integer", "title": "Burst", "minimum": 0},
            },
            "required": ["per_minute"],
        },
    },
    ["audience", "channels"],
)

# A richer schema: $defs, allOf, oneOf, const, readOnly, a password, a time, a uuid,
# x-slack pickers, a typeahead menu past 100 values, labelled choices, dependentRequired.
_VENDOR_PAYOUT_INPUTS = {
    "type": "object",
    "$defs": {
        "money": {
            "type": "object",
            "title": "Amount",
            "properties": {
                "value": {"type": "number", "title": "Amount", "exclusiveMinimum": 0},
                "currency": {
                    "title": "Currency",
                    "oneOf": [
                        {"const": "EUR", "title": "Euro"},
                        {"const": "USD", "title": "US dollar"},
                        {"const": "GBP", "title": "Pound sterling"},
                    ],
                },
            },
            "required": ["value", "currency"],
        },
    },
    "allOf": [
        {
            "properties": {
                "vendor_id": {"type": "string", "format": "uuid", "title": "Vendor id"},
                "amount": {"$ref": "#/$defs/money"},
            },
            "required": ["vendor_id", "amount"],
        },
    ],
    "properties": {
        "cost_center": {
            "type": "string",
            "title": "Cost center",
            "enum": [f"CC-{number:04d}" for number in range(1, 151)],
        },
        "pay_at": {"type": "string", "format": "time", "title": "Pay at (UTC)"},
        "approver": {"type": "string", "title": "Approver", "x-slack": {"picker": "users"}},
        "notify": {
            "type": "array",
            "title": "Notify channels",
            "items": {"type": "string"},
            "x-slack": {"picker": "channels"},
        },
        "bank_token": {"type": "string", "format": "password", "title": "Bank token"},
        "reference": {"type": ["string", "null"], "title": "Reference", "maxLength": 35},
        "source": {"const": "slack", "title": "Requested from"},
        "ledger": {"type": "string", "readOnly": True, "default": "AP-EU", "title": "Ledger"},
        "payout": {
            "title": "Pay by",
            "oneOf": [
                {
                    "title": "Bank transfer",
                    "type": "object",
                    "properties": {
                        "method": {"const": "bank"},
                        "iban": {"type": "string", "title": "IBAN", "minLength": 15},
                    },
                    "required": ["method", "iban"],
                },
                {
                    "title": "Check by mail",
                    "type": "object",
                    "properties": {
                        "method": {"const": "check"},
                        "mail_to": {"type": "string", "title": "Mail to", "maxLength": 200},
                    },
                    "required": ["method", "mail_to"],
                },
            ],
        },
    },
    "required": ["payout"],
    "dependentRequired": {"reference": ["pay_at"]},
}

SAMPLE_WORKFLOWS: tuple[SampleWorkflow, ...] = (
    SampleWorkflow(
        REVENUE_REPORT_ID,
        "Revenue report",
        "Builds the revenue report for one region and quarter and emails it.",
        _REVENUE_INPUTS,
    ),
    SampleWorkflow(
        CAMPAIGN_SEND_ID,
        "Campaign send",
        "Sends a marketing campaign to an audience over the chosen channels.",
        _CAMPAIGN_INPUTS,
    ),
    SampleWorkflow(
        NIGHTLY_SYNC_ID,
        "Nightly sync",
        "Syncs CRM contacts into the warehouse. Normally runs on its own every night.",
        None,
    ),
    SampleWorkflow(
        WAREHOUSE_BACKFILL_ID,
        "Warehouse backfill",
        "Reloads the last few days of events into the warehouse.",
        _object(
            {"days": {"type": "integer", "title": "Days", "minimum": 1, "maximum": 90}},
            ["days"],
        ),
        Outcome.FAILS_AT_DISPATCH,
        WAREHOUSE_ERROR,
    ),
    SampleWorkflow(
        INVENTORY_REFRESH_ID,
        "Inventory refresh",
        "Refreshes product inventory from the storefront when it has changed.",
        None,
        Outcome.SKIPPED_AT_DISPATCH,
    ),
    SampleWorkflow(
        QUARTERLY_CLOSE_ID,
        "Quarterly close checklist",
        "Runs the finance team's quarter-end checks and reconciliations.",
        _object({"quarter": {"type": "string", "title": "Quarter", "enum": _QUARTERS}}, []),
        Outcome.FAILS_AFTER_RUN,
        QUARTERLY_CLOSE_ERROR,
        tags=("finance",),
    ),
    SampleWorkflow(
        LEAD_SCORING_ID,
        "Lead scoring refresh",
        "Rescores open leads with the latest model.",
        _object(
            {
                "segment": {"type": "string", "enum": ["smb", "mid_market", "enterprise"]},
                "full_rebuild": {"type": "boolean", "title": "Rebuild all scores"},
            },
            [],
        ),
    ),
    SampleWorkflow(
        CHURN_DIGEST_ID,
        "Churn digest",
        "Posts a digest of at-risk accounts for a customer success team.",
        _object(
            {
                "team": {"type": "string", "title": "Team"},
                "weeks": {"type": "integer", "title": "Weeks to cover", "minimum": 1},
            },
            ["team"],
        ),
    ),
)

# Served only when a test or demo adds it (`Simulator.workflows`), so the default list
# and the counts other tests rely on stay as they are.
VENDOR_PAYOUT = SampleWorkflow(
    VENDOR_PAYOUT_ID,
    "Vendor payout",
    "Pays a vendor from a cost center, with an approver and channels to notify.",
    _VENDOR_PAYOUT_INPUTS,
)


def generated_workflows(count: int) -> list[SampleWorkflow]:
    """`count` plain workflows with stable ids, for pickers that must page or search."""
    note = _object({"note": {"type": "string", "title": "Note"}}, [])
    return [
        SampleWorkflow(
            str(uuid.uuid5(_GENERATED_NAMESPACE, f"generated-{number}")),
            f"Generated workflow {number:03d}",
            f"Simulator filler workflow number {number}.",
            note,
        )
        for number in range(1, count + 1)
    ]
