from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.scenarios.harness import World, running_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running_world(tmp_path / "bot.db") as running:
        yield running
