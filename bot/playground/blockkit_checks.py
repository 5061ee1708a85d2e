"""Block Kit checks the stand-in Slack applies to every view and block list it receives.

`slack_sdk.models` catches most of Slack's limits; the rest (option counts, duplicate
block ids, number bounds, fields lost in a round trip) are checked here.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


def check_view(view: Any) -> list[str]:
    """What real Slack would refuse in a view, as `message [json-pointer:…]` lines."""
    if not isinstance(view, dict):
        return ["view must be a JSON object [json-pointer:/view]"]
    # The frame is checked with a stand-in block; the real blocks are checked below.
    frame = {key: value for key, value in view.items() if key != "blocks"}
    stand_in_blocks = [{"type": "divider"}]
    messages = _round_trip(
        lambda: View(**copy.deepcopy(frame), blocks=stand_in_blocks).to_dict(), frame, "/view"
    )
    if view.get("type") == "modal" and not view.get("title"):
        messages.append("a modal needs a title [json-pointer:/view/title]")

    blocks = view.get("blocks")
    messages += check_blocks(blocks, "/view/blocks", limit=VIEW_BLOCK_LIMIT)
    has_input = isinstance(blocks, list) and any(
        isinstance(block, dict) and block.get("type") == "input" for block in blocks
    )
    if view.get("type") == "modal" and has_input and not view.get("submit"):
        messages.append("a modal with input blocks needs submit [json-pointer:/view/submit]")
    return messages


def check_blocks(blocks: Any, pointer: str, *, limit: int = MESSAGE_BLOCK_LIMIT) -> list[str]:
    """What real Slack would refuse in a list of blocks."""
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= limit:
        return [f"must be a list of 1 to {limit} blocks [json-pointer:{pointer}]"]

    messages: list[str] = []
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict):
            messages.append(f"a block must be a JSON object [json-pointer:{where}]")
            continue
        messages += _round_trip(functools.partial(_block_dict, block), block, where)
        block_id = block.get("block_id")
        if block_id in seen_ids:
            messages.append(f"duplicate block_id {block_id!r} [json-pointer:{where}/block_id]")
        if isinstance(block_id, str):
            seen_ids.add(block_id)
        messages += _check_elements(block, where)
    return messages


def _block_dict(block: dict[str, Any]) -> dict[str, Any]:
    parsed = Block.parse(copy.deepcopy(block))
    if parsed is None:
        raise ValueError(f"unknown block type {block.get('type')!r}")
    return parsed.to_dict()


def _round_trip(build: Callable[[], dict[str, Any]], sent: Any, pointer: str) -> list[str]:
    # slack_sdk checks lengths and counts when serialising, and silently drops fields
    # it does not know; a field that does not survive the round trip is not Block Kit.
    try:
        kept = build()
    except Exception as error:  # slack_sdk raises several types for malformed input
        return [f"{error} [json-pointer:{pointer}]"]
    return _differences(sent, kept, pointer)


def _differences(sent: Any, kept: Any, pointer: str) -> list[str]:
    if isinstance(sent, dict) and isinstance(kept, dict):
        messages: list[str] = []
        for key, value in sent.items():
            if key not in kept:
                if value is not None:
                    messages.append(f"unexpected field [json-pointer:{pointer}/{key}]")
            else:
                messages += _differences(value, kept[key], f"{pointer}/{key}")
        return messages
    if isinstance(sent, list) and isinstance(kept, list) and len(sent) == len(kept):
        return [
            message
            for index, (one, other) in enumerate(zip(sent, kept, strict=True))
            for message in _differences(one, other, f"{pointer}/{index}")
        ]
    if sent != kept:
        return [f"not a valid value {sent!r} [json-pointer:{pointer}]"]
    return []


def _check_elements(node: Any, pointer: str) -> list[str]:
    # Rules Slack enforces that slack_sdk does not check.
    if isinstance(node, list):
        return [m for i, item in enumerate(node) for m in _check_elements(item, f"{pointer}/{i}")]
    if not isinstance(node, dict):
        return []

    messages = [
        m for key, value in node.items() for m in _check_elements(value, f"{pointer}/{key}")
    ]
    kind = node.get("type")
    options = _all_options(node)
    if kind in ("checkboxes", "radio_buttons") and len(options) > 10:
        messages.append(f"{kind} allow at most 10 options [json-pointer:{pointer}/options]")
    chosen = [node["initial_option"]] if "initial_option" in node else []
    chosen += node.get("initial_options") or []
    if options and any(option not in options for option in chosen):
        messages.append(f"initial options must be among the options [json-pointer:{pointer}]")
    if isinstance(node.get("max_selected_items"), int) and node["max_selected_items"] < 1:
        messages.append(f"max_selected_items must be at least 1 [json-pointer:{pointer}]")
    if kind == "number_input":
        messages += _check_number_input(node, pointer)
    return messages


def _all_options(element: dict[str, Any]) -> list[Any]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _check_number_input(element: dict[str, Any], pointer: str) -> list[str]:
    try:
        low = float(element.get("min_value", "-inf"))
        high = float(element.get("max_value", "inf"))
        initial = float(element.get("initial_value", low if low > -math.inf else high))
    except (TypeError, ValueError):
        return [f"number_input values must be numbers [json-pointer:{pointer}]"]
    if low > high:
        return [f"min_value must not exceed max_value [json-pointer:{pointer}]"]
    if not low <= initial <= high:
        return [f"initial_value must lie within min and max [json-pointer:{pointer}]"]
    return []
