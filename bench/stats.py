"""Small statistics helpers shared by the benchmarks."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (`fraction` in 0..1); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    """Seconds as milliseconds with one decimal, for tables."""
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def ratio(value: float, floor: float) -> str:
    """`value / floor` with two decimals, for tables."""
    if math.isnan(value) or math.isnan(floor) or floor <= 0:
        return "n/a"
    return f"{value / floor:.2f}×"
