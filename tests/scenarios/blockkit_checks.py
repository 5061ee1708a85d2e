"""Block Kit checks for scenario tests; they live in the product's playground."""

from bot.playground.blockkit_checks import (
    MESSAGE_BLOCK_LIMIT,
    VIEW_BLOCK_LIMIT,
    check_blocks,
    check_view,
)

__all__ = ["MESSAGE_BLOCK_LIMIT", "VIEW_BLOCK_LIMIT", "check_blocks", "check_view"]
