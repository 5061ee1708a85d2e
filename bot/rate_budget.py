"""A token bucket that spreads calls to a rate-limited service over time."""

from __future__ import annotations

import asyncio
import time

_BURST_SECONDS = 1.0  # a budget saves up at most this many seconds' worth of calls
_MIN_BURST = 1.0


class RateBudget:
    """A token bucket: on average `rate` actions per second, with a short burst allowed."""

    def __init__(self, rate: float, *, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._capacity = max(_MIN_BURST, rate * _BURST_SECONDS if burst is None else burst)
        self._tokens = self._capacity
        self._updated = time.monotonic()

    @property
    def rate(self) -> float:
        """Actions per second, on average."""
        return self._rate

    @property
    def capacity(self) -> int:
        """The most actions that may start at once, after a quiet spell."""
        return int(self._capacity)

    def available(self) -> int:
        """How many actions may start right now."""
        self._refill()
        return int(self._tokens)

    def spend(self, count: int = 1) -> None:
        """Record `count` actions started (the balance may go negative: later ones wait)."""
        self._refill()
        self._tokens -= count

    def wait_time(self, count: int = 1) -> float:
        """Seconds until `count` more actions may start (at most `capacity` are waited for)."""
        self._refill()
        return max(0.0, (min(count, self.capacity) - self._tokens) / self._rate)

    async def acquire(self) -> None:
        """Wait for a token and take it (callers queue in order of arrival)."""
        self.spend()
        if self._tokens < 0:
            await asyncio.sleep(-self._tokens / self._rate)

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
