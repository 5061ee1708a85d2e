"""A call log that tells waiting coroutines the moment a matching call arrives.

The stand-ins append every request they receive to a list; swapping that list for an
`Arrivals` lets a benchmark await one specific call instead of polling the log.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable
from typing import Any


class Arrivals(list[Any]):
    """A list whose `append` stamps the arrival time and resolves the matching waiter."""

    def __init__(self, key_of: Callable[[Any], Hashable | None]) -> None:
        super().__init__()
        self._key_of = key_of
        self._waiting: dict[Hashable, asyncio.Future[tuple[float, Any]]] = {}

    def expect(self, key: Hashable) -> asyncio.Future[tuple[float, Any]]:
        """A future resolved with `(monotonic arrival time, item)` for the item keyed `key`."""
        future = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        return future

    def append(self, item: Any) -> None:
        arrived = time.monotonic()
        super().append(item)
        key = self._key_of(item)
        future = None if key is None else self._waiting.pop(key, None)
        if future is not None and not future.done():
            future.set_result((arrived, item))
